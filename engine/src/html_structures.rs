//! The `infoboxes` and `tables` of an Enterprise record from its Parsoid HTML, read from the engine's tree
//! (html_tree.rs); the wikitext path's are read by structures.rs.
//!
//! Every `<table>` is a table row, a nested one included, its cells read as a reader sees them (reference
//! markers, styles, hidden text and nested tables left out). An infobox is an element Parsoid rendered with
//! the class `infobox` (frwiki's `infobox_v2`/`infobox_v3` too) not inside another one; its parameters are
//! the label and value of each of its rows that has both (`<th>` then `<td>`): what the reader sees, not the
//! template's parameter names, which only the wikitext has. Its template is the one its transclusion's
//! data-mw names. Python turns both into rows with the wikitext path's add_table and add_infobox.

use foldhash::HashMap;

use crate::engine::{Caches, Engine};
use crate::html_links::{href_title, template_targets, Context};
use crate::html_tree::{Kind, Tree};
use crate::text::{is_space, join_words};
use crate::titles::{clean_title, LinkType};

const SKIPPED_TAGS: &[&str] = &["style", "script", "link", "meta", "table", "noscript"];
const SKIPPED_CLASSES: &[&str] = &["mw-ref", "reference", "mw-editsection", "noprint", "sortkey"];
const BLOCK_TAGS: &[&str] = &["p", "div", "li", "dd", "dt", "ul", "ol"];
/// A cell's text is not read deeper than this below the cell.
const MAX_CELL_DEPTH: usize = 200;

/// A cell: its text, whether it is a header cell, its rowspan and colspan.
pub type Cell = (String, bool, i64, i64);

pub struct Table {
    pub section: i64,
    pub index: usize,
    pub parent: Option<usize>,
    pub class: Option<String>,
    pub caption: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A labelled value of an infobox: (label, text, wikilinks as (namespace, target with underscores)).
pub type Parameter = (String, String, Vec<(Option<i64>, String)>);

pub struct Infobox {
    pub section: i64,
    pub index: usize,
    pub template: Option<String>,
    pub parameters: Vec<Parameter>,
}

fn element_children<'t>(tree: &'t Tree<'_>, node: usize) -> impl Iterator<Item = usize> + 't {
    tree.children(node).filter(move |&child| !tree.nodes[child].tag().is_empty())
}

fn hidden(tree: &Tree, node: usize) -> bool {
    if tree.attribute(node, "class")
        .is_some_and(|classes| classes.split(is_space).any(|name| SKIPPED_CLASSES.contains(&name)))
    {
        return true;
    }
    tree.attribute(node, "style").is_some_and(|style| style.replace(' ', "").to_lowercase().contains("display:none"))
}

/// A cell's text as shown: lines kept (<br>, paragraphs), spaces collapsed within each.
pub fn visible_text(tree: &Tree, node: usize) -> String {
    let mut parts = String::new();
    collect(tree, node, &mut parts, 0);
    let lines: Vec<String> = parts.split('\n').map(join_words).filter(|line| !line.is_empty()).collect();
    lines.join("\n")
}

fn collect(tree: &Tree, node: usize, parts: &mut String, depth: usize) {
    if depth > MAX_CELL_DEPTH {
        return;
    }
    for child in tree.children(node) {
        match &tree.nodes[child].kind {
            Kind::Text(text) => parts.push_str(text),
            Kind::Element { tag, .. } if tag == "br" => parts.push('\n'),
            Kind::Element { tag, .. } => {
                if SKIPPED_TAGS.contains(&tag.as_ref()) || hidden(tree, child) {
                    continue;
                }
                let block = BLOCK_TAGS.contains(&tag.as_ref());
                if block {
                    parts.push('\n');
                }
                collect(tree, child, parts, depth + 1);
                if block {
                    parts.push('\n');
                }
            }
        }
    }
}

/// A rowspan or colspan: its leading digits, at least 1, at most `bound`.
fn span(tree: &Tree, node: usize, name: &str, bound: i64) -> i64 {
    let value = tree.attribute(node, name).unwrap_or_default();
    let value = value.trim_matches(is_space);
    let digits = &value[..value.bytes().take_while(u8::is_ascii_digit).count()];
    let number = digits.trim_start_matches('0');
    if number.is_empty() {
        return 1;
    }
    if number.len() > 18 { bound } else { number.parse::<i64>().map_or(bound, |n| n.min(bound)) }
}

fn is_infobox_class(classes: &str) -> bool {
    classes.split(is_space).any(|name| name == "infobox" || name.starts_with("infobox_v"))
}

/// The section of a node (that of the innermost section around it), as the walk numbers sections.
fn section_of(tree: &Tree, context: &Context, node: usize, section_numbers: &HashMap<i64, i64>) -> i64 {
    let id = tree.nodes[node].parent.map_or(0, |parent| context.section[parent]);
    section_numbers.get(&id).copied().unwrap_or(0)
}

pub fn page_tables(tree: &Tree, body: usize, context: &Context, section_numbers: &HashMap<i64, i64>) -> Vec<Table> {
    let tables: Vec<usize> = (body..tree.nodes[body].end).filter(|&n| tree.nodes[n].tag() == "table").collect();
    let index_of: HashMap<usize, usize> = tables.iter().enumerate().map(|(index, &table)| (table, index)).collect();
    let mut found = Vec::with_capacity(tables.len());
    for (index, &table) in tables.iter().enumerate() {
        let mut parent = tree.nodes[table].parent;
        while let Some(up) = parent.filter(|&up| tree.nodes[up].tag() != "table") {
            parent = tree.nodes[up].parent;
        }
        let caption = element_children(tree, table).find(|&child| tree.nodes[child].tag() == "caption");
        let mut row_nodes = Vec::new();
        for child in element_children(tree, table) {
            match tree.nodes[child].tag() {
                "tr" => row_nodes.push(child),
                "thead" | "tbody" | "tfoot" => {
                    row_nodes.extend(element_children(tree, child).filter(|&row| tree.nodes[row].tag() == "tr"))
                }
                _ => {}
            }
        }
        let mut rows = Vec::new();
        for row in row_nodes {
            let cells: Vec<Cell> = element_children(tree, row)
                .filter(|&cell| matches!(tree.nodes[cell].tag(), "td" | "th"))
                .map(|cell| (visible_text(tree, cell), tree.nodes[cell].tag() == "th", span(tree, cell, "rowspan", 65534),
                             span(tree, cell, "colspan", 1000)))
                .collect();
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
        found.push(Table {
            section: section_of(tree, context, table, section_numbers),
            index,
            parent: parent.and_then(|parent| index_of.get(&parent).copied()),
            class: tree.attribute(table, "class").filter(|c| !c.is_empty()).map(|c| c.into_owned()),
            caption: caption.map(|caption| visible_text(tree, caption)),
            rows,
        });
    }
    found
}

/// The template whose transclusion rendered `node` (by its `about` id), as the engine names it.
fn template_of(engine: &Engine, caches: &mut Caches, tree: &Tree, body: usize, node: usize) -> Option<String> {
    let mut current = Some(node);
    while let Some(at) = current.filter(|&at| tree.attribute(at, "about").is_none_or(|about| about.is_empty())) {
        current = tree.nodes[at].parent;
    }
    let about = tree.attribute(current?, "about")?;
    if !about.starts_with("#mwt") {
        return None;
    }
    for candidate in body..tree.nodes[body].end {
        if tree.attribute(candidate, "about").as_deref() != Some(&about) {
            continue;
        }
        let Some(data_mw) = tree.attribute(candidate, "data-mw") else { continue };
        for href in template_targets(Some(&data_mw)) {
            if let Some((_, title)) = engine.template(caches, &clean_title(&href, &engine.entities)) {
                return Some(title);
            }
        }
    }
    None
}

fn value_wikilinks(engine: &Engine, tree: &Tree, cell: usize) -> Vec<(Option<i64>, String)> {
    let mut found = Vec::new();
    for link in cell + 1..tree.nodes[cell].end {
        if tree.nodes[link].tag() != "a" || !tree.has_token(link, "rel", "mw:WikiLink") {
            continue;
        }
        let href = tree.attribute(link, "href");
        let Some(title) = href_title(href.as_deref()).filter(|title| !title.is_empty()) else { continue };
        let resolved = engine.site.resolve(&format!(":{title}"), &engine.entities);
        if resolved.link_type == LinkType::Wikilink {
            if let Some(target) = resolved.title.filter(|target| !target.is_empty()) {
                found.push((resolved.namespace, target.replace(' ', "_")));
            }
        }
    }
    found
}

pub fn page_infoboxes(engine: &Engine, caches: &mut Caches, tree: &Tree, body: usize, context: &Context,
                      section_numbers: &HashMap<i64, i64>) -> Vec<Infobox> {
    let boxes: Vec<usize> = (body..tree.nodes[body].end)
        .filter(|&node| tree.attribute(node, "class").is_some_and(|classes| is_infobox_class(&classes)))
        .collect();
    let mut outermost: Vec<usize> = Vec::new();
    for &node in &boxes {
        // Boxes come in document order: one inside another follows it within its subtree.
        if outermost.last().is_none_or(|&outer| node >= tree.nodes[outer].end) {
            outermost.push(node);
        }
    }
    let mut found = Vec::with_capacity(outermost.len());
    for (index, &infobox) in outermost.iter().enumerate() {
        let mut parameters = Vec::new();
        for row in infobox..tree.nodes[infobox].end {
            if tree.nodes[row].tag() != "tr" {
                continue;
            }
            let cells: Vec<usize> = element_children(tree, row)
                .filter(|&cell| matches!(tree.nodes[cell].tag(), "td" | "th"))
                .collect();
            if cells.len() == 2 && tree.nodes[cells[0]].tag() == "th" && tree.nodes[cells[1]].tag() == "td" {
                let label = visible_text(tree, cells[0]);
                if !label.is_empty() {  // the rendered page has no parameter's wikitext
                    parameters.push((label, visible_text(tree, cells[1]), value_wikilinks(engine, tree, cells[1])));
                }
            }
        }
        found.push(Infobox {
            section: section_of(tree, context, infobox, section_numbers),
            index,
            template: template_of(engine, caches, tree, body, infobox),
            parameters,
        });
    }
    found
}
