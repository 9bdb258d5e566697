//! `links` rows of a page (issue 17): every link of its scan in page order, of seven kinds.
//!
//! wikilink, category, media (`[[File:..]]`, `[[Image:..]]`, `[[Media:..]]`, gallery lines), interwiki
//! (`[[wikt:..]]`, `[[:fr:..]]`), interlanguage (`[[fr:..]]`), template (each `{{...}}` occurrence, nested ones
//! too; parser functions and magic words are not templates) and external (`[http://.. label]` anywhere, bare
//! URLs in the page's text; URLs inside template parameters are left to the `citations` dataset).

use regex::Regex;
use std::sync::OnceLock;

use crate::engine::{Caches, Engine};
use crate::rows::{LinkColumns, LinkRow};
use crate::scan::Scan;
use crate::text::{join_words, strip};
use crate::titles::LinkType;

/// Image options of MediaWiki's file syntax (English names); the caption is the last part that is none.
const FILE_OPTIONS: &[&str] = &[
    "thumb", "thumbnail", "frame", "framed", "frameless", "border", "left", "right", "center", "centre", "none",
    "upright", "baseline", "sub", "super", "top", "text-top", "middle", "bottom", "text-bottom",
];

/// An option written with a value (`250px`, `x40px`, `alt=...`, `upright=1.2`). Python's `\s` is str.isspace(),
/// which also counts the separators \x1c-\x1f.
fn file_option() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"(?is)^(?:\d*(?:x\d+)?[\s\x1c-\x1f]*px|(?:upright|link|alt|page|class|lang|thumb|thumbnail|frame|framed|frameless|loop|muted|start|end|poster|disablecontrols)[\s\x1c-\x1f]*=.*)$")
            .unwrap()
    })
}

/// One link before the page's links are put in order.
struct Found {
    start: usize,
    section: usize,
    kind: &'static str,
    title: Option<String>,
    namespace: Option<i64>,
    fragment: Option<String>,
    anchor: Option<String>,
    url: Option<String>,
    language: Option<String>,
    prefix: Option<String>,
}

impl Found {
    fn new(start: usize, section: usize, kind: &'static str) -> Found {
        Found { start, section, kind, title: None, namespace: None, fragment: None, anchor: None, url: None,
                language: None, prefix: None }
    }
}

/// Text shown for a link: entities decoded, runs of spaces made one; None when nothing is left.
fn anchor(engine: &Engine, text: Option<&str>) -> Option<String> {
    let text = text?;
    let text = join_words(&engine.entities.unescape(text));
    (!text.is_empty()).then_some(text)
}

/// A file link's caption: None when the last part is an image option (`thumb`, `250px`, `alt=...`).
fn caption(engine: &Engine, caption: Option<&str>) -> Option<String> {
    let stripped = strip(caption?);
    if FILE_OPTIONS.contains(&stripped.to_lowercase().as_str()) || file_option().is_match(stripped) {
        return None;
    }
    anchor(engine, caption)
}

/// Appends the page's links, in page order, to `out`. `page_title` has spaces (the target of `[[#Section]]`
/// links); targets are spelt with underscores, so that they join a page_title as they are.
pub fn add_links(engine: &Engine, caches: &mut Caches, scan: &Scan, page_namespace: i64, page_title: &str,
                 out: &mut LinkColumns) {
    let mut found = Vec::with_capacity(scan.links.len() + scan.templates.len());
    for link in &scan.links {
        if !link.internal {
            let mut row = Found::new(link.start, link.section, "external");
            row.anchor = anchor(engine, link.label.as_deref());
            row.url = Some(link.target.clone());
            found.push(row);
            continue;
        }
        let Some(resolved) = &link.resolved else { continue }; // the scan records internal links resolved
        let mut row = Found::new(link.start, link.section, resolved.link_type.name());
        row.title = resolved.title.clone();
        row.namespace = resolved.namespace;
        row.fragment = resolved.fragment.clone();
        match resolved.link_type {
            LinkType::Wikilink | LinkType::Interwiki => {
                if resolved.link_type == LinkType::Wikilink && row.title.as_deref().is_none_or(str::is_empty) {
                    // [[#Section]] links within the page
                    row.title = Some(page_title.to_string());
                    row.namespace = Some(page_namespace);
                }
                let shown = match link.label.as_deref() {
                    Some(label) if !strip(label).is_empty() => label,
                    _ => strip(&link.target).trim_start_matches(':'),
                };
                row.anchor = anchor(engine, Some(shown));
                if resolved.link_type == LinkType::Interwiki {
                    row.prefix = resolved.prefix.clone();
                }
            }
            LinkType::Media => row.anchor = caption(engine, link.caption.as_deref()),
            LinkType::Interlanguage => row.language = resolved.prefix.clone(),
            LinkType::Category | LinkType::Invalid => {}
        }
        found.push(row);
    }
    for template in &scan.templates {
        if let Some((namespace, title)) = engine.template(caches, &template.name) {
            let mut row = Found::new(template.start, template.section, "template");
            row.title = Some(title);
            row.namespace = Some(namespace);
            found.push(row);
        }
    }
    found.sort_by_key(|row| row.start); // stable: at one position, links before templates
    out.append(found.into_iter().map(|row| LinkRow {
        section: row.section as i64, kind: row.kind, target: row.title.map(|title| title.replace(' ', "_")),
        namespace: row.namespace, fragment: row.fragment, anchor: row.anchor, url: row.url, language: row.language,
        prefix: row.prefix, from_template: None,
    }));
}
