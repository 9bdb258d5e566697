//! The rendered HTML of an Enterprise record (Parsoid's output) read into a flat tree: one pass of a
//! purpose-built tokenizer, no library. Parsoid serialises a DOM, so every element it writes is closed
//! where the DOM closes it; the tree built here by a plain stack of open elements is then the tree an HTML5
//! parser (lexbor) builds. The input is untrusted all the same: anything else (unclosed or stray tags,
//! junk, unterminated markup) is read in one linear pass without a panic, a stray end tag ignored, an
//! unclosed element closed at the end, and nesting deeper than MAX_DEPTH cut (see MAX_DEPTH).
//!
//! Nodes are kept in document order (pre-order), each with its parent and the end of its subtree, so that
//! "is X inside Y" is a comparison of positions and a subtree is a range.

use std::borrow::Cow;
use foldhash::{HashMap, HashMapExt};

use crate::text::Entities;

/// An element that would open deeper than this first closes the deepest open one (lexbor bounds its tree too).
pub const MAX_DEPTH: usize = 512;

/// HTML's void elements: never open.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                        "source", "track", "wbr"];
/// Start tags that end an open `<p>` (in button scope), as HTML5 does: Parsoid's DOM never puts them in one,
/// but hand-written or broken HTML does.
const CLOSES_P: &[&str] = &["address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
                            "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu",
                            "nav", "ol", "p", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                            "listing", "form", "table", "hr", "xmp", "plaintext", "li", "dd", "dt"];
/// Where the search for an open `<p>` stops (HTML5's button scope).
const P_SCOPE: &[&str] = &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
                           "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title"];
/// HTML5's special elements but address, div and p: where the search for an open `<li>`, `<dd>` or `<dt>`
/// to end stops.
const LIST_ITEM_SCOPE: &[&str] = &["applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote",
    "body", "br", "button", "caption", "center", "col", "colgroup", "details", "dir", "dl", "embed", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
    "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "link", "listing", "main", "marquee", "menu", "meta",
    "nav", "noembed", "noframes", "noscript", "object", "ol", "param", "plaintext", "pre", "script", "section",
    "select", "source", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "title", "tr", "track", "ul", "wbr", "xmp"];
/// Where the search for an open cell or row to end stops (HTML5's table scope).
const TABLE_SCOPE: &[&str] = &["html", "table", "template"];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                            "plaintext"];

/// Names are lower-cased, text decoded; attribute values are kept as written and decoded when read
/// (`Tree::attribute`): most are never read, and a transclusion's data-mw is long.
pub enum Kind<'a> {
    Element { tag: Cow<'a, str>, attributes: Vec<(Cow<'a, str>, &'a str)> },
    Text(Cow<'a, str>),
}

pub struct Node<'a> {
    pub kind: Kind<'a>,
    pub parent: Option<usize>,
    /// One past the last node of this node's subtree.
    pub end: usize,
}

pub struct Tree<'a> {
    pub nodes: Vec<Node<'a>>,
    entities: &'a Entities,
}

impl<'a> Node<'a> {
    pub fn tag(&self) -> &str {
        match &self.kind {
            Kind::Element { tag, .. } => tag,
            Kind::Text(_) => "",
        }
    }

    /// An attribute's value as written (the first of that name, as HTML keeps it).
    fn raw_attribute(&self, name: &str) -> Option<&'a str> {
        match &self.kind {
            Kind::Element { attributes, .. } => attributes.iter().find(|(key, _)| key == name).map(|(_, value)| *value),
            Kind::Text(_) => None,
        }
    }
}

impl<'a> Tree<'a> {
    /// Reads a document. Linear in its length; never panics on any input.
    pub fn parse(html: &'a str, entities: &'a Entities) -> Tree<'a> {
        let mut builder = Builder { nodes: Vec::with_capacity(html.len() / 40), open: Vec::new(),
                                    open_names: HashMap::new(), foreign: 0, p_in_scope: Vec::new(), entities };
        builder.run(html);
        builder.finish()
    }

    /// The value of an attribute of a node (the first of that name, as HTML keeps it), references decoded.
    pub fn attribute(&self, node: usize, name: &str) -> Option<Cow<'a, str>> {
        let raw = self.nodes[node].raw_attribute(name)?;
        Some(if raw.contains('&') { Cow::Owned(self.entities.unescape(raw)) } else { Cow::Borrowed(raw) })
    }

    /// Whether an attribute holds `token` among its ASCII-whitespace separated words (CSS `[name~=token]`).
    pub fn has_token(&self, node: usize, name: &str, token: &str) -> bool {
        self.attribute(node, name).is_some_and(|value| value.split_ascii_whitespace().any(|word| word == token))
    }

    /// The `<body>` element (a fragment is given one), or None for an empty document.
    pub fn body(&self) -> Option<usize> {
        self.nodes.iter().position(|node| node.tag() == "body")
    }

    /// The children of a node (text nodes too), in order.
    pub fn children(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[node].end;
        let mut next = node + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next = self.nodes[child].end;
            Some(child)
        })
    }

    /// The text of a subtree, as lexbor's `text(deep=True)` gives it (every text node, in order).
    pub fn text(&self, node: usize) -> String {
        let mut out = String::new();
        for inner in &self.nodes[node..self.nodes[node].end] {
            if let Kind::Text(text) = &inner.kind {
                out.push_str(text);
            }
        }
        out
    }
}

struct Builder<'a> {
    nodes: Vec<Node<'a>>,
    open: Vec<usize>,
    /// How many elements of each name are open: a stray end tag is ignored without searching the stack.
    open_names: HashMap<Cow<'a, str>, usize>,
    /// How many `<svg>` and `<math>` are open: inside them `<x/>` closes itself.
    foreign: usize,
    /// Per open element, whether a `<p>` is open in its button scope (HTML5): kept with `open`.
    p_in_scope: Vec<bool>,
    entities: &'a Entities,
}

impl<'a> Builder<'a> {
    fn push(&mut self, kind: Kind<'a>) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node { kind, parent: self.open.last().copied(), end: index + 1 });
        index
    }

    fn close_through(&mut self, depth: usize) {
        let end = self.nodes.len();
        while let Some(index) = self.open.pop() {
            if self.open.len() < depth {
                self.open.push(index);
                break;
            }
            self.nodes[index].end = end;
            self.p_in_scope.pop();
            let tag = self.nodes[index].tag();
            if tag == "svg" || tag == "math" {
                self.foreign = self.foreign.saturating_sub(1);
            }
            if let Some(count) = self.open_names.get_mut(tag) {
                *count = count.saturating_sub(1);
            }
        }
    }

    fn text(&mut self, raw: &'a str, decode: bool) {
        if raw.is_empty() {
            return;
        }
        let mut text = if decode && raw.contains('&') { Cow::Owned(self.entities.unescape(raw)) } else { Cow::Borrowed(raw) };
        if text.contains('\r') {
            text = Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"));
        }
        // Adjacent text (around a comment) is one node in an HTML5 tree.
        if let Some(last) = self.nodes.last_mut() {
            if let Kind::Text(previous) = &mut last.kind {
                if last.parent == self.open.last().copied() {
                    previous.to_mut().push_str(&text);
                    return;
                }
            }
        }
        self.push(Kind::Text(text));
    }

    fn open(&mut self, index: usize) {
        let tag = match &self.nodes[index].kind {
            Kind::Element { tag, .. } => tag.clone(),
            Kind::Text(_) => return,
        };
        if tag == "svg" || tag == "math" {
            self.foreign += 1;
        }
        let in_scope = tag == "p" || (!P_SCOPE.contains(&tag.as_ref()) && self.p_in_scope.last() == Some(&true));
        *self.open_names.entry(tag).or_insert(0) += 1;
        self.open.push(index);
        self.p_in_scope.push(in_scope);
    }

    fn run(&mut self, html: &'a str) {
        let bytes = html.as_bytes();
        let mut position = 0;
        let mut text_start = 0;
        while let Some(found) = memchr::memchr(b'<', &bytes[position..]) {
            let at = position + found;
            let next = bytes.get(at + 1).copied().unwrap_or(0);
            if next == b'!' || next == b'?' {
                self.text(&html[text_start..at], true);
                position = skip_markup_declaration(html, at);
                text_start = position;
            } else if next == b'/' && bytes.get(at + 2).is_some_and(u8::is_ascii_alphabetic) {
                self.text(&html[text_start..at], true);
                let (name, end) = tag_name(html, at + 2);
                let Some(after) = skip_to_tag_end(bytes, end) else {
                    text_start = html.len(); // a tag cut by the end of the file is dropped, as HTML5 drops it
                    break;
                };
                position = after;
                text_start = position;
                self.end_tag(&name);
            } else if next.is_ascii_alphabetic() {
                self.text(&html[text_start..at], true);
                let (name, end) = tag_name(html, at + 1);
                let (attributes, self_closing, after) = read_attributes(html, end);
                if after > html.len() {
                    text_start = html.len(); // a tag cut by the end of the file is dropped, as HTML5 drops it
                    break;
                }
                position = after;
                text_start = position;
                let raw = RAW_TEXT.contains(&name.as_ref());
                let void = VOID.contains(&name.as_ref()) || (self_closing && self.foreign > 0);
                self.implied_ends(&name);
                if self.p_in_scope.last() == Some(&true) && CLOSES_P.contains(&name.as_ref()) {
                    self.end_tag("p");
                }
                if name == "a" {
                    self.end_tag("a"); // a link never holds a link: HTML5 ends the open one (Parsoid never nests them)
                }
                if !void && self.open.len() >= MAX_DEPTH {
                    self.close_through(MAX_DEPTH - 1); // the deepest element ends where a new one would go deeper
                }
                let index = self.push(Kind::Element { tag: name.clone(), attributes });
                if raw {
                    let close = format!("</{name}");
                    let end = find_ascii_case_insensitive(html, position, &close).unwrap_or(html.len());
                    self.open(index);
                    self.text(&html[position..end], name == "textarea" || name == "title");
                    self.close_through(self.open.len() - 1);
                    position = if end < html.len() { skip_to_tag_end(bytes, end + close.len()).unwrap_or(html.len()) } else { end };
                    text_start = position;
                } else if !void {
                    self.open(index);
                }
            } else {
                position = at + 1; // a `<` that opens no tag is text
            }
        }
        self.text(&html[text_start..], true);
    }

    /// Ends the open element of `names` nearest the top of the stack, unless an element of `stop` comes first.
    fn close_in_scope(&mut self, names: &[&str], stop: &[&str]) {
        for depth in (0..self.open.len()).rev() {
            let tag = self.nodes[self.open[depth]].tag();
            if names.contains(&tag) {
                self.close_through(depth);
                return;
            }
            if stop.contains(&tag) {
                return;
            }
        }
    }

    /// What a start tag ends in HTML5 besides a paragraph: a list item the previous one, a cell the open
    /// cell, a row the open cell and row, a table section the open cell, row and section.
    fn implied_ends(&mut self, name: &str) {
        match name {
            "li" => self.close_in_scope(&["li"], LIST_ITEM_SCOPE),
            "dd" | "dt" => self.close_in_scope(&["dd", "dt"], LIST_ITEM_SCOPE),
            "td" | "th" => self.close_in_scope(&["td", "th"], TABLE_SCOPE),
            "tr" => {
                self.close_in_scope(&["td", "th"], TABLE_SCOPE);
                self.close_in_scope(&["tr"], TABLE_SCOPE);
            }
            "tbody" | "thead" | "tfoot" => {
                self.close_in_scope(&["td", "th"], TABLE_SCOPE);
                self.close_in_scope(&["tr"], TABLE_SCOPE);
                self.close_in_scope(&["tbody", "thead", "tfoot"], TABLE_SCOPE);
            }
            _ => {}
        }
    }

    fn end_tag(&mut self, name: &str) {
        if name == "p" && self.p_in_scope.last() != Some(&true) {
            // HTML5: a `</p>` with no open `<p>` in scope is an empty paragraph
            let index = self.push(Kind::Element { tag: Cow::Borrowed("p"), attributes: Vec::new() });
            self.nodes[index].end = index + 1;
            return;
        }
        if self.open_names.get(name).copied().unwrap_or(0) == 0 {
            return;
        }
        if let Some(depth) = self.open.iter().rposition(|&index| self.nodes[index].tag() == name) {
            self.close_through(depth);
        }
    }

    fn finish(mut self) -> Tree<'a> {
        self.close_through(0);
        if !self.nodes.iter().any(|node| node.tag() == "body") {
            // A fragment (no <body>): an HTML5 parser puts it in the body it makes; here one wraps it all.
            let count = self.nodes.len();
            for node in &mut self.nodes {
                node.parent = Some(node.parent.map_or(0, |parent| parent + 1));
                node.end += 1;
            }
            let body = Node { kind: Kind::Element { tag: Cow::Borrowed("body"), attributes: Vec::new() }, parent: None,
                              end: count + 1 };
            self.nodes.insert(0, body);
        }
        Tree { nodes: self.nodes, entities: self.entities }
    }
}

/// After `<!...>`, `<!-- ... -->` or `<?...>` (comments, doctypes, CDATA: none is a node the rows read).
fn skip_markup_declaration(html: &str, at: usize) -> usize {
    let rest = &html[at..];
    let end = if let Some(comment) = rest.strip_prefix("<!--") {
        comment.find("-->").map(|i| 4 + i + 3)
    } else if rest.starts_with("<![CDATA[") {
        rest.find("]]>").map(|i| i + 3)
    } else {
        rest.find('>').map(|i| i + 1)
    };
    end.map_or(html.len(), |end| at + end)
}

/// A name as HTML reads it: ASCII letters lower-cased (borrowed when it has none in upper case).
fn lower_name(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) { Cow::Owned(name.to_ascii_lowercase()) } else { Cow::Borrowed(name) }
}

/// A tag's name, lower-cased, from `start`, and where it ends.
fn tag_name(html: &str, start: usize) -> (Cow<'_, str>, usize) {
    let bytes = html.as_bytes();
    let mut end = start;
    while end < bytes.len() && !matches!(bytes[end], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>') {
        end += 1;
    }
    (lower_name(&html[start..end]), end)
}

/// After the `>` that ends a tag, or None when the file ends first.
fn skip_to_tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    memchr::memchr(b'>', &bytes[start.min(bytes.len())..]).map(|i| start + i + 1)
}

fn find_ascii_case_insensitive(html: &str, start: usize, needle: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let needle = needle.as_bytes();
    let mut position = start;
    while let Some(found) = memchr::memchr(b'<', &bytes[position..]) {
        let at = position + found;
        if bytes.len() - at >= needle.len() && bytes[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        position = at + 1;
    }
    None
}

fn is_html_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The attributes of a start tag from `start` (after its name), whether it ends in `/>`, and where it ends
/// (past the end of `html` when the file ends inside the tag).
fn read_attributes(html: &str, start: usize) -> (Vec<(Cow<'_, str>, &str)>, bool, usize) {
    let bytes = html.as_bytes();
    let mut attributes: Vec<(Cow<'_, str>, &str)> = Vec::new();
    let mut position = start;
    let mut self_closing = false;
    loop {
        while position < bytes.len() && is_html_space(bytes[position]) {
            position += 1;
        }
        if position >= bytes.len() {
            return (attributes, self_closing, bytes.len() + 1); // the file ends inside the tag
        }
        match bytes[position] {
            b'>' => return (attributes, self_closing, position + 1),
            b'/' => {
                self_closing = bytes.get(position + 1) == Some(&b'>');
                position += 1;
                continue;
            }
            _ => {}
        }
        self_closing = false;
        let name_start = position;
        while position < bytes.len() && !is_html_space(bytes[position]) && !matches!(bytes[position], b'/' | b'>' | b'=')
        {
            position += 1;
        }
        if position == name_start {
            position += 1; // a name holds at least one character, even `=`
        }
        let name = lower_name(&html[name_start..position]);
        while position < bytes.len() && is_html_space(bytes[position]) {
            position += 1;
        }
        let mut value = "";
        if bytes.get(position) == Some(&b'=') {
            position += 1;
            while position < bytes.len() && is_html_space(bytes[position]) {
                position += 1;
            }
            let raw = match bytes.get(position) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let end = memchr::memchr(quote, &bytes[position + 1..]).map_or(bytes.len(), |i| position + 1 + i);
                    let raw = &html[position + 1..end];
                    position = (end + 1).min(bytes.len());
                    raw
                }
                _ => {
                    let begin = position;
                    while position < bytes.len() && !is_html_space(bytes[position]) && bytes[position] != b'>' {
                        position += 1;
                    }
                    &html[begin..position]
                }
            };
            value = raw;
        }
        if !attributes.iter().any(|(key, _)| *key == name) {
            attributes.push((name, value));
        }
    }
}
