//! The plain text and sections of an Enterprise record from its Parsoid HTML, in one walk of the engine's
//! tree (html_tree.rs).
//!
//! What is prose is decided as the wikitext path decides it, on the rendered page: paragraphs, list items,
//! definitions and headings are kept, each a block of its own; references, citations, navigation and
//! maintenance boxes, figures, math and hidden text are not. Parsoid's `<section data-mw-section-id=N>` gives
//! the sections (a negative id is a section a template made: its text belongs to the section around it).

use foldhash::{HashMap, HashMapExt};

use crate::html_links::parse_int;
use crate::html_tree::{Kind, Tree};
use crate::text::{is_space, join_words};

// Not prose, as the wikitext path leaves them out too: reference markers and lists, rendered citations,
// bibliographies, figures, math, code blocks, navigation and maintenance boxes and inline maintenance tags,
// hatnotes, edit links, hidden text, styles and scripts.
const SKIPPED_TAGS: &[&str] = &["style", "script", "link", "meta", "figure", "cite", "math", "noscript", "img", "audio",
                                "video", "pre"];
const SKIPPED_CLASSES: &[&str] = &[
    "reference", "mw-references-wrap", "references", "reflist", "refbegin", "citation", "navbox", "navbox-styles",
    "ambox", "metadata", "mbox-small", "hatnote", "mw-editsection", "shortdescription", "thumb", "sidebar",
    "mwe-math-element", "noexcerpt", "sistersitebox", "side-box", "portalbox", "vertical-navbox",
    "mw-empty-elt", "toc", "mw-ref", "printfooter", "catlinks", "dablink", "rellink", "Z3988", "mw-highlight",
    "Inline-Template", "Template-Fact", // [citation needed], [clarification needed] and their kin
];
// Tables (infoboxes, quote boxes) and galleries are no prose, but the paragraphs, list items and
// definitions inside them are what a reader reads there: they are kept, each a line, and the bare cells
// are left out (`tables` is the dataset for those).
const BLOCKS_ONLY_CLASSES: &[&str] = &["gallery", "infobox"];
const PARAGRAPH_TAGS: &[&str] = &["blockquote", "pre", "center", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6",
                                  "ul", "ol", "dl"];
/// Deeper HTML than this is not walked further.
const MAX_NESTING: usize = 400;

fn heading_level(tag: &str) -> Option<i64> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

pub struct Section {
    pub index: i64,
    pub level: i64,
    pub title: String,
    pub anchor: String,
    pub parent: Option<i64>,
    /// (is a list item, text) of each block.
    pub blocks: Vec<(bool, String)>,
}

/// Text of each section, in one walk of the body.
pub struct Walk<'t, 'a> {
    tree: &'t Tree<'a>,
    pub sections: Vec<Section>,
    current: Vec<usize>,
    parts: String,
    list_item: bool,
    blocks_only: usize,
    in_block: usize,
    /// The text of each outermost paragraph, list item and definition (by node), where the citations look
    /// for identifiers written outside references.
    pub block_texts: HashMap<usize, String>,
    /// Parsoid's section ids -> the walk's section index (1, 2, ... in page order, as the wikitext path
    /// numbers them; Parsoid's ids skip the sections templates made).
    pub section_numbers: HashMap<i64, i64>,
}

impl<'t, 'a> Walk<'t, 'a> {
    pub fn new(tree: &'t Tree<'a>, body: Option<usize>) -> Walk<'t, 'a> {
        let mut walk = Walk {
            tree,
            sections: vec![Section { index: 0, level: 0, title: String::new(), anchor: String::new(), parent: None,
                                     blocks: Vec::new() }],
            current: vec![0],
            parts: String::new(),
            list_item: false,
            blocks_only: 0,
            in_block: 0,
            block_texts: HashMap::new(),
            section_numbers: HashMap::from_iter([(0, 0)]),
        };
        if let Some(body) = body {
            walk.visit(body, 0);
        }
        walk
    }

    fn visit(&mut self, node: usize, depth: usize) {
        if depth > MAX_NESTING {
            return;
        }
        let tree = self.tree;
        for child in tree.children(node) {
            let tag = match &tree.nodes[child].kind {
                Kind::Text(text) => {
                    if self.blocks_only == 0 || self.in_block > 0 {
                        self.parts.push_str(text);
                    }
                    continue;
                }
                Kind::Element { tag, .. } => tag.as_ref(),
            };
            if SKIPPED_TAGS.contains(&tag) {
                continue;
            }
            let classes = tree.attribute(child, "class");
            let has_class = |names: &[&str]| {
                classes.as_deref().is_some_and(|classes| classes.split(is_space).any(|name| names.contains(&name)))
            };
            if has_class(SKIPPED_CLASSES) {
                continue;
            }
            if tree.attribute(child, "style").is_some_and(|style| style.replace(' ', "").contains("display:none")) {
                continue;
            }
            if tag == "table" || has_class(BLOCKS_ONLY_CLASSES) {
                self.end_block();
                self.blocks_only += 1;
                let in_block = std::mem::replace(&mut self.in_block, 0); // a table in a list item: its cells are no text
                self.visit(child, depth + 1);
                self.blocks_only -= 1;
                self.in_block = in_block;
                self.end_block();
            } else if tag == "br" {
                self.parts.push(' ');
            } else if tag == "section" {
                self.section(child, depth);
            } else if heading_level(tag).is_some() {
                self.heading(child);
            } else if matches!(tag, "li" | "dd" | "dt" | "p") {
                self.end_block();
                self.list_item = tag != "p";
                let section = *self.current.last().unwrap_or(&0);
                let before = self.sections[section].blocks.len();
                self.in_block += 1;
                self.visit(child, depth + 1);
                self.in_block -= 1;
                self.end_block();
                let blocks = &self.sections[section].blocks;
                if self.in_block == 0 && blocks.len() > before {
                    let text: Vec<&str> = blocks[before..].iter().map(|(_, text)| text.as_str()).collect();
                    self.block_texts.insert(child, text.join(" "));
                }
            } else if PARAGRAPH_TAGS.contains(&tag) {
                self.end_block();
                self.list_item = false;
                self.visit(child, depth + 1);
                self.end_block();
            } else {
                self.visit(child, depth + 1);
            }
        }
    }

    fn section(&mut self, node: usize, depth: usize) {
        let tree = self.tree;
        let number = tree.attribute(node, "data-mw-section-id").and_then(|id| parse_int(&id)).unwrap_or(-1);
        if number <= 0 { // the lead, or a section a template made: part of the section around it
            self.visit(node, depth + 1);
            return;
        }
        self.end_block();
        let heading = tree.children(node).find(|&child| heading_level(tree.nodes[child].tag()).is_some());
        let level = heading.and_then(|heading| heading_level(tree.nodes[heading].tag())).unwrap_or(2);
        let parent = self.parent_for(level);
        let index = self.sections.len();
        self.sections.push(Section {
            index: index as i64,
            level,
            title: heading.map(|heading| heading_text(tree, heading)).unwrap_or_default(),
            anchor: heading.and_then(|heading| tree.attribute(heading, "id")).map(|id| id.into_owned()).unwrap_or_default(),
            parent: Some(parent),
            blocks: Vec::new(),
        });
        self.current.push(index);
        self.section_numbers.insert(number, index as i64);
        self.visit(node, depth + 1);
        self.end_block();
        self.current.pop();
    }

    fn parent_for(&self, level: i64) -> i64 {
        for &position in self.current.iter().rev() {
            if self.sections[position].level < level {
                return self.sections[position].index;
            }
        }
        0
    }

    /// The heading that opens a section is its title; another one (a template's) is a line of text.
    fn heading(&mut self, node: usize) {
        let tree = self.tree;
        let section = &self.sections[*self.current.last().unwrap_or(&0)];
        if section.index != 0 && section.blocks.is_empty() && self.parts.is_empty()
            && tree.nodes[node].parent.is_some_and(|parent| tree.nodes[parent].tag() == "section")
        {
            return; // the section's own heading, taken as its title
        }
        self.end_block();
        self.list_item = false;
        self.parts.push_str(&heading_text(tree, node));
        self.end_block();
    }

    fn end_block(&mut self) {
        if !self.parts.is_empty() {
            let text = join_words(&self.parts);
            if !text.is_empty() {
                let section = *self.current.last().unwrap_or(&0);
                self.sections[section].blocks.push((self.list_item, text));
            }
            self.parts.clear();
        }
    }
}

fn heading_text(tree: &Tree, node: usize) -> String {
    let mut parts = String::new();
    for child in tree.children(node) {
        match &tree.nodes[child].kind {
            Kind::Text(text) => parts.push_str(text),
            Kind::Element { .. } => {
                if !tree.attribute(child, "class").is_some_and(|classes| classes.starts_with("mw-editsection")) {
                    parts.push_str(&tree.text(child));
                }
            }
        }
    }
    join_words(&parts)
}

/// Paragraphs separated by a blank line; a list item on the line after what precedes it.
pub fn section_text(blocks: &[(bool, String)]) -> String {
    let mut out = String::new();
    let mut previous = false;
    for (index, (list_item, text)) in blocks.iter().enumerate() {
        if index > 0 {
            out.push_str(if *list_item || previous { "\n" } else { "\n\n" });
        }
        out.push_str(text);
        previous = *list_item;
    }
    out
}
