//! Infoboxes and tables as data (issue 18): the parameters of the infobox calls a scan found, and every
//! wikitext table (`{| ... |}`) of the page with its cells, read from the source the scan kept (comments
//! already removed). Values and cells become plain text through the scan itself (`plain_text`), so they
//! read exactly as the page's plain_text does.
//!
//! Tables are read line by line as MediaWiki's doTableStuff reads them (`{|`, `|+`, `|-`, `|`, `!`,
//! `||`, `!!`, `|}` at the start of a line), with one difference forced by reading unexpanded wikitext:
//! a line that starts inside a template call (its span from the scan) continues the cell it is in, since
//! MediaWiki would only see the template's output there. Every line is read once, whatever the nesting:
//! linear in the page's length.

use crate::engine::{Caches, Engine};
use crate::scan::{Math, Scan, Scanner, Stop};
use crate::text::strip;
use crate::titles::LinkType;

use std::time::Instant;

const MAX_TABLE_DEPTH: usize = 100; // deeper `{|` lines are read as cell text
const MAX_SPAN: i64 = 65534; // MediaWiki's bound on rowspan (colspan's is 1000)
const MAX_COLSPAN: i64 = 1000;

/// A fragment of wikitext as plain text, with the wikilinks in it ((namespace, title) as resolved).
pub struct Fragment {
    pub text: String,
    pub links: Vec<(Option<i64>, String)>,
}

/// The plain text of a fragment of wikitext, made by the page scan (headings inside keep their title).
pub fn plain_text(engine: &Engine, caches: &mut Caches, wikitext: &str, deadline: Option<Instant>)
                  -> Result<Fragment, Stop> {
    if wikitext.is_empty() {
        return Ok(Fragment { text: String::new(), links: Vec::new() });
    }
    // Math stays TeX in values and cells, whatever --math says for plain_text (not threaded through yet).
    let scan: Scan = Scanner::scan(engine, caches, wikitext, deadline, Math::Tex)?;
    let mut text = String::new();
    for section in &scan.sections {
        for piece in [if section.index > 0 { section.title.as_str() } else { "" }, section.text.as_str()] {
            if !piece.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(piece);
            }
        }
    }
    let links = scan.links.iter().filter(|link| link.internal).filter_map(|link| {
        let target = link.resolved.as_ref()?;
        let title = target.title.as_ref().filter(|title| !title.is_empty())?;
        (target.link_type == LinkType::Wikilink).then(|| (target.namespace, title.clone()))
    }).collect();
    Ok(Fragment { text, links })
}

/// One parameter of an infobox call: name (positional ones numbered from 1), value as written and read.
pub struct Parameter {
    pub name: String,
    pub wikitext: String,
    pub value: Fragment,
}

/// The parameters of the template call `source[start..end]` (`{{Name|a=b|...}}`), those with a value.
pub fn parameters(engine: &Engine, caches: &mut Caches, call: &str, deadline: Option<Instant>)
                  -> Result<Vec<Parameter>, Stop> {
    let inner = call.strip_prefix("{{").unwrap_or(call);
    let inner = inner.strip_suffix("}}").unwrap_or(inner);
    let mut found = Vec::new();
    let mut position = 0;
    for piece in split_top_level(inner, false).into_iter().skip(1) {
        let (name, value) = match piece.find('=') {
            Some(equals) if equals > 0 && !piece[..equals].contains(['[', ']', '{', '}']) => {
                (strip(&piece[..equals]).to_string(), strip(&piece[equals + 1..]))
            }
            _ => {
                position += 1;
                (position.to_string(), strip(piece))
            }
        };
        if value.is_empty() {
            continue; // an empty parameter is one the infobox does not show
        }
        let read = plain_text(engine, caches, value, deadline)?;
        found.push(Parameter { name, wikitext: value.to_string(), value: read });
    }
    Ok(found)
}

/// Splits at `|` outside `{{ }}` and `[[ ]]` (and, with `cells`, at `||`, returning the pieces between).
fn split_top_level(text: &str, cells: bool) -> Vec<&str> {
    let bytes = text.as_bytes();
    let (mut braces, mut brackets) = (0usize, 0usize);
    let mut pieces = Vec::new();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let pair = i + 1 < bytes.len() && bytes[i + 1] == bytes[i];
        match bytes[i] {
            b'{' if pair => { braces += 1; i += 2; continue; }
            b'}' if pair => { braces = braces.saturating_sub(1); i += 2; continue; }
            b'[' if pair => { brackets += 1; i += 2; continue; }
            b']' if pair => { brackets = brackets.saturating_sub(1); i += 2; continue; }
            b'|' if braces == 0 && brackets == 0 => {
                if !cells {
                    pieces.push(&text[last..i]);
                    last = i + 1;
                } else if pair {
                    pieces.push(&text[last..i]);
                    last = i + 2;
                    i += 2;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    pieces.push(&text[last..]);
    pieces
}

/// `!!` separates header cells on a `!` line (outside templates and links).
fn split_header_cells(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    for piece in split_top_level(text, true) {
        let mut rest = piece;
        while let Some(at) = rest.find("!!") {
            pieces.push(&rest[..at]);
            rest = &rest[at + 2..];
        }
        pieces.push(rest);
    }
    pieces
}

pub struct Cell {
    pub header: bool,
    pub rowspan: i64,
    pub colspan: i64,
    pub text: String,
}

pub struct Table {
    pub start: usize, // byte offset of the `{|` line in the source
    pub parent: Option<usize>,
    pub class: Option<String>,
    pub caption: Option<String>,
    pub rows: Vec<Vec<Cell>>,
    pub closed: bool,
}

struct OpenTable {
    index: usize,
    class: Option<String>,
    caption: Option<String>,
    rows: Vec<Vec<(bool, i64, i64, String)>>, // header, rowspan, colspan, wikitext
    target: Target,
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Nothing, // before the first cell or caption: MediaWiki moves such text out of the table
    Caption,
    Cell,
}

impl OpenTable {
    /// The text being filled: the caption's or the last cell's, if any.
    fn filling(&mut self) -> Option<&mut String> {
        match self.target {
            Target::Nothing => None,
            Target::Caption => Some(self.caption.get_or_insert_with(String::new)),
            Target::Cell => self.rows.last_mut().and_then(|row| row.last_mut()).map(|cell| &mut cell.3),
        }
    }

    /// Text on the same line as what is being filled (a cell's or the caption's).
    fn append_content(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let Some(content) = self.filling() else { return };
        content.push_str(text);
    }

    fn push_text(&mut self, line: &str) {
        let Some(content) = self.filling() else { return };
        content.push('\n');
        content.push_str(line);
    }
}

/// Whether a line of a wikitext table starts with an HTML row or cell tag (`<tr>`, `<td ...>`, `<th>`), which
/// MediaWiki accepts inside `{| ... |}` too.
fn starts_html_cell(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() >= 4 && bytes[0] == b'<' && bytes[1].eq_ignore_ascii_case(&b't')
        && matches!(bytes[2].to_ascii_lowercase(), b'r' | b'd' | b'h') && matches!(bytes[3], b'>' | b' ' | b'\t' | b'/')
}

/// A line of HTML rows and cells: `<tr>` starts a row, `<td>`/`<th>` a cell (its attributes read as a wiki
/// cell's), the text up to the next tag its content; closing tags end nothing more than the next opening does.
fn html_cells(engine: &Engine, table: &mut OpenTable, line: &str) {
    let lower = line.to_ascii_lowercase();
    let mut position = 0;
    while position < line.len() {
        let next = lower[position..].find('<').map(|i| position + i);
        let Some(at) = next else {
            table.append_content(&line[position..]);
            break;
        };
        let tag_end = lower[at..].find('>').map(|i| at + i + 1).unwrap_or(line.len());
        let tag = &lower[at..tag_end];
        let name: String = tag.trim_start_matches(['<', '/']).chars().take_while(char::is_ascii_alphanumeric).collect();
        if !matches!(name.as_str(), "tr" | "td" | "th") {
            table.append_content(&line[position..tag_end]); // another tag: part of the cell's content
            position = tag_end;
            continue;
        }
        table.append_content(&line[position..at]);
        position = tag_end;
        if tag.starts_with("</") {
            continue;
        }
        if name == "tr" {
            if table.rows.last().is_none_or(|row| !row.is_empty()) {
                table.rows.push(Vec::new());
            }
            table.target = Target::Nothing;
            continue;
        }
        let attributes = engine.attributes(&line[at..tag_end]);
        if table.rows.is_empty() {
            table.rows.push(Vec::new());
        }
        table.rows.last_mut().unwrap().push((name == "th", span(&attributes, "rowspan", MAX_SPAN),
                                             span(&attributes, "colspan", MAX_COLSPAN), String::new()));
        table.target = Target::Cell;
    }
}

fn span(attributes: &foldhash::HashMap<String, String>, name: &str, bound: i64) -> i64 {
    let Some(value) = attributes.get(name) else { return 1 };
    let digits: String = value.chars().take_while(char::is_ascii_digit).take(9).collect();
    match digits.parse::<i64>() {
        Ok(number) if number >= 1 => number.min(bound),
        _ => 1,
    }
}

/// The tables of `source`: `templates` are the spans (bytes) of the template calls the scan found and
/// `skipped` those of content it did not read (nowiki, pre, gallery ...), both sorted by start.
pub fn tables(engine: &Engine, caches: &mut Caches, source: &str, templates: &[(usize, usize)],
              skipped: &[(usize, usize)], deadline: Option<Instant>) -> Result<Vec<Table>, Stop> {
    let mut done: Vec<Option<Table>> = Vec::new();
    let mut pending: Vec<(usize, Option<usize>, OpenTable, bool)> = Vec::new(); // finished, awaiting text
    let mut stack: Vec<(OpenTable, usize, Option<usize>)> = Vec::new(); // table, start, parent
    let (mut next_template, mut covered) = (0usize, 0usize);
    let mut next_skipped = 0usize;
    let mut line_start = 0usize;
    while line_start < source.len() {
        let line_end = source[line_start..].find('\n').map(|i| line_start + i).unwrap_or(source.len());
        let line = &source[line_start..line_end];
        let here = line_start;
        line_start = line_end + 1;
        while next_skipped < skipped.len() && skipped[next_skipped].1 <= here {
            next_skipped += 1;
        }
        let in_skipped = next_skipped < skipped.len() && skipped[next_skipped].0 < here;
        while next_template < templates.len() && templates[next_template].0 < here {
            if let Some((_, outer_start, _)) = stack.first() {
                if templates[next_template].0 >= *outer_start {
                    covered = covered.max(templates[next_template].1);
                }
            }
            next_template += 1;
        }
        if stack.is_empty() {
            covered = 0;
        }
        if in_skipped || here < covered {
            if let Some((table, _, _)) = stack.last_mut() {
                table.push_text(line);
            }
            continue;
        }
        let trimmed = line.trim_start_matches([' ', '\t']);
        let opened = trimmed.trim_start_matches([':', ' ', '\t']); // `: {|` indents a table
        if opened.starts_with("{|") && stack.len() < MAX_TABLE_DEPTH {
            let attributes = engine.attributes(&opened[2..]);
            let index = done.len();
            done.push(None);
            let parent = stack.last().map(|(table, _, _)| table.index);
            let class = attributes.get("class").filter(|c| !c.is_empty()).cloned();
            stack.push((OpenTable { index, class, caption: None, rows: Vec::new(), target: Target::Nothing }, here,
                        parent));
            continue;
        }
        let Some((table, _, _)) = stack.last_mut() else { continue };
        if trimmed.starts_with("|}") {
            let (table, start, parent) = stack.pop().unwrap();
            pending.push((start, parent, table, true));
            continue;
        }
        if let Some(caption) = trimmed.strip_prefix("|+") {
            let parts = split_top_level(caption, false); // `|+ style="..." | Caption`
            let content = if parts.len() > 1 { &caption[parts[0].len() + 1..] } else { caption };
            table.caption = Some(content.to_string());
            table.target = Target::Caption;
            continue;
        }
        if trimmed.starts_with("|-") {
            if table.rows.last().is_none_or(|row| !row.is_empty()) {
                table.rows.push(Vec::new());
            }
            table.target = Target::Nothing;
            continue;
        }
        if starts_html_cell(trimmed) {
            html_cells(engine, table, trimmed);
            continue;
        }
        let header = trimmed.starts_with('!');
        if !header && !trimmed.starts_with('|') {
            table.push_text(line);
            continue;
        }
        let rest = &trimmed[1..];
        let pieces = if header { split_header_cells(rest) } else { split_top_level(rest, true) };
        if table.rows.is_empty() {
            table.rows.push(Vec::new());
        }
        let row = table.rows.last_mut().unwrap();
        for piece in pieces {
            let parts = split_top_level(piece, false);
            let (attributes, content) = if parts.len() > 1 {
                let attribute_length = parts[0].len();
                (engine.attributes(parts[0]), &piece[attribute_length + 1..])
            } else {
                (Default::default(), piece)
            };
            row.push((header, span(&attributes, "rowspan", MAX_SPAN), span(&attributes, "colspan", MAX_COLSPAN),
                      content.to_string()));
        }
        table.target = Target::Cell;
    }
    while let Some((table, start, parent)) = stack.pop() {
        pending.push((start, parent, table, false)); // an unclosed table ends with the page
    }
    for (start, parent, table, closed) in pending {
        let caption = match &table.caption {
            Some(caption) => Some(plain_text(engine, caches, strip(caption), deadline)?.text),
            None => None,
        };
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in table.rows.into_iter().filter(|row| !row.is_empty()) {
            let mut cells = Vec::with_capacity(row.len());
            for (header, rowspan, colspan, wikitext) in row {
                let text = plain_text(engine, caches, strip(&wikitext), deadline)?.text;
                cells.push(Cell { header, rowspan, colspan, text });
            }
            rows.push(cells);
        }
        done[table.index] = Some(Table { start, parent, class: table.class, caption, rows, closed });
    }
    Ok(done.into_iter().flatten().collect())
}
