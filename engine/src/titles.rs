//! Link targets read the way titles.TitleResolver reads them, from the site data Python hands over once
//! per wiki (namespace names already case-folded, case rules, language, prefixes).

use foldhash::{HashMap, HashSet};

use crate::text::{join_words, strip, Entities};

pub const MEDIA: i64 = -2;
pub const FILE: i64 = 6;
pub const CATEGORY: i64 = 14;

#[derive(Clone, Debug, PartialEq)]
pub enum LinkType {
    Wikilink,
    Category,
    Media,
    Interwiki,
    Interlanguage,
    Invalid,
}

impl LinkType {
    pub fn name(&self) -> &'static str {
        match self {
            LinkType::Wikilink => "wikilink",
            LinkType::Category => "category",
            LinkType::Media => "media",
            LinkType::Interwiki => "interwiki",
            LinkType::Interlanguage => "interlanguage",
            LinkType::Invalid => "invalid",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Target {
    pub link_type: LinkType,
    pub namespace: Option<i64>,
    pub title: Option<String>,
    pub fragment: Option<String>,
    pub prefix: Option<String>,
}

const INVALID: Target = Target { link_type: LinkType::Invalid, namespace: None, title: None, fragment: None, prefix: None };

pub struct Site {
    pub namespaces: HashMap<String, i64>,
    pub cases: HashMap<i64, bool>, // namespace -> first-letter case
    pub first_letter_default: bool,
    pub language: Option<String>,
    pub languages: HashSet<String>,
    pub interwiki: HashSet<String>,
    /// Characters whose str.casefold() differs from str.lower() (ß -> ss, ς -> σ ...).
    pub folds: HashMap<char, String>,
}

pub fn is_invalid_character(c: char) -> bool {
    matches!(c, '<' | '>' | '[' | ']' | '{' | '}' | '|' | '\n')
}

impl Site {
    pub fn casefold(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if let Some(folded) = self.folds.get(&c) {
                out.push_str(folded);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out
    }

    pub fn resolve(&self, raw: &str, entities: &Entities) -> Target {
        if raw.chars().any(is_invalid_character) {
            return INVALID;
        }
        let mut text = clean_title(raw, entities);
        let forced = text.starts_with(':');
        if forced {
            text = text[1..].trim_start_matches(crate::text::is_space).to_string();
        }
        if text.is_empty() {
            return INVALID;
        }
        if let Some((prefix, rest)) = text.split_once(':') {
            let key = self.casefold(strip(prefix));
            if let Some(&namespace) = self.namespaces.get(&key) {
                return self.in_namespace(namespace, strip(rest), forced);
            }
            if self.language.as_deref() == Some(key.as_str()) && !strip(rest).is_empty() {
                return self.resolve(rest, entities);
            }
            let language = self.languages.contains(&key);
            if language || self.interwiki.contains(&key) {
                let (title, fragment) = split_fragment(strip(rest));
                let link_type = if language && !forced { LinkType::Interlanguage } else { LinkType::Interwiki };
                return Target { link_type, namespace: None, title: Some(title), fragment, prefix: Some(key) };
            }
        }
        self.in_namespace(0, &text, forced)
    }

    pub fn in_namespace(&self, namespace: i64, text: &str, forced: bool) -> Target {
        let (title, fragment) = split_fragment(text);
        if title.is_empty() && (namespace != 0 || fragment.is_none()) {
            return INVALID;
        }
        let cased_namespace = if namespace != MEDIA { namespace } else { FILE };
        let first_letter = *self.cases.get(&cased_namespace).unwrap_or(&self.first_letter_default);
        let title = if first_letter { first_letter_upper(&title) } else { title };
        let (link_type, namespace) = if namespace == MEDIA {
            (LinkType::Media, FILE)
        } else if namespace == CATEGORY && !forced {
            (LinkType::Category, namespace)
        } else if namespace == FILE && !forced {
            (LinkType::Media, namespace)
        } else {
            (LinkType::Wikilink, namespace)
        };
        Target { link_type, namespace: Some(namespace), title: Some(title), fragment, prefix: None }
    }
}

fn split_fragment(text: &str) -> (String, Option<String>) {
    match text.split_once('#') {
        Some((title, fragment)) => (strip(title).to_string(), Some(strip(fragment).to_string())),
        None => (strip(text).to_string(), None),
    }
}

/// MediaWiki's ucfirst: the first character upper-cased unless that changes its length (ß -> SS).
pub fn first_letter_upper(title: &str) -> String {
    let mut chars = title.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let mut upper = first.to_uppercase();
            if upper.len() == 1 {
                let mut out = String::with_capacity(title.len());
                out.push(upper.next().unwrap());
                out.push_str(chars.as_str());
                out
            } else {
                title.to_string()
            }
        }
    }
}

/// titles.clean_title: entities and %-escapes decoded, direction marks gone, spaces collapsed.
pub fn clean_title(text: &str, entities: &Entities) -> String {
    let mut text = if text.contains('&') { entities.unescape(text) } else { text.to_string() };
    if text.contains('%') {
        if let Some(decoded) = unquote_strict(&text) {
            text = decoded;
        }
    }
    if !text.is_ascii() {
        text.retain(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'));
    }
    join_words(&text.replace('_', " "))
}

/// urllib.parse.unquote(text, errors="strict"): None where Python raises UnicodeDecodeError.
fn unquote_strict(text: &str) -> Option<String> {
    unquote_with(text, |bytes| String::from_utf8(bytes).ok())
}

/// urllib.parse.unquote(text) (errors="replace").
pub fn unquote(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    unquote_with(text, |bytes| Some(String::from_utf8_lossy(&bytes).into_owned())).unwrap_or_default()
}

/// Each run of ASCII characters of `text` percent-decoded and its bytes read as UTF-8 by `read` (whose None
/// stops the whole: errors="strict").
fn unquote_with(text: &str, read: impl Fn(Vec<u8>) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii_len = rest.bytes().take_while(|b| b.is_ascii()).count();
        if ascii_len == 0 {
            let non_ascii: usize = rest.chars().take_while(|c| !c.is_ascii()).map(char::len_utf8).sum();
            out.push_str(&rest[..non_ascii]);
            rest = &rest[non_ascii..];
            continue;
        }
        let run = &rest.as_bytes()[..ascii_len];
        let mut bytes = Vec::with_capacity(run.len());
        let mut index = 0;
        while index < run.len() {
            if run[index] == b'%' && index + 2 < run.len() && run[index + 1].is_ascii_hexdigit() && run[index + 2].is_ascii_hexdigit() {
                let high = (run[index + 1] as char).to_digit(16).unwrap_or(0) as u8;
                let low = (run[index + 2] as char).to_digit(16).unwrap_or(0) as u8;
                bytes.push(high * 16 + low);
                index += 3;
            } else {
                bytes.push(run[index]);
                index += 1;
            }
        }
        out.push_str(&read(bytes)?);
        rest = &rest[ascii_len..];
    }
    Some(out)
}
