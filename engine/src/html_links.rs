//! The `links` rows of an Enterprise record from its Parsoid HTML (issue 19), read from the engine's own
//! tree (html_tree.rs) in one pass: wikilinks, categories, media, templates, external, interwiki and
//! interlanguage links, in page order, each with its section and whether a template rendered it.
//!
//! Parsoid says what each node is: `rel="mw:WikiLink"` (and `/Interwiki`), `rel="mw:ExtLink"`,
//! `<link rel="mw:PageProp/Category">` and `mw:PageProp/Language`, `typeof="mw:File..."` for media, and
//! `typeof="mw:Transclusion"` with a `data-mw` naming the templates. Every node a template rendered, or an
//! ancestor of it, carries the `about` id of its transclusion. A rendered citation's external links
//! (inside `<cite>`, `.citation`, `.ouvrage`) are the citations dataset's, as a citation template's url= is
//! in the wikitext path. Targets resolve as the wikitext path's do (titles.rs), with the wiki's local
//! namespace names Python learnt from the record.

use std::borrow::Cow;
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::engine::{Caches, Engine};
use crate::html_json::Json;
use crate::html_tree::{Kind, Tree};
use crate::rows::LinkRow;
use crate::text::join_words;
use crate::titles::{clean_title, first_letter_upper, LinkType, CATEGORY, FILE};

/// A wikilink's target: (title with spaces, namespace, fragment).
type Wikilink = (String, Option<i64>, Option<String>);

/// Where each element of the body is: Parsoid's section id (the innermost `<section>` with one >= 0), whether
/// a template rendered it, and whether it is part of a rendered citation.
pub struct Context {
    pub section: Vec<i64>,
    pub templated: Vec<bool>,
    pub in_citation: Vec<bool>,
}

/// Python's int() of an attribute, as far as Parsoid's ids need it.
pub fn parse_int(text: &str) -> Option<i64> {
    text.trim_matches(crate::text::is_space).parse::<i64>().ok()
}

impl Context {
    pub fn new(tree: &Tree, body: usize) -> Context {
        let count = tree.nodes.len();
        let mut context = Context { section: vec![0; count], templated: vec![false; count], in_citation: vec![false; count] };
        let range = body..tree.nodes[body].end;
        let transclusions: HashSet<Cow<str>> = range.clone()
            .filter(|&index| tree.has_token(index, "typeof", "mw:Transclusion"))
            .filter_map(|index| tree.attribute(index, "about"))
            .collect();
        for index in range {
            let node = &tree.nodes[index];
            let Kind::Element { tag, .. } = &node.kind else { continue };
            let parent = node.parent.filter(|&parent| parent >= body);
            let (mut section, mut templated, mut in_citation) = match parent {
                Some(parent) => (context.section[parent], context.templated[parent], context.in_citation[parent]),
                None => (0, false, false),
            };
            if tag == "section" {
                if let Some(number) = tree.attribute(index, "data-mw-section-id").and_then(|id| parse_int(&id)) {
                    if number >= 0 {
                        section = number;
                    }
                }
            }
            templated = templated || tree.attribute(index, "about").is_some_and(|about| transclusions.contains(&about));
            in_citation = in_citation || tag == "cite" || tree.has_token(index, "class", "citation")
                || tree.has_token(index, "class", "ouvrage");
            context.section[index] = section;
            context.templated[index] = templated;
            context.in_citation[index] = in_citation;
        }
        context
    }
}

/// `./Foo_bar#x` -> `Foo_bar#x`; None for anything that is not a link within the wiki.
pub fn href_title(href: Option<&str>) -> Option<&str> {
    href.and_then(|href| href.strip_prefix("./"))
}

/// The templates a transclusion node names in its data-mw (parser functions have no href).
pub fn template_targets(data_mw: Option<&str>) -> Vec<String> {
    let Some(data) = Json::parse(data_mw.unwrap_or("{}")) else { return Vec::new() };
    let mut targets = Vec::new();
    if let Some(Json::Array(parts)) = data.get("parts") {
        for part in parts {
            let href = part.get("template").and_then(|t| t.get("target")).and_then(|t| t.get("href"))
                .and_then(Json::as_str);
            if let Some(title) = href_title(href).filter(|title| !title.is_empty()) {
                targets.push(title.to_string());
            }
        }
    }
    targets
}

/// A link's text as a reader sees it, whitespace collapsed.
fn shown(tree: &Tree, node: usize) -> Option<String> {
    Some(join_words(&tree.text(node))).filter(|text| !text.is_empty())
}

fn is_py_split_token(rel: &str, token: &str) -> bool {
    rel.split(crate::text::is_space).any(|word| word == token)
}

/// The netloc and path of a URL as urllib.parse.urlsplit cuts them.
fn split_url(url: &str) -> (&str, &str) {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let mut rest = url;
    if let Some(colon) = url.find(':') {
        let scheme = &url[..colon];
        if colon > 0 && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            rest = &url[colon + 1..];
        }
    }
    let mut netloc = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = &after[..end];
        rest = &after[end..];
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    (netloc, &rest[..path_end])
}

/// The links of a page, in document order. `page_title` is the page's title with spaces;
/// `section_numbers` maps Parsoid's section ids to the sections' indices (text.py's walk numbers them).
pub fn page_links(engine: &Engine, caches: &mut Caches, tree: &Tree, body: usize, context: &Context, page_title: &str,
                  section_numbers: &HashMap<i64, i64>) -> Vec<LinkRow> {
    let mut rows = Vec::new();
    let entities = &engine.entities;
    let output = |title: &str| title.replace(' ', "_");
    let mut wikilinks: HashMap<Option<Cow<str>>, Option<Wikilink>> = HashMap::new(); // a page links a target often
    for index in body..tree.nodes[body].end {
        let node = &tree.nodes[index];
        let tag = node.tag();
        if tag.is_empty() {
            continue;
        }
        let rel_attribute = tree.attribute(index, "rel");
        let typeof_attribute = tree.attribute(index, "typeof");
        // What Python's selection `a[rel], link[rel~=Category], link[rel~=Language], [typeof~=mw:Transclusion],
        // [typeof^=mw:File]` found.
        let selected = (tag == "a" && rel_attribute.is_some())
            || (tag == "link" && (tree.has_token(index, "rel", "mw:PageProp/Category")
                                  || tree.has_token(index, "rel", "mw:PageProp/Language")))
            || tree.has_token(index, "typeof", "mw:Transclusion")
            || typeof_attribute.as_ref().is_some_and(|t| t.starts_with("mw:File"));
        if !selected {
            continue;
        }
        let rel = rel_attribute.as_deref().unwrap_or("");
        if rel.is_empty() && (tag == "a" || tag == "link") {
            continue;
        }
        let section = section_numbers.get(&context.section[index]).copied().unwrap_or(0);
        let from_template = Some(context.templated[index]);
        let typeof_value = typeof_attribute.as_deref().unwrap_or("");
        let row = |kind, target: Option<String>, namespace, fragment, anchor, url, language, prefix| LinkRow {
            section, kind, target, namespace, fragment, anchor, url, language, prefix, from_template,
        };
        if rel == "mw:WikiLink" || is_py_split_token(rel, "mw:WikiLink") {
            let href = tree.attribute(index, "href");
            let target = wikilinks.entry(href.clone()).or_insert_with(|| {
                // a link even to a category or a file: Parsoid says so
                let resolved = href_title(href.as_deref()).filter(|t| !t.is_empty())
                    .map(|title| engine.site.resolve(&format!(":{title}"), entities))?;
                (resolved.link_type == LinkType::Wikilink).then(|| {
                    let title = resolved.title.filter(|t| !t.is_empty()).unwrap_or_else(|| page_title.to_string());
                    (title, resolved.namespace, resolved.fragment)
                })
            }).clone();
            if !typeof_value.is_empty() {
                templates(engine, caches, tree.attribute(index, "data-mw").as_deref(), typeof_value, &mut rows, section,
                          from_template);
            }
            if let Some((title, namespace, fragment)) = target {
                rows.push(row("wikilink", Some(output(&title)), namespace, fragment, shown(tree, index), None, None, None));
            }
            continue;
        }
        if typeof_value.contains("mw:Transclusion") {
            templates(engine, caches, tree.attribute(index, "data-mw").as_deref(), typeof_value, &mut rows, section,
                      from_template);
        }
        if typeof_value.contains("mw:File") {
            let resource = (index..node.end).find_map(|inner| tree.attribute(inner, "resource"));
            if let Some(title) = href_title(resource.as_deref()).filter(|t| !t.is_empty()) {
                let caption = (index..node.end).find(|&inner| tree.nodes[inner].tag() == "figcaption");
                let resolved = engine.site.resolve(&format!(":{title}"), entities);
                rows.push(row("media", resolved.title.as_deref().map(output), Some(FILE), None,
                              caption.and_then(|caption| shown(tree, caption)), None, None, None));
            }
            continue;
        }
        if is_py_split_token(rel, "mw:WikiLink/Interwiki") {
            let title_attribute = tree.attribute(index, "title").unwrap_or_default();
            let (prefix, rest) = title_attribute.split_once(':').unwrap_or((&title_attribute, ""));
            let (title, fragment) = rest.split_once('#').unwrap_or((rest, ""));
            let title = clean_title(title, entities);
            rows.push(row("interwiki", (!title.is_empty()).then(|| output(&title)), None,
                          (!fragment.is_empty()).then(|| fragment.to_string()), shown(tree, index), None, None,
                          (!prefix.is_empty()).then(|| prefix.to_lowercase())));
        } else if is_py_split_token(rel, "mw:ExtLink") {
            if !context.in_citation[index] {  // a rendered citation's links are the citations dataset's
                rows.push(row("external", None, None, None, shown(tree, index), tree.attribute(index, "href").map(Cow::into_owned),
                              None, None));
            }
        } else if is_py_split_token(rel, "mw:PageProp/Category") {
            let href = tree.attribute(index, "href");
            if let Some(title) = href_title(href.as_deref()).filter(|t| !t.is_empty()) {
                let without_fragment = title.split_once('#').map_or(title, |(before, _)| before);
                let name = clean_title(without_fragment.split_once(':').map_or("", |(_, after)| after), entities);
                rows.push(row("category", Some(output(&first_letter_upper(&name))), Some(CATEGORY), None, None, None,
                              None, None));
            }
        } else if is_py_split_token(rel, "mw:PageProp/Language") {
            let href = tree.attribute(index, "href").unwrap_or_default();
            let (netloc, path) = split_url(&href);
            let language = (!netloc.is_empty()).then(|| netloc.split('.').next().unwrap_or("").to_string());
            let title = clean_title(path.rsplit_once("/wiki/").map_or(path, |(_, after)| after), entities);
            rows.push(row("interlanguage", (!title.is_empty()).then(|| output(&title)), None, None, None, None,
                          language, None));
        }
    }
    rows
}

/// The template rows of a transclusion node: one per template its data-mw names.
fn templates(engine: &Engine, caches: &mut Caches, data_mw: Option<&str>, typeof_value: &str, rows: &mut Vec<LinkRow>,
             section: i64, from_template: Option<bool>) {
    if !typeof_value.contains("mw:Transclusion") {
        return;
    }
    for name in template_targets(data_mw) {
        // Parsoid's href has the namespace
        if let Some((namespace, title)) = engine.template(caches, &clean_title(&name, &engine.entities)) {
            rows.push(LinkRow { section, kind: "template", target: Some(title.replace(' ', "_")), namespace: Some(namespace),
                                fragment: None, anchor: None, url: None, language: None, prefix: None, from_template });
        }
    }
}
