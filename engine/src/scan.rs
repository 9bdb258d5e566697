//! One pass over a page's wikitext: plain text by section, links, templates and references, as the
//! Python scanner (transforms/wikitext/scanner.py at 8e9c13f) reads them.
//!
//! Tokens are found by `tokens::next_token`; a stack of frames pairs them the way MediaWiki's
//! preprocessor does (a closing token only closes the frame on top, an unclosed frame is broken back
//! into text at the end of its span). Offsets are bytes inside; every position handed back is a count
//! of code points, as Python's str indexes them.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::time::Instant;

use regex::Regex;

use crate::engine::{Caches, Engine};
use crate::inline::{group_digits, inline_text};
use crate::positions::CharIndex;
use crate::text::{join_words, strip, strip_comments_into, strip_quotes, QUOTE_BOUNDARY};
use crate::titles::{LinkType, Target};
use crate::tokens::{next_token, url_scheme_length};

const MAX_DEPTH: usize = 100; // frames on the stack; deeper nesting is read as text
const MAX_RUNS: usize = 64; // nested spans (a heading's ref's gallery ...): beyond, the page is refused
const CHECK_EVERY: usize = 512; // tokens between two looks at the clock

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Root,
    Template,
    Link,
    ExtLink,
    Table,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Page,
    Inline,
    Ref,
}

struct Frame {
    kind: Kind,
    start: usize,
    parts: String,
    segments: Vec<String>,
    count: usize,
    dynamic: bool,
    templates_at: usize,
}

impl Frame {
    fn new(kind: Kind, start: usize, count: usize) -> Frame {
        Frame { kind, start, parts: String::new(), segments: Vec::new(), count, dynamic: false, templates_at: 0 }
    }
}

pub struct Section {
    pub index: usize,
    pub level: usize,
    pub title: String,
    pub anchor: String,
    pub parent: Option<usize>,
    pub start: usize,
    pub text: String,
}

pub struct Link {
    pub internal: bool,
    pub target: String,
    pub resolved: Option<Target>,
    pub label: Option<String>,
    pub caption: Option<String>,
    pub start: usize,
    pub section: usize,
}

pub struct Template {
    pub name: String,
    pub key: String,
    pub args: Option<Vec<String>>,
    pub start: usize,
    pub end: usize,
    pub section: usize,
    pub reference: i64,
}

pub struct Ref {
    pub name: Option<String>,
    pub group: Option<String>,
    pub is_reuse: bool,
    pub start: usize,
    pub end: usize,
    pub section: usize,
    pub content: String,
    pub text: String,
}

/// Everything one pass found. Positions count code points of `source` (the wikitext with comments
/// removed and a newline in front).
pub struct Scan {
    pub source: String,
    /// Code point positions of `source` (the positions below) and its byte offsets.
    pub chars: CharIndex,
    pub sections: Vec<Section>,
    pub links: Vec<Link>,
    pub templates: Vec<Template>,
    pub refs: Vec<Ref>,
    pub skipped: Vec<(usize, usize)>,
    /// Constructs read in a way that may lose or alter text (unclosed markup, nesting too deep, ...).
    pub out_of_range: Vec<&'static str>,
}

impl Scan {
    /// The byte offset in the source of a code point position (the source's length past its end).
    pub fn offset(&self, position: usize) -> usize {
        self.chars.offset(&self.source, position)
    }

    /// The code point position of a byte offset of the source.
    pub fn position(&self, offset: usize) -> usize {
        self.chars.position(&self.source, offset)
    }
}

/// What `<math>` becomes in the text (the content job's `--math`).
#[derive(Clone, Copy, PartialEq)]
pub enum Math {
    /// The TeX source between the markers: `⟦E=mc^2⟧`.
    Tex,
    /// The markers alone, around the word math: `⟦math⟧`.
    Placeholder,
    /// Nothing; the page's `constructs_out_of_range` says `math-dropped`.
    Drop,
}

pub const MATH_OPEN: &str = "\u{27e6}";
pub const MATH_CLOSE: &str = "\u{27e7}";

pub enum Stop {
    Timeout,
    TooDeep,
}

/// What a `[[target|label]]` token reads as: (raw target, resolved or None when not a link, label,
/// text shown).
pub type LinkRead = (String, Option<Target>, Option<String>, Option<String>);

pub struct Scanner<'a> {
    engine: &'a Engine,
    caches: &'a mut Caches,
    source: String,
    chars: CharIndex,
    deadline: Option<Instant>,
    calls: usize,
    runs: usize,
    missing_close: HashMap<(String, usize), usize>,
    balances: HashMap<(usize, usize), BraceBalance>, // per span scanned
    section: usize,
    reference: i64,
    anchors: HashSet<String>,
    heading_levels: Vec<(usize, usize)>,
    sections: Vec<Section>,
    links: Vec<Link>,
    templates: Vec<Template>,
    refs: Vec<Ref>,
    skipped: Vec<(usize, usize)>,
    math: Math,
    out_of_range: BTreeSet<&'static str>,
}

fn has_url(piece: &str) -> bool {
    piece.contains("://")
}

impl<'a> Scanner<'a> {
    pub fn scan(engine: &'a Engine, caches: &'a mut Caches, wikitext: &str,
                deadline: Option<Instant>, math: Math) -> Result<Scan, Stop> {
        let mut source = String::with_capacity(wikitext.len() + 1);
        source.push('\n');
        strip_comments_into(&mut source, wikitext);
        let chars = CharIndex::new(&source);
        let mut scanner = Scanner {
            engine, caches, source, chars, deadline, calls: 0, runs: 0, missing_close: HashMap::new(),
            balances: HashMap::new(),
            section: 0, reference: -1, anchors: HashSet::new(), heading_levels: vec![(0, 0)],
            sections: vec![Section { index: 0, level: 0, title: String::new(), anchor: String::new(), parent: None,
                                     start: 0, text: String::new() }],
            links: Vec::new(), templates: Vec::new(), refs: Vec::new(), skipped: Vec::new(), math,
            out_of_range: BTreeSet::new(),
        };
        let end = scanner.source.len();
        let parts = scanner.run(0, end, Mode::Page, true)?;
        let text = scanner.section_text(&parts);
        scanner.sections.last_mut().unwrap().text = text;
        scanner.links.sort_by_key(|link| link.start);
        Ok(Scan { source: scanner.source, chars: scanner.chars, sections: scanner.sections, links: scanner.links,
                  templates: scanner.templates, refs: scanner.refs, skipped: scanner.skipped,
                  out_of_range: scanner.out_of_range.into_iter().collect() })
    }

    /// The code point position of a byte offset of the source (a char boundary).
    fn chars(&self, offset: usize) -> usize {
        self.chars.position(&self.source, offset)
    }

    fn resolve(&mut self, raw: &str) -> Target {
        if let Some(found) = self.caches.targets.get(raw) {
            return found.clone();
        }
        let found = self.engine.site.resolve(raw, &self.engine.entities);
        if self.caches.targets.len() >= 200_000 {
            self.caches.targets.clear();
        }
        self.caches.targets.insert(raw.to_string(), found.clone());
        found
    }

    fn tidy(&self, text: &str) -> String {
        self.engine.tidy.tidy(text, &self.engine.entities)
    }

    /// Whether `position` starts a line of the source.
    fn at_line_start(&self, position: usize) -> bool {
        position > 0 && self.source.as_bytes()[position - 1] == b'\n'
    }

    fn check_clock(&self) -> Result<(), Stop> {
        match self.deadline {
            Some(deadline) if Instant::now() > deadline => Err(Stop::Timeout),
            _ => Ok(()),
        }
    }

    // -- the token loop ------------------------------------------------------------------------------

    /// Scans source[begin..end] and returns the text of its root frame.
    fn run(&mut self, begin: usize, end: usize, mode: Mode, record: bool) -> Result<String, Stop> {
        self.calls += 1;
        if self.calls.is_multiple_of(64) {
            self.check_clock()?;
        }
        self.runs += 1;
        if self.runs > MAX_RUNS {
            return Err(Stop::TooDeep);
        }
        let result = self.run_tokens(begin, end, mode, record);
        self.runs -= 1;
        result
    }

    fn run_tokens(&mut self, begin: usize, end: usize, mode: Mode, record: bool) -> Result<String, Stop> {
        let mut stack = vec![Frame::new(Kind::Root, begin, 0)];
        let mut last = begin;
        let mut resume = Some(begin);
        let mut countdown = CHECK_EVERY;
        while let Some(from) = resume {
            resume = None;
            let mut position = from;
            while let Some((start, stop)) = next_token(&self.source, position, end) {
                position = stop;
                if start > last {
                    self.text_piece(&mut stack, last, start, record);
                }
                last = stop;
                countdown -= 1;
                if countdown == 0 {
                    countdown = CHECK_EVERY;
                    self.check_clock()?;
                }
                let bytes = self.source.as_bytes();
                let first = bytes[start];
                let length = stop - start;
                match first {
                    b'[' => {
                        if length > 2 {
                            let token = self.source[start..stop].to_string();
                            let read = self.read_link_token(&token);
                            if record {
                                if let Some(resolved) = &read.1 {
                                    let position = self.chars(start);
                                    self.links.push(Link { internal: true, target: read.0.clone(),
                                        resolved: Some(resolved.clone()), label: read.2.clone(),
                                        caption: read.2.clone(), start: position, section: self.section });
                                }
                            }
                            if let Some(shown) = &read.3 {
                                stack.last_mut().unwrap().parts.push_str(shown);
                            }
                            continue;
                        }
                        if stack.len() >= MAX_DEPTH {
                            self.out_of_range.insert("nesting-too-deep");
                            continue;
                        }
                        stack.push(Frame::new(if length == 2 { Kind::Link } else { Kind::ExtLink }, start, 0));
                    }
                    b']' => {
                        if length == 2 {
                            self.close_link(&mut stack, start, record);
                        } else if stack.last().unwrap().kind == Kind::ExtLink {
                            let frame = stack.pop().unwrap();
                            self.finish_extlink(frame, start, &mut stack, record);
                        } else {
                            stack.last_mut().unwrap().parts.push(']');
                        }
                    }
                    b'|' => {
                        let top = stack.last_mut().unwrap();
                        if top.kind == Kind::Template || top.kind == Kind::Link {
                            let parts = std::mem::take(&mut top.parts);
                            top.segments.push(parts);
                        } else {
                            top.parts.push('|');
                        }
                    }
                    b'{' => {
                        if bytes[stop - 1] == b'}' {
                            let token = self.source[start..stop].to_string();
                            if token == "{{!}}" && bytes.get(stop) == Some(&b'}') && self.at_line_start(start)
                                && innermost_is_table(&stack) {
                                // `{{!}}}` at the start of a line: the end of a table written with the pipe template.
                                self.simple_template(&token, start, stop, record);
                                self.close_table(&mut stack, record, stop + 1, (begin, end));
                                position = stop + 1;
                                last = stop + 1;
                                continue;
                            }
                            if let Some(text) = self.simple_template(&token, start, stop, record) {
                                stack.last_mut().unwrap().parts.push_str(&text);
                            }
                            continue;
                        }
                        if stack.len() >= MAX_DEPTH {
                            self.out_of_range.insert("nesting-too-deep");
                            continue;
                        }
                        let mut frame = Frame::new(Kind::Template, start, length);
                        frame.templates_at = self.templates.len();
                        stack.push(frame);
                    }
                    b'}' => self.close_braces(&mut stack, length, last, record),
                    b'\n' => {
                        stack.last_mut().unwrap().parts.push('\n');
                        if length > 4 && bytes[start + 2] == b'=' {
                            // A heading without markup inside.
                            if mode == Mode::Page {
                                self.abort_inline(&mut stack, record);
                            }
                            if mode != Mode::Page || stack.last().unwrap().kind != Kind::Root {
                                let token = &self.source[start + 1..stop];
                                stack.last_mut().unwrap().parts.push_str(token);
                                continue;
                            }
                            let line = strip(&self.source[start..stop]).to_string();
                            let level = line.len() - line.trim_start_matches('=').len();
                            let title = join_words(&line[level..line.len() - level]);
                            let mut root = std::mem::take(&mut stack[0].parts);
                            self.start_section(level, title, start + 1, &mut root);
                            stack[0].parts = root;
                        } else if bytes[stop - 1] == b'=' {
                            if mode != Mode::Page {
                                stack.last_mut().unwrap().parts.push('=');
                                continue;
                            }
                            self.abort_inline(&mut stack, record);
                            if stack.last().unwrap().kind != Kind::Root {
                                stack.last_mut().unwrap().parts.push('=');
                                continue;
                            }
                            let mut root = std::mem::take(&mut stack[0].parts);
                            let line_end = self.heading(start + 1, end, &mut root, record);
                            stack[0].parts = root;
                            match line_end? {
                                None => stack.last_mut().unwrap().parts.push('='),
                                Some(line_end) => {
                                    resume = Some(line_end);
                                    last = line_end;
                                    break;
                                }
                            }
                        } else if self.source[start..stop].ends_with("{|") {
                            self.open_table(&mut stack, start);
                        } else if self.source[start..stop].ends_with("|}") {
                            if bytes.get(stop) == Some(&b'}') && in_template(&stack) {
                                // `\n|}}` in a template's arguments: a pipe, then the braces that close it. The
                                // preprocessor pairs braces before any table is read (a table inside a
                                // template's arguments is text of that argument, see open_table).
                                let top = stack.last_mut().unwrap();
                                if top.kind == Kind::Template || top.kind == Kind::Link {
                                    let parts = std::mem::take(&mut top.parts);
                                    top.segments.push(parts);
                                }
                                position = stop - 1;
                                last = stop - 1;
                                continue;
                            }
                            self.close_table(&mut stack, record, stop, (begin, end));
                        }
                    }
                    _ => {
                        if length > 6 && &bytes[stop - 6..stop] == b"</ref>" && bytes[start + 1] == b'r' {
                            let token = self.source[start..stop].to_string();
                            self.simple_ref(&token, start, stop, record);
                        } else {
                            let jump = self.tag(&mut stack, start, stop, end, record)?;
                            if let Some(jump) = jump {
                                resume = Some(jump);
                                last = jump;
                                break;
                            }
                        }
                    }
                }
            }
        }
        if last < end {
            self.text_piece(&mut stack, last, end, record);
        }
        while stack.len() > 1 {
            self.break_frame(&mut stack, record);
        }
        Ok(stack.pop().unwrap().parts)
    }

    fn text_piece(&mut self, stack: &mut [Frame], from: usize, to: usize, record: bool) {
        let top = stack.last_mut().unwrap();
        top.parts.push_str(&self.source[from..to]);
        if record && (top.kind == Kind::Root || top.kind == Kind::Table) && has_url(&self.source[from..to]) {
            let piece = self.source[from..to].to_string();
            let offset = self.chars(from);
            self.bare_urls(&piece, offset);
        }
    }

    // -- templates -------------------------------------------------------------------------------------

    /// Closes template frames with a run of `}`; like MediaWiki, only the frame on top can close.
    fn close_braces(&mut self, stack: &mut Vec<Frame>, mut run: usize, position: usize, record: bool) {
        while run >= 2 {
            let top_kind = stack.last().unwrap().kind;
            if top_kind == Kind::ExtLink && stack.iter().any(|frame| frame.kind == Kind::Template) {
                self.break_frame(stack, record);
                continue;
            }
            if top_kind != Kind::Template {
                break;
            }
            let top = stack.last_mut().unwrap();
            let matched = run.min(top.count).min(3);
            run -= matched;
            top.count -= matched;
            let text = if matched == 2 { self.finish_template(stack, position - run, record) } else { None };
            let top = stack.last_mut().unwrap();
            if top.count >= 2 {
                // `{{{{a}}|b}}`: what remains open is a template whose name came from a template.
                top.parts = text.unwrap_or_default();
                top.segments.clear();
                top.dynamic = true;
                continue;
            }
            let frame = stack.pop().unwrap();
            if matched == 2 && frame.count == 1 && text.as_deref() == Some("|") && self.at_line_start(frame.start) {
                // `{{{!}}` at the start of a line: a brace and the pipe template, read as a table's start.
                self.open_table(stack, frame.start);
                continue;
            }
            if let Some(text) = text {
                if !text.is_empty() {
                    stack.last_mut().unwrap().parts.push_str(&text);
                }
            }
        }
    }

    fn finish_template(&mut self, stack: &mut [Frame], end: usize, record: bool) -> Option<String> {
        let frame = stack.last().unwrap();
        let mut segments: Vec<&String> = frame.segments.iter().collect();
        segments.push(&frame.parts);
        let name = if frame.dynamic { String::new() } else { strip(&segments[0].replace(QUOTE_BOUNDARY, "")).to_string() };
        let args: Vec<String> = segments[1..].iter().map(|segment| strip_quotes(segment)).collect();
        let (start, templates_at) = (frame.start, frame.templates_at);
        self.template(&name, || args, start, end, templates_at, record)
    }

    /// A template token without nested markup: its arguments are the text between the pipes.
    fn simple_template(&mut self, token: &str, start: usize, end: usize, record: bool) -> Option<String> {
        let inner = &token[2..token.len() - 2];
        let (name, rest) = inner.split_once('|').unwrap_or((inner, ""));
        let arguments = || if rest.is_empty() { Vec::new() } else {
            strip_quotes(rest).split('|').map(str::to_string).collect()
        };
        let templates_at = self.templates.len();
        self.template(strip(name), arguments, start, end, templates_at, record)
    }

    /// Records a template call; returns the text it stands for (only a few inline templates have any).
    fn template(&mut self, name: &str, arguments: impl FnOnce() -> Vec<String>, start: usize, end: usize,
                templates_at: usize, record: bool) -> Option<String> {
        let key = if name.is_empty() { String::new() } else { self.engine.template_key(name) };
        if key == "#tag:ref" {
            if record {
                self.tag_ref(arguments(), start, end, templates_at);
            }
            return None;
        }
        let inline = self.engine.tables.inline_templates.get(&key).map(String::as_str)
            .or(if key.starts_with("lang-") { Some("first") } else { None });
        if !record && inline.is_none() && !key.starts_with("formatnum:") {
            return None;
        }
        let args = if inline.is_some() || (record && self.engine.wants_args(&key)) { Some(arguments()) } else { None };
        let tables = &self.engine.tables;
        let text = match key.strip_prefix("formatnum:") {
            // {{formatnum:12345}}: a parser function of MediaWiki's core, the number grouped by thousands
            Some(_) => Some(group_digits(strip(name.split_once(':').map(|(_, n)| n).unwrap_or_default()), &tables.thousands)),
            None => inline.map(|how| inline_text(how, args.as_deref().unwrap_or(&[]), &tables.months, &tables.thousands)),
        };
        if record && !name.is_empty() {
            let (start, end) = (self.chars(start), self.chars(end));
            self.templates.push(Template { name: name.to_string(), key, args, start, end, section: self.section,
                                           reference: self.reference });
        }
        text
    }

    /// `{{#tag:ref|content|name=..|group=..}}` is a <ref> written as a parser function.
    fn tag_ref(&mut self, args: Vec<String>, start: usize, end: usize, templates_at: usize) {
        let mut attributes: HashMap<String, String> = HashMap::new();
        for arg in args.iter().skip(1) {
            if let Some((key, value)) = arg.split_once('=') {
                attributes.insert(strip(key).to_lowercase(), strip(value).to_string());
            }
        }
        let index = self.refs.len() as i64;
        let text = args.first().cloned().unwrap_or_default();
        let inner = self.templates.len() > templates_at;
        // The content's templates were already read as such; its text without them is all the args keep.
        let content = if inner { self.source[start..end].to_string() } else { text.clone() };
        let attribute = |name: &str| attributes.get(name).filter(|value| !value.is_empty()).cloned();
        let is_reuse = strip(&text).is_empty() && !inner;
        self.refs.push(Ref { name: attribute("name"), group: attribute("group"), is_reuse, start: self.chars(start),
                             end: self.chars(end), section: self.section, content, text });
        for template in &mut self.templates[templates_at..] {
            if template.reference < 0 {
                template.reference = index;
            }
        }
    }

    // -- links -----------------------------------------------------------------------------------------

    fn close_link(&mut self, stack: &mut Vec<Frame>, start: usize, record: bool) {
        while stack.last().unwrap().kind == Kind::ExtLink {
            self.break_frame(stack, record);
        }
        if stack.last().unwrap().kind != Kind::Link {
            return; // a stray ]] (shown as written by MediaWiki) is dropped like other stray markup
        }
        let frame = stack.pop().unwrap();
        let raw_target = if !frame.segments.is_empty() {
            let from = frame.start + 2;
            let pipe = self.source[from..start].find('|').map(|i| from + i).unwrap_or(self.source.len() - 1);
            self.source[from..pipe].to_string()
        } else {
            self.source[frame.start + 2..start].to_string()
        };
        let resolved = self.resolve(&raw_target);
        let mut segments: Vec<&String> = frame.segments.iter().collect();
        segments.push(&frame.parts);
        let parent = stack.last_mut().unwrap();
        if resolved.link_type == LinkType::Invalid {
            parent.parts.push_str(&join_strings(&segments, "|"));
            return;
        }
        let label = if segments.len() > 1 { Some(strip_quotes(&join_strings(&segments[1..], "|"))) } else { None };
        let shown = if matches!(resolved.link_type, LinkType::Wikilink | LinkType::Interwiki) {
            Some(match &label {
                Some(label) if !strip(label).is_empty() => label.clone(),
                _ => display_target(&raw_target, label.is_some()),
            })
        } else {
            None
        };
        if let Some(shown) = shown {
            parent.parts.push_str(&shown);
        }
        if record {
            let caption = if segments.len() > 1 { Some(strip_quotes(segments[segments.len() - 1])) } else { None };
            let position = self.chars(frame.start);
            self.links.push(Link { internal: true, target: raw_target, resolved: Some(resolved), label, caption,
                                   start: position, section: self.section });
        }
    }

    fn read_link_token(&mut self, token: &str) -> LinkRead {
        if let Some(read) = self.caches.link_tokens.get(token) {
            return read.clone();
        }
        let inner = &token[2..token.len() - 2];
        let (raw_target, pipe, label) = match inner.split_once('|') {
            Some((target, label)) => (target, true, label.to_string()),
            None => (inner, false, String::new()),
        };
        let label = if label.contains("''") { strip_quotes(&label) } else { label };
        let resolved = self.resolve(raw_target);
        let read = match resolved.link_type {
            LinkType::Invalid => (raw_target.to_string(), None, None, Some(inner.to_string())),
            LinkType::Wikilink | LinkType::Interwiki => {
                let shown = if !strip(&label).is_empty() { label.clone() } else { display_target(raw_target, pipe) };
                (raw_target.to_string(), Some(resolved), if pipe { Some(label) } else { None }, Some(shown))
            }
            _ => (raw_target.to_string(), Some(resolved), if pipe { Some(label) } else { None }, None),
        };
        if self.caches.link_tokens.len() >= 200_000 {
            self.caches.link_tokens.clear();
        }
        self.caches.link_tokens.insert(token.to_string(), read.clone());
        read
    }

    fn finish_extlink(&mut self, frame: Frame, end: usize, stack: &mut [Frame], record: bool) {
        let raw = &self.source[frame.start + 1..end];
        let url = url_prefix(raw);
        let joined = frame.parts;
        if url.is_none() || raw.contains('\n') {
            // Not a link after all (no URL, or it spans lines): its text stays, the URL is a bare one.
            let parent = stack.last_mut().unwrap();
            parent.parts.push_str(&joined);
            if record && (parent.kind == Kind::Root || parent.kind == Kind::Table) {
                let offset = self.chars(frame.start + 1);
                self.bare_urls(&joined, offset);
            }
            return;
        }
        let url = url.unwrap().to_string();
        let label = match joined.strip_prefix(url.as_str()) {
            Some(rest) => rest.to_string(),
            None => joined.replacen(url.as_str(), "", 1),
        };
        let label = strip(&strip_quotes(&label)).to_string();
        if record {
            let position = self.chars(frame.start);
            self.links.push(Link { internal: false, target: url, resolved: None,
                                   label: if label.is_empty() { None } else { Some(label.clone()) }, caption: None,
                                   start: position, section: self.section });
        }
        if !label.is_empty() {
            stack.last_mut().unwrap().parts.push_str(&label);
        }
    }

    /// Bare URLs of a piece of text whose first character is at code point `offset`.
    fn bare_urls(&mut self, piece: &str, offset: usize) {
        let mut counted = 0; // code points of piece before `counted_bytes`
        let mut counted_bytes = 0;
        for found in self.engine.bare_url.find_iter(piece) {
            counted += piece[counted_bytes..found.start()].chars().count();
            counted_bytes = found.start();
            // The text of a broken frame may hold the scan's quote boundary, which is no part of a URL.
            let raw = if found.as_str().contains(QUOTE_BOUNDARY) {
                std::borrow::Cow::Owned(found.as_str().replace(QUOTE_BOUNDARY, ""))
            } else {
                std::borrow::Cow::Borrowed(found.as_str())
            };
            let url = trim_url(&raw);
            self.links.push(Link { internal: false, target: url.to_string(), resolved: None, label: None,
                                   caption: None, start: offset + counted, section: self.section });
        }
    }

    // -- tables, headings, broken frames ---------------------------------------------------------------

    fn open_table(&mut self, stack: &mut Vec<Frame>, start: usize) {
        let top = stack.last_mut().unwrap();
        if matches!(top.kind, Kind::Template | Kind::Link | Kind::ExtLink) || stack.len() >= MAX_DEPTH {
            stack.last_mut().unwrap().parts.push_str("{|");
            return;
        }
        stack.push(Frame::new(Kind::Table, start, 0));
    }

    /// Ends the innermost table at a `|}` whose end is `position` (in the span being scanned).
    fn close_table(&mut self, stack: &mut Vec<Frame>, record: bool, position: usize, span: (usize, usize)) {
        let mut depth = stack.len() - 1;
        while depth > 0 && matches!(stack[depth].kind, Kind::Link | Kind::ExtLink) {
            depth -= 1;
        }
        if stack[depth].kind == Kind::Template && !self.braces_close_after(position, span) {
            // A template opened in the table that no `}}` can close any more: MediaWiki shows its braces as
            // text, so the table ends here (otherwise the rest of the page would go with the table).
            if let Some(table) = stack.iter().rposition(|frame| frame.kind == Kind::Table) {
                depth = table;
            }
        }
        if stack[depth].kind != Kind::Table {
            return; // a stray |}: dropped
        }
        while stack.len() - 1 > depth {
            self.break_frame(stack, record);
        }
        stack.pop(); // a table's text is not prose
    }

    /// Whether a `}}` that no later `{{` pairs with follows `position` before `end`: one that can close a
    /// template open at `position`. Braces are counted in pairs, once per span (BraceBalance).
    fn braces_close_after(&mut self, position: usize, span: (usize, usize)) -> bool {
        let source = &self.source;
        let balance = self.balances.entry(span).or_insert_with(|| BraceBalance::of(&source[span.0..span.1]));
        balance.closes_after(position - span.0)
    }

    /// A heading line ends unclosed links on the lines before it.
    fn abort_inline(&mut self, stack: &mut Vec<Frame>, record: bool) {
        while matches!(stack.last().unwrap().kind, Kind::Link | Kind::ExtLink) {
            self.break_frame(stack, record);
        }
    }

    /// An unclosed frame becomes text in its parent, as MediaWiki shows unmatched markup.
    fn break_frame(&mut self, stack: &mut Vec<Frame>, record: bool) {
        let frame = stack.pop().unwrap();
        if record {
            self.out_of_range.insert(match frame.kind {
                Kind::Table => "unclosed-table",
                Kind::Template => "unclosed-template",
                Kind::Link => "unclosed-link",
                _ => "unclosed-external-link",
            });
        }
        let parent = stack.last_mut().unwrap();
        match frame.kind {
            Kind::Table => {}
            Kind::ExtLink => {
                parent.parts.push_str(&frame.parts);
                if record && (parent.kind == Kind::Root || parent.kind == Kind::Table) {
                    let offset = self.chars(frame.start + 1);
                    self.bare_urls(&frame.parts, offset);
                }
            }
            _ => {
                for segment in &frame.segments {
                    parent.parts.push_str(segment);
                    parent.parts.push('|');
                }
                parent.parts.push_str(&frame.parts);
            }
        }
    }

    /// Starts a new section at a heading line; returns where the line ends, or None if not a heading.
    fn heading(&mut self, position: usize, end: usize, root: &mut String, record: bool) -> Result<Option<usize>, Stop> {
        let Some(found) = heading_match(&self.source, position, end) else {
            return Ok(None);
        };
        let level = found.left.min(found.right);
        let content_start = position + level;
        let content_end = found.closing_end - level;
        if content_end <= content_start || self.source[content_start..content_end].trim_matches([' ', '\t', '=']).is_empty() {
            return Ok(None);
        }
        let parts = self.run(content_start, content_end, Mode::Inline, record)?;
        let title = self.tidy(&parts).replace('\n', " ");
        self.start_section(level, title, position, root);
        let line_end = self.source[found.end..].find('\n').map(|i| found.end + i);
        Ok(Some(match line_end {
            Some(line_end) if line_end <= end => line_end,
            _ => end,
        }))
    }

    /// Closes the current section (its text is what the page root holds) and opens a new one.
    fn start_section(&mut self, level: usize, title: String, position: usize, root: &mut String) {
        let text = self.section_text(root);
        self.sections.last_mut().unwrap().text = text;
        root.clear();
        let index = self.sections.len();
        while self.heading_levels.last().is_some_and(|&(open, _)| open >= level) {
            self.heading_levels.pop();
        }
        let parent = self.heading_levels.last().map(|&(_, index)| index).unwrap_or(0);
        self.heading_levels.push((level, index));
        let anchor = self.anchor(&title);
        let start = self.chars(position);
        self.sections.push(Section { index, level, title, anchor, parent: Some(parent), start, text: String::new() });
        self.section = index;
    }

    /// A section's text from what its root frame holds: rows of a table whose start and end are written by
    /// templates (frwiki's `{{ÉluDébut}}` ... `{{ÉluFin}}`, enwiki's `{{s-start}}` ... `{{s-end}}`) are lines
    /// starting with `|` (and `!` header lines among them) outside any table here: table markup, never
    /// prose, so they go with the tables (and the page says `table-rows-outside-table`).
    fn section_text(&mut self, root: &str) -> String {
        if !root.contains("\n|") && !root.starts_with('|') {
            return self.tidy(root);
        }
        let mut kept = String::with_capacity(root.len());
        let mut in_rows = false;
        for (index, line) in root.split('\n').enumerate() {
            let start = line.trim_start_matches([' ', '\t']);
            let row = start.starts_with('|') || (in_rows && start.starts_with('!'));
            if row {
                in_rows = true;
                self.out_of_range.insert("table-rows-outside-table");
                continue;
            }
            in_rows = false;
            if index > 0 {
                kept.push('\n');
            }
            kept.push_str(line);
        }
        self.tidy(&kept)
    }

    /// The id MediaWiki gives a heading: spaces as underscores, repeats numbered _2, _3 ...
    fn anchor(&mut self, title: &str) -> String {
        let anchor = title.split(crate::text::is_space).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_");
        let mut candidate = anchor.clone();
        let mut number = 1;
        while self.anchors.contains(&candidate.to_lowercase()) {
            number += 1;
            candidate = format!("{}_{}", anchor, number);
        }
        self.anchors.insert(candidate.to_lowercase());
        candidate
    }

    // -- tags ------------------------------------------------------------------------------------------

    /// Handles an HTML or extension tag; returns where scanning resumes when the tag's content was
    /// consumed here.
    fn tag(&mut self, stack: &mut Vec<Frame>, start: usize, stop: usize, end: usize, record: bool)
           -> Result<Option<usize>, Stop> {
        let token = &self.source[start..stop];
        let closing = token.as_bytes()[1] == b'/';
        let name_start = if closing { 2 } else { 1 };
        let name_length = token[name_start..].bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = token[name_start..name_start + name_length].to_ascii_lowercase();
        let engine = self.engine;
        if !engine.tables.transparent_tags.contains(&name) && !engine.tables.dropped_tags.contains(&name) {
            let token = token.to_string();
            stack.last_mut().unwrap().parts.push_str(&token); // not a tag MediaWiki knows: shown as written
            return Ok(None);
        }
        let self_closing = token.ends_with("/>");
        let line_break = engine.tables.line_break_tags.contains(&name);
        if name == "ref" {
            if closing {
                return Ok(None); // a stray </ref>
            }
            return self.ref_tag(start, stop, end, self_closing, record);
        }
        if name == "table" && !self_closing {
            if closing {
                if stack.last().unwrap().kind == Kind::Table {
                    stack.pop();
                }
            } else {
                self.open_table(stack, start);
            }
            return Ok(None);
        }
        if !line_break && stack.last().unwrap().parts.ends_with('\'') {
            // `''θ''<sub>''i''</sub>`: apostrophes on either side of a tag are runs of their own.
            stack.last_mut().unwrap().parts.push(QUOTE_BOUNDARY);
        }
        if closing || self_closing {
            if line_break {
                stack.last_mut().unwrap().parts.push('\n');
            }
            return Ok(None);
        }
        if engine.tables.opaque_tags.contains(&name) || name == "references" {
            let Some((content_end, resume)) = self.find_close(&name, stop, end) else {
                if record {
                    self.out_of_range.insert("unclosed-tag");
                }
                return Ok(None); // no closing tag: MediaWiki shows the rest as ordinary wikitext
            };
            match name.as_str() {
                "math" => {
                    let tex = join_words(&self.source[stop..content_end]);
                    let top = &mut stack.last_mut().unwrap().parts;
                    match self.math {
                        Math::Tex => {
                            top.push_str(MATH_OPEN);
                            top.push_str(&tex);
                            top.push_str(MATH_CLOSE);
                        }
                        Math::Placeholder => {
                            top.push_str(MATH_OPEN);
                            top.push_str("math");
                            top.push_str(MATH_CLOSE);
                        }
                        Math::Drop => {
                            if record {
                                self.out_of_range.insert("math-dropped");
                            }
                        }
                    }
                    self.skip(stop, content_end);
                }
                "references" => {
                    self.run(stop, content_end, Mode::Ref, record)?; // list-defined references
                }
                "nowiki" => {
                    let content = self.source[stop..content_end].to_string();
                    stack.last_mut().unwrap().parts.push_str(&content);
                    self.skip(stop, content_end);
                }
                "gallery" => {
                    if record {
                        self.gallery(stop, content_end)?;
                    }
                    self.skip(stop, content_end);
                }
                _ => {
                    if name == "imagemap" && record {
                        self.imagemap(stop, content_end);
                    }
                    self.skip(stop, content_end);
                }
            }
            return Ok(Some(resume));
        }
        if line_break {
            stack.last_mut().unwrap().parts.push('\n');
        }
        Ok(None)
    }

    fn skip(&mut self, start: usize, end: usize) {
        let span = (self.chars(start), self.chars(end));
        self.skipped.push(span);
    }

    /// (start, end) of the first `</name>` in [position, end), searched once per tag name and span end
    /// when absent (a page with a thousand unclosed tags must not be read a thousand times).
    fn find_close(&mut self, name: &str, position: usize, end: usize) -> Option<(usize, usize)> {
        let key = (name.to_string(), end);
        if self.missing_close.get(&key).is_some_and(|&missing| missing <= position) {
            return None;
        }
        let pattern = self.caches.closing.entry(name.to_string()).or_insert_with(|| compile_closing(name));
        match pattern.find(&self.source[position..end]) {
            None => {
                self.missing_close.insert(key, position);
                None
            }
            Some(found) => Some((position + found.start(), position + found.end())),
        }
    }

    fn ref_tag(&mut self, start: usize, stop: usize, end: usize, self_closing: bool, record: bool)
               -> Result<Option<usize>, Stop> {
        let attributes = self.engine.attributes(&self.source[start..stop]);
        let name = attributes.get("name").filter(|v| !v.is_empty()).cloned();
        let group = attributes.get("group").filter(|v| !v.is_empty()).cloned();
        if self_closing {
            if record {
                self.refs.push(Ref { name, group, is_reuse: true, start: self.chars(start), end: self.chars(stop),
                                     section: self.section, content: String::new(), text: String::new() });
            }
            return Ok(None);
        }
        let Some((content_end, resume)) = self.find_close("ref", stop, end) else {
            if record {
                self.out_of_range.insert("unclosed-tag");
            }
            return Ok(None); // an unclosed <ref>: the tag is dropped and what follows is read as text
        };
        let content = self.source[stop..content_end].to_string();
        let index = self.refs.len();
        if record {
            self.refs.push(Ref { name, group, is_reuse: strip(&content).is_empty(), start: self.chars(start),
                                 end: self.chars(resume), section: self.section, content, text: String::new() });
        }
        let outer = self.reference;
        self.reference = index as i64;
        let text = self.run(stop, content_end, Mode::Ref, record);
        self.reference = outer;
        let text = text?;
        if record {
            self.refs[index].text = if text.contains(QUOTE_BOUNDARY) { text.replace(QUOTE_BOUNDARY, "") } else { text };
        }
        Ok(Some(resume))
    }

    /// A reference token whose content is text and simple templates only.
    fn simple_ref(&mut self, token: &str, start: usize, stop: usize, record: bool) {
        let head = token.find('>').unwrap() + 1;
        let attributes = if head > 5 { self.engine.attributes(&token[..head]) } else { HashMap::new() };
        let content = &token[head..token.len() - 6];
        let index = self.refs.len();
        if record {
            self.refs.push(Ref {
                name: attributes.get("name").filter(|v| !v.is_empty()).cloned(),
                group: attributes.get("group").filter(|v| !v.is_empty()).cloned(),
                is_reuse: strip(content).is_empty(), start: self.chars(start), end: self.chars(stop),
                section: self.section, content: content.to_string(), text: content.to_string(),
            });
        }
        if !content.contains("{{") && !content.contains("://") {
            return;
        }
        let offset = start + head;
        let outer = self.reference;
        self.reference = index as i64;
        let mut position = 0;
        loop {
            let opening = content[position..].find("{{").map(|i| position + i);
            let piece = &content[position..opening.unwrap_or(content.len())];
            if record && has_url(piece) {
                let at = self.chars(offset + position);
                self.bare_urls(piece, at);
            }
            let Some(opening) = opening else { break };
            let closing = opening + content[opening..].find("}}").unwrap() + 2;
            // The text of a reference is not prose of the page: what a template stands for is dropped.
            self.simple_template(&content[opening..closing], offset + opening, offset + closing, record);
            position = closing;
        }
        self.reference = outer;
    }

    /// Each gallery line names a file (the File: prefix may be left out), then a caption.
    fn gallery(&mut self, start: usize, end: usize) -> Result<(), Stop> {
        let mut position = start;
        while position < end {
            let line_end = self.source[position..end].find('\n').map(|i| position + i).unwrap_or(end);
            let line = &self.source[position..line_end];
            let (target, caption) = match line.split_once('|') {
                Some((target, caption)) => (target, Some(caption)),
                None => (line, None),
            };
            let target = strip(target).to_string();
            let caption_length = caption.map(str::len).unwrap_or(0);
            let has_caption = caption.is_some_and(|c| !c.is_empty());
            if !target.is_empty() {
                let mut resolved = self.resolve(&target);
                if resolved.link_type != LinkType::Media {
                    resolved = self.resolve(&format!("File:{}", target));
                }
                if resolved.link_type == LinkType::Media {
                    let shown = if has_caption {
                        let parts = self.run(line_end - caption_length, line_end, Mode::Inline, true)?;
                        Some(self.tidy(&parts))
                    } else {
                        None
                    };
                    let at = self.chars(position);
                    self.links.push(Link { internal: true, target, resolved: Some(resolved), label: shown.clone(),
                                           caption: shown, start: at, section: self.section });
                }
            }
            position = line_end + 1;
        }
        Ok(())
    }

    fn imagemap(&mut self, start: usize, end: usize) {
        let text = self.source[start..end].to_string();
        for line in text.split('\n') {
            let target = strip(line.split('|').next().unwrap());
            if !target.is_empty() {
                let resolved = self.resolve(target);
                if resolved.link_type == LinkType::Media {
                    let at = self.chars(start);
                    self.links.push(Link { internal: true, target: target.to_string(), resolved: Some(resolved),
                                           label: None, caption: None, start: at, section: self.section });
                }
                return;
            }
        }
    }
}

/// Whether the innermost frame that is not a link is a template (its braces close before any table).
fn in_template(stack: &[Frame]) -> bool {
    stack.iter().rev().find(|frame| !matches!(frame.kind, Kind::Link | Kind::ExtLink))
        .is_some_and(|frame| frame.kind == Kind::Template)
}

/// Whether the innermost frame that is not a link is a table.
fn innermost_is_table(stack: &[Frame]) -> bool {
    stack.iter().rev().find(|frame| !matches!(frame.kind, Kind::Link | Kind::ExtLink))
        .is_some_and(|frame| frame.kind == Kind::Table)
}

/// Pairs of braces of a text (`{{` +1, `}}` -1, read left to right), with the lowest running balance
/// from each pair on, so that "does an unpaired `}}` follow this point" is a binary search.
struct BraceBalance {
    positions: Vec<usize>,
    before: Vec<i64>,     // balance before each pair
    lowest_from: Vec<i64>, // lowest balance after any pair from this one on
}

impl BraceBalance {
    fn of(text: &str) -> BraceBalance {
        let bytes = text.as_bytes();
        let (mut positions, mut before, mut after) = (Vec::new(), Vec::new(), Vec::new());
        let mut balance = 0i64;
        let mut index = 0;
        while index + 1 < bytes.len() {
            let pair = (bytes[index], bytes[index + 1]);
            if pair == (b'{', b'{') || pair == (b'}', b'}') {
                positions.push(index);
                before.push(balance);
                balance += if pair.0 == b'{' { 1 } else { -1 };
                after.push(balance);
                index += 2;
            } else {
                index += 1;
            }
        }
        let mut lowest_from = after;
        for index in (0..lowest_from.len().saturating_sub(1)).rev() {
            lowest_from[index] = lowest_from[index].min(lowest_from[index + 1]);
        }
        BraceBalance { positions, before, lowest_from }
    }

    fn closes_after(&self, position: usize) -> bool {
        let first = self.positions.partition_point(|&at| at < position);
        first < self.positions.len() && self.lowest_from[first] < self.before[first]
    }
}

fn join_strings(parts: &[&String], separator: &str) -> String {
    parts.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(separator)
}

/// `(={1,6})(.+?)(={1,6})[ \t]*(?=\n|$)` matched at `position` with endpos `end`.
struct HeadingMatch {
    left: usize,         // length of the first group
    right: usize,        // length of the third
    closing_end: usize,  // end of the third group
    end: usize,          // end of the match
}

fn heading_match(source: &str, position: usize, end: usize) -> Option<HeadingMatch> {
    let bytes = source.as_bytes();
    let run = |from: usize| (from..end.min(from + 6)).take_while(|&i| bytes[i] == b'=').count();
    let left_run = run(position);
    let line_end = source[position..end].find('\n').map(|i| position + i).unwrap_or(end);
    for left in (1..=left_run).rev() {
        // The lazy content: at least one character (not a newline), then the shortest that works.
        let mut content_end = position + left;
        loop {
            if content_end >= line_end {
                break;
            }
            content_end += source[content_end..].chars().next().unwrap().len_utf8();
            let right = run(content_end);
            if right == 0 {
                continue;
            }
            let closing_end = content_end + right;
            let mut after = closing_end;
            while after < end && (bytes[after] == b' ' || bytes[after] == b'\t') {
                after += 1;
            }
            if after == end || bytes[after] == b'\n' {
                return Some(HeadingMatch { left, right, closing_end, end: after });
            }
        }
    }
    None
}

/// `(?i:(?:https?|ftp)://|mailto:|//)[^\s<>\[\]{}|\"]+` at the start of `raw`.
fn url_prefix(raw: &str) -> Option<&str> {
    let scheme = url_scheme_length(raw)?;
    let rest: usize = raw[scheme..].chars().take_while(|&c| url_character(c)).map(char::len_utf8).sum();
    if rest == 0 {
        // `https?` may give back its s: `http://` is tried after `https://`; neither has a second way.
        return None;
    }
    Some(&raw[..scheme + rest])
}

fn url_character(c: char) -> bool {
    !(crate::text::is_space(c) || matches!(c, '<' | '>' | '[' | ']' | '{' | '}' | '|' | '"'))
}

/// A bare URL ends before trailing punctuation (and before a closing parenthesis it did not open).
fn trim_url(url: &str) -> &str {
    let punctuation: &[char] = &['.', ',', ';', ':', '!', '?', '\''];
    let mut url = url.trim_end_matches(punctuation);
    while url.ends_with(')') && url.matches('(').count() < url.matches(')').count() {
        url = url[..url.len() - 1].trim_end_matches(punctuation);
    }
    url
}

/// What a link without a label shows: the target as written (without a leading colon); with an empty
/// label (the pipe trick) the title without namespace and parenthesis.
fn display_target(raw: &str, pipe_trick: bool) -> String {
    let mut shown = strip(raw).trim_start_matches(':').replace('_', " ");
    if pipe_trick {
        if let Some((_, rest)) = shown.split_once(':') {
            if !rest.is_empty() {
                shown = rest.to_string();
            }
        }
        // `\s*\([^()]*\)$`
        if shown.ends_with(')') {
            if let Some(open) = shown.rfind('(') {
                if !shown[open + 1..shown.len() - 1].contains(')') {
                    let cut = shown[..open].trim_end_matches(crate::text::is_space).len();
                    shown.truncate(cut);
                }
            }
        }
        shown = shown.split(',').next().unwrap().to_string();
    }
    shown
}

/// `^\s*[^=|\[\]{}]+?\s*=`: a named argument.
pub fn is_named(arg: &str) -> bool {
    match arg.find('=') {
        Some(0) | None => false,
        Some(equals) => !arg[..equals].contains(['|', '[', ']', '{', '}']),
    }
}

pub fn compile_closing(name: &str) -> Regex {
    Regex::new(&format!(r"(?i)</{}[\s\x1c-\x1f]*>", regex::escape(name))).unwrap()
}
