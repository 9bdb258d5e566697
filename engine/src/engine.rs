//! The site data and tables a scan needs, handed over once per wiki, and the caches kept between
//! pages of that wiki.

use foldhash::{HashMap, HashMapExt, HashSet};

use regex::Regex;

use crate::citation_rows::CitationTables;
use crate::scan::LinkRead;
use crate::text::{join_words, strip, Entities, Tidy};
use crate::titles::{clean_title, is_invalid_character, LinkType, Site, Target};

pub struct Engine {
    pub site: Site,
    pub entities: Entities,
    pub tidy: Tidy,
    pub tables: Tables,
    pub bare_url: Regex,
    attribute: Regex,
}

/// What repeats across a wiki's pages: link tokens, targets, closing-tag patterns.
#[derive(Default)]
pub struct Caches {
    pub link_tokens: HashMap<String, LinkRead>,
    pub targets: HashMap<String, Target>,
    pub closing: HashMap<String, Regex>,
    /// What each template name as written transcludes (`Engine::template`).
    pub templates: HashMap<String, Option<(i64, String)>>,
}

/// The scanner's tables, handed over once from Python (transforms/wikitext/scanner.py declares them).
pub struct Tables {
    pub inline_templates: HashMap<String, String>,
    pub transparent_tags: HashSet<String>,
    pub dropped_tags: HashSet<String>,
    pub opaque_tags: HashSet<String>,
    pub line_break_tags: HashSet<String>,
    pub citation_keys: HashSet<String>,
    pub citation_prefixes: Vec<String>,
    /// The month names of the wiki's language, January first (the `date` rule of inline templates).
    pub months: Vec<String>,
    /// The thousands separator of the wiki's language (the `number` rule, `{{formatnum:}}`).
    pub thousands: String,
    /// Variables and parser functions written as templates, in upper case (sitedata.MAGIC_WORDS).
    pub magic_words: HashSet<String>,
    /// Name prefixes of the wiki's infobox templates, in lower case (structures.INFOBOXES: every wiki's and
    /// its language's).
    pub infobox_prefixes: Vec<String>,
    /// What the citations rows read by (citation_rows.rs).
    pub citations: CitationTables,
}

impl Engine {
    pub fn new(site: Site, entities: Entities, tables: Tables) -> Engine {
        Engine {
            site,
            entities,
            tidy: Tidy::new(),
            tables,
            // Python's \s is str.isspace(): Unicode White_Space and the separators \x1c-\x1f. A URL also ends
            // at the mark a `<math>` left in the text (its `<` ended it in the source).
            bare_url: Regex::new(r#"(?i:https?|ftp)://[^\s\x1c-\x1f<>\[\]{}|"\x{27e6}]+"#).unwrap(),
            attribute: Regex::new(
                r#"([\p{L}\p{N}_-]+)[\s\x1c-\x1f]*=[\s\x1c-\x1f]*(?:"([^"]*)"|'([^']*)'|([^\s\x1c-\x1f"'/>]+))"#,
            )
            .unwrap(),
        }
    }

    /// A template name compared the way the scanner and its callers compare them: lower case, spaces.
    pub fn template_key(&self, name: &str) -> String {
        let mut key = join_words(&name.replace('_', " ")).to_lowercase();
        for prefix in ["subst:", "safesubst:", "template:", "msgnw:"] {
            if let Some(rest) = key.strip_prefix(prefix) {
                key = strip(rest).to_string();
            }
        }
        key
    }

    /// (namespace, title) a `{{name}}` transcludes, or None for parser functions, magic words and names
    /// that are no title (titles.TitleResolver.template, which the Enterprise HTML path still uses).
    pub fn template(&self, caches: &mut Caches, name: &str) -> Option<(i64, String)> {
        if let Some(found) = caches.templates.get(name) {
            return found.clone();
        }
        let found = self.resolve_template(name);
        if caches.templates.len() >= 200_000 {
            caches.templates.clear();
        }
        caches.templates.insert(name.to_string(), found.clone());
        found
    }

    fn resolve_template(&self, name: &str) -> Option<(i64, String)> {
        let name = strip(name);
        if name.is_empty() || name.starts_with('#') || name.chars().any(is_invalid_character) {
            return None;
        }
        let head = strip(name.split(':').next().unwrap());
        let folded = self.site.casefold(head);
        if self.tables.magic_words.contains(&head.to_uppercase())
            || matches!(folded.as_str(), "subst" | "safesubst" | "msgnw" | "int") {
            return None;
        }
        let text = clean_title(name, &self.entities);
        let target = if let Some(rest) = text.strip_prefix(':') {
            self.site.in_namespace(0, strip(rest), true)
        } else {
            let namespace = text.split_once(':')
                .and_then(|(prefix, rest)| Some((*self.site.namespaces.get(&self.site.casefold(strip(prefix)))?, rest)));
            match namespace {
                Some((namespace, rest)) => self.site.in_namespace(namespace, strip(rest), true),
                None => self.site.in_namespace(10, &text, true),
            }
        };
        if target.link_type == LinkType::Invalid {
            return None;
        }
        Some((target.namespace?, target.title?))
    }

    /// Whether a template title (namespace Template, normalised) names one of the wiki's infoboxes.
    pub fn is_infobox(&self, title: &str) -> bool {
        let key = title.to_lowercase();
        self.tables.infobox_prefixes.iter().any(|prefix| key.starts_with(prefix.as_str()))
    }

    /// Templates whose arguments the citations need (citations.wants_args).
    pub fn wants_args(&self, key: &str) -> bool {
        self.tables.citation_keys.contains(key) || self.tables.citation_prefixes.iter().any(|prefix| key.starts_with(prefix.as_str()))
    }

    /// The attributes of a tag: names in lower case, values with entities decoded and stripped.
    pub fn attributes(&self, tag: &str) -> HashMap<String, String> {
        let mut found = HashMap::new();
        for captures in self.attribute.captures_iter(tag) {
            let value = captures.get(2).or(captures.get(3)).or(captures.get(4)).map(|m| m.as_str()).unwrap_or("");
            let value = strip(&self.entities.unescape(value)).to_string();
            found.insert(captures[1].to_lowercase(), value);
        }
        found
    }
}
