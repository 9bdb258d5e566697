//! Python's string semantics where the rows depend on them (str.isspace, str.split, str.strip,
//! html.unescape) and the scanner's text clean-up (`tidy_text`, `strip_quotes`, `strip_comments_into`).

use foldhash::{HashMap, HashSet};
use memchr::memmem;

use regex::Regex;

/// str.isspace(): Unicode White_Space plus the four ASCII information separators Python counts too.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// str.strip() without arguments.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// len(text.split()): the words between runs of whitespace, counted without a branch per byte (plain_text
/// counts the words of every page, and a branch at each word's edge mispredicts). Only the lead bytes of
/// the multi-byte whitespace characters (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000) take a closer look; every other byte is a space or not by a table.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut at) = (0usize, 0usize, 0usize);
    while at < bytes.len() {
        let class = BYTE_CLASS[bytes[at] as usize];
        let (space, width) = if class == MAYBE_SPACE {
            let c = text[at..].chars().next().unwrap_or(' ');
            (is_space(c) as usize, c.len_utf8())
        } else {
            (class as usize, 1)
        };
        words += (in_word | space) ^ 1;
        in_word = space ^ 1;
        at += width;
    }
    words
}

const MAYBE_SPACE: u8 = 2;

/// Per byte: 1 for ASCII whitespace as str.split() sees it, MAYBE_SPACE for the lead bytes of the other
/// whitespace characters, 0 for the rest (continuation bytes included: they never start a word).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0x09;
    while byte <= 0x0d {
        table[byte] = 1;
        byte += 1;
    }
    let mut byte = 0x1c;
    while byte <= 0x20 {
        table[byte] = 1;
        byte += 1;
    }
    table[0xc2] = MAYBE_SPACE;
    table[0xe1] = MAYBE_SPACE;
    table[0xe2] = MAYBE_SPACE;
    table[0xe3] = MAYBE_SPACE;
    table
};

/// " ".join(text.split())
pub fn join_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_space).filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The tables of html.unescape, handed over once by Python (html.entities.html5 and html's private
/// tables of invalid references), so that the engine decodes exactly as the standard library does.
pub struct Entities {
    pub named: HashMap<String, String>,
    pub invalid_charrefs: HashMap<u32, String>,
    pub invalid_codepoints: HashSet<u32>,
}

impl Entities {
    /// html.unescape(text).
    pub fn unescape(&self, text: &str) -> String {
        if !text.contains('&') {
            return text.to_string();
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut position = 0;
        while let Some(found) = text[position..].find('&') {
            let at = position + found;
            match self.reference(text, at + 1) {
                Some((end, replacement)) => {
                    out.push_str(&text[last..at]);
                    out.push_str(&replacement);
                    last = end;
                    position = end;
                }
                None => position = at + 1,
            }
            if position >= bytes.len() {
                break;
            }
        }
        out.push_str(&text[last..]);
        out
    }

    /// The reference after an `&` at `start`: where it ends and what it stands for. Mirrors
    /// `&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)` and html._replace_charref.
    fn reference(&self, text: &str, start: usize) -> Option<(usize, String)> {
        let bytes = text.as_bytes();
        if start < bytes.len() && bytes[start] == b'#' {
            let (digits_start, radix) = if start + 1 < bytes.len() && (bytes[start + 1] | 0x20) == b'x' {
                (start + 2, 16)
            } else {
                (start + 1, 10)
            };
            let mut end = digits_start;
            while end < bytes.len() && (bytes[end] as char).is_digit(radix) {
                end += 1;
            }
            if end == digits_start {
                return None; // `&#` or `&#x` without digits: not a reference (the name may not hold `#`)
            }
            let digits = &text[digits_start..end];
            if end < bytes.len() && bytes[end] == b';' {
                end += 1;
            }
            let number = u32::from_str_radix(digits.trim_start_matches('0'), radix)
                .ok()
                .or(if digits.trim_start_matches('0').is_empty() { Some(0) } else { None });
            let replacement = match number {
                Some(number) if self.invalid_charrefs.contains_key(&number) => self.invalid_charrefs[&number].clone(),
                Some(number) if (0xD800..=0xDFFF).contains(&number) || number > 0x10FFFF => "\u{FFFD}".to_string(),
                None => "\u{FFFD}".to_string(),
                Some(number) if self.invalid_codepoints.contains(&number) => String::new(),
                Some(number) => char::from_u32(number).map(String::from).unwrap_or_else(|| "\u{FFFD}".to_string()),
            };
            return Some((end, replacement));
        }
        let mut end = start;
        let mut count = 0;
        for (offset, c) in text[start..].char_indices() {
            if count == 32 || matches!(c, '\t' | '\n' | '\x0c' | ' ' | '<' | '&' | '#' | ';') {
                end = start + offset;
                break;
            }
            count += 1;
            end = start + offset + c.len_utf8();
        }
        if count == 0 {
            return None;
        }
        if end < bytes.len() && bytes[end] == b';' {
            end += 1;
        }
        let name = &text[start..end];
        if let Some(value) = self.named.get(name) {
            return Some((end, value.clone()));
        }
        // The longest known prefix (of at least two characters), as the standard says.
        let boundaries: Vec<usize> = name.char_indices().map(|(i, _)| i).skip(2).collect();
        for &cut in boundaries.iter().rev() {
            if let Some(value) = self.named.get(&name[..cut]) {
                return Some((end, format!("{}{}", value, &name[cut..])));
            }
        }
        Some((end, format!("&{}", name)))
    }
}

/// Appends `text` to `out` without its `<!-- ... -->`; an unclosed comment runs to the end, as in MediaWiki.
pub fn strip_comments_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut position = 0;
    while let Some(found) = memmem::find(&bytes[position..], b"<!--") {
        let start = position + found;
        out.push_str(&text[position..start]);
        match memmem::find(&bytes[start + 4..], b"-->") {
            None => return,
            Some(end) => position = start + 4 + end + 3,
        }
    }
    out.push_str(&text[position..]);
}

/// Set between a run of apostrophes and an HTML tag the scan removed, so that the runs on either side
/// of the tag stay runs of their own; strip_quotes removes it (a Unicode noncharacter: never text).
pub const QUOTE_BOUNDARY: char = '\u{fdd0}';

/// Removes the bold and italic markup (runs of apostrophes).
pub fn strip_quotes(text: &str) -> String {
    if text.contains(QUOTE_BOUNDARY) {
        let parts: Vec<String> = text.split(QUOTE_BOUNDARY).map(strip_quote_runs).collect();
        return parts.concat();
    }
    strip_quote_runs(text)
}

fn strip_quote_runs(text: &str) -> String {
    if !text.contains("''") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut position = 0;
    let mut last = 0;
    while position < bytes.len() {
        if bytes[position] == b'\'' {
            let mut end = position;
            while end < bytes.len() && bytes[end] == b'\'' {
                end += 1;
            }
            let run = end - position;
            if run >= 2 {
                out.push_str(&text[last..position]);
                // Two, three and five apostrophes switch italic and bold; four are an apostrophe and
                // bold; longer runs keep the apostrophes beyond five.
                if run == 4 {
                    out.push('\'');
                } else if run > 5 {
                    out.push_str(&"'".repeat(run - 5));
                }
                last = end;
            }
            position = end;
        } else {
            position += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

pub struct Tidy {
    magic_word: Regex,
    spaces: Regex,
    rule_lines: Regex,
    blank_lines: Regex,
}

impl Tidy {
    pub fn new() -> Tidy {
        Tidy {
            magic_word: Regex::new(r"__[A-Z]{2,}__").unwrap(),
            spaces: Regex::new(r"[ \t]{2,}").unwrap(),
            rule_lines: Regex::new(r"(?m)^[ \t]*-{4,}[ \t]*$").unwrap(),
            blank_lines: Regex::new(r"\n{3,}").unwrap(),
        }
    }

    /// The scanner's tidy_text: quotes and magic words gone, entities decoded, empty parentheses and
    /// spaces before punctuation removed, lines stripped, at most one blank line.
    pub fn tidy(&self, text: &str, entities: &Entities) -> String {
        let mut text = strip_quotes(text);
        if text.contains('&') {
            text = entities.unescape(&text);
        }
        if contains(&text, "__") {
            text = self.magic_word.replace_all(&text, "").into_owned();
        }
        if text.contains('(') {
            text = empty_parens(&open_paren_punct(&text));
        }
        if contains(&text, " ,") || contains(&text, " .") {
            text = space_before_punct(&text);
        }
        if text.contains('\u{a0}') {
            text = text.replace('\u{a0}', " ");
        }
        if text.contains('\t') {
            text = self.spaces.replace_all(&text, " ").into_owned();
        } else if let Some(first) = memmem::find(text.as_bytes(), b"  ") {
            text = collapse_spaces(&text, first);
        }
        if contains(&text, "----") {
            text = self.rule_lines.replace_all(&text, "").into_owned();
        }
        let mut joined = String::with_capacity(text.len());
        for (index, line) in text.split('\n').enumerate() {
            if index > 0 {
                joined.push('\n');
            }
            joined.push_str(strip(line));
        }
        let mut text = joined;
        if contains(&text, "\n\n\n") {
            text = self.blank_lines.replace_all(&text, "\n\n").into_owned();
        }
        text.trim_matches('\n').to_string()
    }
}

fn contains(text: &str, needle: &str) -> bool {
    memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// Each run of spaces as one space, `first` being where the first run of two starts: what replacing "  "
/// with " " until none is left gives, in one pass.
fn collapse_spaces(text: &str, first: usize) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    out.extend_from_slice(&bytes[..first + 1]);
    for (at, &byte) in bytes.iter().enumerate().skip(first + 1) {
        if byte != b' ' || bytes[at - 1] != b' ' {
            out.push(byte);
        }
    }
    // Only ASCII spaces were left out, so the bytes are still UTF-8.
    String::from_utf8(out).expect("UTF-8 stays UTF-8 without some of its spaces")
}

fn is_space_or(c: char, others: &[char]) -> bool {
    is_space(c) || others.contains(&c)
}

/// `\(\s*[,;]\s*` -> `(`
fn open_paren_punct(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find('(') {
        let at = search + found;
        let mut end = at + 1;
        let rest = &text[end..];
        let spaces: usize = rest.chars().take_while(|&c| is_space(c)).map(char::len_utf8).sum();
        end += spaces;
        if text[end..].starts_with([',', ';']) {
            end += 1;
            end += text[end..].chars().take_while(|&c| is_space(c)).map(char::len_utf8).sum::<usize>();
            out.push_str(&text[last..at]);
            out.push('(');
            last = end;
            search = end;
        } else {
            search = at + 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `\(\s*(?:[,;]\s*)*\)` -> ``
fn empty_parens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find('(') {
        let at = search + found;
        let inside: usize = text[at + 1..].chars().take_while(|&c| is_space_or(c, &[',', ';'])).map(char::len_utf8).sum();
        let close = at + 1 + inside;
        if text[close..].starts_with(')') {
            out.push_str(&text[last..at]);
            last = close + 1;
            search = close + 1;
        } else {
            search = at + 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `[ \t]+(?=[,.](?:\s|$))` -> `` (`$`: the end, or a last newline, which is a space anyway)
fn space_before_punct(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut position = 0;
    while position < bytes.len() {
        if bytes[position] == b' ' || bytes[position] == b'\t' {
            let mut end = position;
            while end < bytes.len() && (bytes[end] == b' ' || bytes[end] == b'\t') {
                end += 1;
            }
            if end < bytes.len() && (bytes[end] == b',' || bytes[end] == b'.') {
                let after = text[end + 1..].chars().next();
                if after.is_none_or(is_space) {
                    out.push_str(&text[last..position]);
                    last = end;
                }
            }
            position = end;
        } else {
            position += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}
