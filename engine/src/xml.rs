//! The XML of a MediaWiki dump, read by a hand-written byte scanner into the events the reader needs
//! (transforms/xml/reader.py): the root, <siteinfo>, each page's header fields and its revisions, decoded.
//!
//! Python's feeder (transforms/xml/feeder.py) still hands over the input in validated UTF-8 pieces
//! (prolog refusal, invalid UTF-8 repaired and counted, page offsets, restarts after a broken page); this
//! scanner takes the place of expat and ElementTree. It is resumable at every token: a token that a piece
//! cuts in two waits for the next piece, and the search for its end goes on where it stopped, so time
//! stays linear whatever the input. Well-formedness is checked as expat checks it for what dumps hold
//! (tag nesting, names, attribute syntax, the five predefined entities and character references, control
//! characters); an error ends the document with a message in expat's words and its line and column.

use std::collections::VecDeque;

use crate::markup::{check_chars, check_text, count_chars, decode_text, is_space, parse_start_tag, Failure};
use crate::revision::{decode_revision, RevisionFields, RevisionOutcome};

/// What the scanner found; the reader turns these into pages, revisions and problems.
pub enum Event {
    /// The root start tag: its local name and its `version` attribute.
    Root(String, Option<String>),
    SiteInfo(SiteInfoFields),
    /// A child of the root that is neither <page> nor <siteinfo> (skipped whole).
    Unknown(String),
    PageStart,
    /// A child of <page> other than <revision>: its local name, text and `title` attribute.
    PageField(String, Option<String>, Option<String>),
    /// The start of a page's first <revision> (its header is complete).
    FirstRevision,
    Revision(RevisionOutcome),
    PageEnd,
    /// The root element closed: the document is complete.
    End,
    /// Broken XML: expat's message, and whether it broke inside a <revision>.
    Error(String, bool),
    /// The input ended before the root element closed; whether it ended inside a <revision>.
    Truncated(bool),
}

/// <siteinfo>: sitename, dbname, base, generator, case and (key, name, case) per namespace.
#[derive(Default)]
pub struct SiteInfoFields {
    pub sitename: Option<String>,
    pub dbname: Option<String>,
    pub base: Option<String>,
    pub generator: Option<String>,
    pub case: Option<String>,
    pub namespaces: Vec<(Option<String>, String, Option<String>)>,
}

/// What an open element is, so that its text and children land where they are read.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Root,
    SiteInfo,
    SiteField,
    Namespaces,
    Namespace,
    Page,
    PageField,
    Revision,
    RevisionField,
    Contributor,
    ContributorField,
    /// An element whose content nobody reads (still checked for well-formedness).
    Ignored,
}

struct Frame {
    name: String,
    role: Role,
    /// Character data before the first child, as ElementTree's `.text` (None when there is none).
    text: Option<String>,
    had_child: bool,
    attributes: Vec<(String, String)>,
    /// Namespace prefixes this element declares (`xmlns:p="..."`).
    prefixes: Vec<String>,
}


/// Elements open at once, at most: a dump nests six deep; markup in a text is escaped, never elements. The
/// bound keeps the stack of open elements small whatever the input.
const MAX_DEPTH: usize = 1_000;

/// Bytes a reference (`&amp;`, `&#x10FFFF;`) can take, with room to spare.
const MAX_REFERENCE: usize = 64;

pub struct Scanner {
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Where the search for the end of the token at `pos` goes on, and the quote it is inside.
    resume: usize,
    quote: u8,
    stack: Vec<Frame>,
    root_closed: bool,
    done: bool,
    events: VecDeque<Event>,
    siteinfo: SiteInfoFields,
    revision: RevisionFields,
    revisions_in_page: usize,
    /// Whether revision texts are handed over (the history job needs only their size, sha1 and redirect line).
    keep_texts: bool,
    /// Where the fault of a failing token stands, when not at its start.
    fault: Option<usize>,
    // Line and column of buf[0] in the document, for error messages.
    line: usize,
    column: usize,
}

/// The local name of a tag: `mw:text` -> `text` (a namespace prefix is not looked up).
fn local_name(name: &str) -> &str {
    match name.rfind(':') {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a String> {
    attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

impl Scanner {
    pub fn new(keep_texts: bool) -> Scanner {
        Scanner {
            buf: Vec::new(),
            pos: 0,
            eof: false,
            resume: 0,
            quote: 0,
            stack: Vec::new(),
            root_closed: false,
            done: false,
            events: VecDeque::new(),
            siteinfo: SiteInfoFields::default(),
            revision: RevisionFields::default(),
            revisions_in_page: 0,
            keep_texts,
            fault: None,
            line: 1,
            column: 0,
        }
    }

    pub fn feed(&mut self, piece: &[u8]) {
        if self.pos > 0 {
            self.advance_position(self.pos);
            self.buf.drain(..self.pos);
            self.resume -= self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(piece);
    }

    pub fn close(&mut self) {
        self.eof = true;
    }

    /// Line and column of buf[0] moved past the first `upto` bytes (lines count \n, columns characters).
    fn advance_position(&mut self, upto: usize) {
        let (line, column) = self.position_of(upto);
        self.line = line;
        self.column = column;
    }

    fn position_of(&self, at: usize) -> (usize, usize) {
        let before = &self.buf[..at.min(self.buf.len())];
        match memchr::memrchr(b'\n', before) {
            Some(last) => (self.line + memchr::memchr_iter(b'\n', before).count(), count_chars(&before[last + 1..])),
            None => (self.line, self.column + count_chars(before)),
        }
    }

    fn in_revision(&self) -> bool {
        self.stack.iter().any(|f| f.role == Role::Revision)
    }

    /// The next event, or None when the scanner needs the next piece (or has finished).
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Some(event);
            }
            if self.done {
                return None;
            }
            let start = self.pos;
            match self.step() {
                Ok(true) => {
                    if self.root_closed {
                        self.done = true;
                        self.events.push_back(Event::End);
                    }
                }
                Ok(false) => {
                    if !self.eof {
                        return None;
                    }
                    self.done = true;
                    self.events.push_back(Event::Truncated(self.in_revision()));
                }
                Err(message) => {
                    self.done = true;
                    self.events.clear();
                    let at = self.fault.take().unwrap_or(start);
                    let (line, column) = self.position_of(at);
                    let in_revision = self.in_revision();
                    self.events.push_back(Event::Error(format!("{message}: line {line}, column {column}"), in_revision));
                }
            }
        }
    }

    /// Consumes one token; false when the token at `pos` is not whole yet.
    fn step(&mut self) -> Result<bool, Failure> {
        if self.pos >= self.buf.len() {
            return Ok(false);
        }
        if self.buf[self.pos] != b'<' {
            return self.text();
        }
        let rest = &self.buf[self.pos..];
        if rest.len() < 2 {
            return Ok(false);
        }
        match rest[1] {
            b'/' => self.end_tag(),
            b'?' => self.processing_instruction(),
            b'!' => {
                if rest.starts_with(b"<!--") {
                    self.skip_until(b"-->", 4)
                } else if rest.starts_with(b"<![CDATA[") {
                    self.cdata()
                } else if !self.eof && (b"<!--".starts_with(rest) || b"<![CDATA[".starts_with(rest)) {
                    Ok(false)
                } else {
                    Err(if self.stack.is_empty() { "syntax error" } else { "not well-formed (invalid token)" })
                }
            }
            _ => self.start_tag(),
        }
    }

    fn finish_token(&mut self, end: usize) {
        self.pos = end;
        self.resume = end;
        self.quote = 0;
    }

    /// Consumes the token at `pos` up to `terminator`, searching on from where the last search stopped.
    fn skip_until(&mut self, terminator: &[u8], skip: usize) -> Result<bool, Failure> {
        match self.find_end(terminator, skip) {
            Some(end) => {
                self.finish_token(end);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn find_end(&mut self, terminator: &[u8], skip: usize) -> Option<usize> {
        let from = self.resume.max(self.pos + skip);
        match memchr::memmem::find(&self.buf[from..], terminator) {
            Some(at) => Some(from + at + terminator.len()),
            None => {
                self.resume = self.buf.len().saturating_sub(terminator.len() - 1).max(self.pos + skip);
                None
            }
        }
    }

    fn processing_instruction(&mut self) -> Result<bool, Failure> {
        let Some(end) = self.find_end(b"?>", 2) else { return Ok(false) };
        let target = &self.buf[self.pos + 2..end - 2];
        let name_end = target.iter().position(|&b| is_space(b)).unwrap_or(target.len());
        if target[..name_end].eq_ignore_ascii_case(b"xml") {
            return Err("XML or text declaration not at start of entity");
        }
        self.finish_token(end);
        Ok(true)
    }

    fn text(&mut self) -> Result<bool, Failure> {
        // Text runs to the next '<'; a piece may end inside it, so it is taken up to a safe point.
        let from = self.pos;
        let end = match memchr::memchr(b'<', &self.buf[from..]) {
            Some(at) => from + at,
            None => {
                // Keep back a reference the piece may cut (`&am`) and a \r whose \n may follow; at the end of
                // the input that is where it was cut. (Only a short reference waits for more: a longer one
                // fails when decoded, and waiting on it would rescan the growing text at every piece.)
                let mut end = self.buf.len();
                if let Some(amp) = memchr::memrchr(b'&', &self.buf[from..end]) {
                    let tail = &self.buf[from + amp..end];
                    if (self.eof || tail.len() < MAX_REFERENCE) && !tail.contains(&b';') {
                        end = from + amp;
                    }
                }
                if !self.eof && end > from && self.buf[end - 1] == b'\r' {
                    end -= 1;
                }
                end
            }
        };
        if end == from {
            return Ok(false);
        }
        let raw = &self.buf[from..end];
        let outcome = if self.stack.is_empty() {
            match raw.iter().position(|&b| !is_space(b)) {
                Some(at) => Err(("syntax error", at)),
                None => Ok(()),
            }
        } else if self.text_wanted() {
            let frame = self.stack.last_mut().unwrap();
            decode_text(raw, frame.text.get_or_insert_with(String::new))
        } else {
            check_text(raw)
        };
        if let Err((failure, at)) = outcome {
            self.fault = Some(from + at);
            return Err(failure);
        }
        self.pos = end;
        self.resume = end;
        Ok(true)
    }

    /// Whether character data here is an element's `.text` that is read.
    fn text_wanted(&self) -> bool {
        match self.stack.last() {
            Some(frame) => !frame.had_child && matches!(frame.role, Role::SiteField | Role::Namespace | Role::PageField
                | Role::RevisionField | Role::ContributorField),
            None => false,
        }
    }

    fn cdata(&mut self) -> Result<bool, Failure> {
        let Some(end) = self.find_end(b"]]>", 9) else { return Ok(false) };
        if self.stack.is_empty() {
            return Err("syntax error");
        }
        let raw = &self.buf[self.pos + 9..end - 3];
        if let Err((failure, at)) = check_chars(raw) {
            self.fault = Some(self.pos + 9 + at);
            return Err(failure);
        }
        if self.text_wanted() {
            let content = String::from_utf8_lossy(raw).replace("\r\n", "\n").replace('\r', "\n");
            self.stack.last_mut().unwrap().text.get_or_insert_with(String::new).push_str(&content);
        }
        self.finish_token(end);
        Ok(true)
    }

    /// The end of a start tag (after its '>'): the first '>' outside quoted attribute values.
    fn tag_end(&mut self) -> Option<usize> {
        let mut at = self.resume.max(self.pos + 1);
        while at < self.buf.len() {
            if self.quote != 0 {
                match memchr::memchr(self.quote, &self.buf[at..]) {
                    Some(found) => {
                        at += found + 1;
                        self.quote = 0;
                    }
                    None => at = self.buf.len(),
                }
                continue;
            }
            match memchr::memchr3(b'"', b'\'', b'>', &self.buf[at..]) {
                Some(found) => {
                    at += found;
                    if self.buf[at] == b'>' {
                        return Some(at + 1);
                    }
                    self.quote = self.buf[at];
                    at += 1;
                }
                None => at = self.buf.len(),
            }
        }
        self.resume = at;
        None
    }

    fn start_tag(&mut self) -> Result<bool, Failure> {
        let Some(end) = self.tag_end() else { return Ok(false) };
        let (name, attributes, self_closing) = parse_start_tag(&self.buf[self.pos + 1..end - 1])?;
        if self.root_closed {
            return Err("junk after document element");
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err("elements nested too deeply");
        }
        let prefixes = self.check_prefixes(&name, &attributes)?;
        self.open(name, attributes, prefixes);
        self.finish_token(end);
        if self_closing {
            self.close_element();
        }
        Ok(true)
    }

    fn end_tag(&mut self) -> Result<bool, Failure> {
        let Some(end) = self.find_end(b">", 2) else { return Ok(false) };
        let inner = &self.buf[self.pos + 2..end - 1];
        let name_end = inner.iter().rposition(|&b| !is_space(b)).map_or(0, |at| at + 1);
        let name = &inner[..name_end];
        match self.stack.last() {
            Some(frame) if frame.name.as_bytes() == name => {}
            Some(_) => return Err("mismatched tag"),
            None => return Err(if self.root_closed { "junk after document element" } else { "syntax error" }),
        }
        self.finish_token(end);
        self.close_element();
        Ok(true)
    }

    /// The prefixes a start tag declares; refuses a prefix that no open element declares, as expat does.
    fn check_prefixes(&self, name: &str, attributes: &[(String, String)]) -> Result<Vec<String>, Failure> {
        let declared: Vec<String> = attributes.iter()
            .filter_map(|(key, _)| key.strip_prefix("xmlns:").map(str::to_string)).collect();
        let names = std::iter::once(name).chain(attributes.iter().map(|(key, _)| key.as_str()));
        for qualified in names {
            let Some((prefix, _)) = qualified.split_once(':') else { continue };
            if prefix == "xml" || prefix == "xmlns" || declared.iter().any(|p| p == prefix)
                || self.stack.iter().any(|frame| frame.prefixes.iter().any(|p| p == prefix)) {
                continue;
            }
            return Err("unbound prefix");
        }
        Ok(declared)
    }

    fn open(&mut self, name: String, attributes: Vec<(String, String)>, prefixes: Vec<String>) {
        let local = local_name(&name).to_string();
        let parent = self.stack.last_mut().map(|frame| {
            frame.had_child = true;
            frame.role
        });
        let role = match parent {
            None => {
                self.events.push_back(Event::Root(local, attribute(&attributes, "version").cloned()));
                Role::Root
            }
            Some(Role::Root) => match local.as_str() {
                "page" => {
                    self.revisions_in_page = 0;
                    self.events.push_back(Event::PageStart);
                    Role::Page
                }
                "siteinfo" => {
                    self.siteinfo = SiteInfoFields::default();
                    Role::SiteInfo
                }
                _ => {
                    self.events.push_back(Event::Unknown(local));
                    Role::Ignored
                }
            },
            Some(Role::SiteInfo) => if local == "namespaces" { Role::Namespaces } else { Role::SiteField },
            Some(Role::Namespaces) => Role::Namespace,
            Some(Role::Page) => {
                if local == "revision" {
                    if self.revisions_in_page == 0 {
                        self.events.push_back(Event::FirstRevision);
                    }
                    self.revisions_in_page += 1;
                    self.revision = RevisionFields::default();
                    Role::Revision
                } else {
                    Role::PageField
                }
            }
            Some(Role::Revision) => if local == "contributor" { Role::Contributor } else { Role::RevisionField },
            Some(Role::Contributor) => Role::ContributorField,
            Some(_) => Role::Ignored,
        };
        let attributes = if role == Role::Ignored { Vec::new() } else { attributes };
        self.stack.push(Frame { name, role, text: None, had_child: false, attributes, prefixes });
    }

    fn close_element(&mut self) {
        let frame = self.stack.pop().expect("an end tag closes an open element");
        let local = local_name(&frame.name).to_string();
        match frame.role {
            Role::Root => self.root_closed = true,
            Role::SiteField => {
                let info = &mut self.siteinfo;
                let slot = match local.as_str() {
                    "sitename" => &mut info.sitename,
                    "dbname" => &mut info.dbname,
                    "base" => &mut info.base,
                    "generator" => &mut info.generator,
                    "case" => &mut info.case,
                    _ => return,
                };
                *slot = frame.text;
            }
            Role::Namespace => {
                let key = attribute(&frame.attributes, "key").cloned();
                let case = attribute(&frame.attributes, "case").cloned();
                self.siteinfo.namespaces.push((key, frame.text.unwrap_or_default(), case));
            }
            Role::SiteInfo => self.events.push_back(Event::SiteInfo(std::mem::take(&mut self.siteinfo))),
            Role::Page => self.events.push_back(Event::PageEnd),
            Role::PageField => {
                let title = attribute(&frame.attributes, "title").cloned();
                self.events.push_back(Event::PageField(local, frame.text, title));
            }
            Role::RevisionField => self.revision.children.push((local, frame.text, frame.attributes, Vec::new())),
            Role::Contributor => self.revision.children.push((local, frame.text, frame.attributes,
                                                             std::mem::take(&mut self.revision.contributor))),
            Role::ContributorField => self.revision.contributor.push((local, frame.text)),
            Role::Revision => {
                let fields = std::mem::take(&mut self.revision);
                self.events.push_back(Event::Revision(decode_revision(fields, self.keep_texts)));
            }
            Role::Namespaces | Role::Ignored => {}
        }
    }
}
