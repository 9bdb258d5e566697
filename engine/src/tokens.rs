//! The scanner's tokens, found by hand with the semantics of the Python scanner's TOKEN expression
//! (alternatives tried in order at the leftmost position; the span ends at `end`, as `finditer`'s
//! endpos makes it). A link, template, reference or heading with nothing to parse inside is one token.

use crate::text::is_space;

const CANDIDATE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\n' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'|' as usize] = true;
    table[b'<' as usize] = true;
    table
};

/// The next token in [from, end): (start, stop).
pub fn next_token(source: &str, from: usize, end: usize) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut position = from;
    while position < end {
        if CANDIDATE[bytes[position] as usize] {
            if let Some(stop) = token_at(source, position, end) {
                return Some((position, stop));
            }
        }
        position += 1;
    }
    None
}

fn at(bytes: &[u8], position: usize, end: usize) -> Option<u8> {
    if position < end {
        Some(bytes[position])
    } else {
        None
    }
}

fn token_at(source: &str, start: usize, end: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    match bytes[start] {
        b'\n' => heading(bytes, start, end).or_else(|| line_start(bytes, start, end)),
        b'[' => {
            if let Some(stop) = plain_link(bytes, start, end) {
                return Some(stop);
            }
            if at(bytes, start + 1, end) == Some(b'[') {
                return Some(start + 2);
            }
            if url_follows(source, start + 1, end) {
                return Some(start + 1);
            }
            None
        }
        b'{' => {
            if let Some(stop) = plain_template(bytes, start, end) {
                return Some(stop);
            }
            run_of(bytes, start, end, b'{')
        }
        b'}' => run_of(bytes, start, end, b'}'),
        b']' => Some(if at(bytes, start + 1, end) == Some(b']') { start + 2 } else { start + 1 }),
        b'|' => Some(start + 1),
        b'<' => plain_ref(source, start, end).or_else(|| tag(source, start, end)),
        _ => None,
    }
}

fn run_of(bytes: &[u8], start: usize, end: usize, brace: u8) -> Option<usize> {
    let mut stop = start;
    while stop < end && bytes[stop] == brace {
        stop += 1;
    }
    if stop - start >= 2 {
        Some(stop)
    } else {
        None
    }
}

fn is_heading_character(byte: u8) -> bool {
    !matches!(byte, b'=' | b'\n' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'\'' | b'&')
}

/// `\n(?:==X+==|===X+===|====X+====)[ \t]*(?=\n|$)`
fn heading(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    for level in 2..=4 {
        let mut position = start + 1;
        if (0..level).any(|i| at(bytes, position + i, end) != Some(b'=')) {
            continue;
        }
        position += level;
        let content = position;
        while position < end && is_heading_character(bytes[position]) {
            position += 1;
        }
        if position == content || (0..level).any(|i| at(bytes, position + i, end) != Some(b'=')) {
            continue;
        }
        position += level;
        while position < end && (bytes[position] == b' ' || bytes[position] == b'\t') {
            position += 1;
        }
        if position == end || bytes[position] == b'\n' {
            return Some(position);
        }
    }
    None
}

/// `\n(?:[ \t]*(?:\{\||\|\})|[*#:;]+(?:[ \t]*\{\|)?|=)`
fn line_start(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut position = start + 1;
    while position < end && (bytes[position] == b' ' || bytes[position] == b'\t') {
        position += 1;
    }
    let pair = (at(bytes, position, end), at(bytes, position + 1, end));
    if pair == (Some(b'{'), Some(b'|')) || pair == (Some(b'|'), Some(b'}')) {
        return Some(position + 2);
    }
    position = start + 1;
    while position < end && matches!(bytes[position], b'*' | b'#' | b':' | b';') {
        position += 1;
    }
    if position > start + 1 {
        let mut table = position;
        while table < end && (bytes[table] == b' ' || bytes[table] == b'\t') {
            table += 1;
        }
        if at(bytes, table, end) == Some(b'{') && at(bytes, table + 1, end) == Some(b'|') {
            return Some(table + 2);
        }
        return Some(position);
    }
    if at(bytes, start + 1, end) == Some(b'=') {
        return Some(start + 2);
    }
    None
}

/// `\[\[[^\[\]{}|<>\n]+(?:\|[^\[\]{}|<>\n]*)?\]\]`
fn plain_link(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let inside = |byte: u8| !matches!(byte, b'[' | b']' | b'{' | b'}' | b'|' | b'<' | b'>' | b'\n');
    if at(bytes, start + 1, end) != Some(b'[') {
        return None;
    }
    let mut position = start + 2;
    while position < end && inside(bytes[position]) {
        position += 1;
    }
    if position == start + 2 {
        return None;
    }
    if at(bytes, position, end) == Some(b'|') {
        position += 1;
        while position < end && inside(bytes[position]) {
            position += 1;
        }
    }
    if at(bytes, position, end) == Some(b']') && at(bytes, position + 1, end) == Some(b']') {
        Some(position + 2)
    } else {
        None
    }
}

fn template_character(byte: u8) -> bool {
    !matches!(byte, b'{' | b'}' | b'[' | b']' | b'<' | b'>')
}

/// `\{\{[^{}\[\]<>]*\}\}`
fn plain_template(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    if at(bytes, start + 1, end) != Some(b'{') {
        return None;
    }
    let mut position = start + 2;
    while position < end && template_character(bytes[position]) {
        position += 1;
    }
    if at(bytes, position, end) == Some(b'}') && at(bytes, position + 1, end) == Some(b'}') {
        Some(position + 2)
    } else {
        None
    }
}

fn space_at(source: &str, position: usize, end: usize) -> Option<usize> {
    if position >= end {
        return None;
    }
    let c = source[position..].chars().next()?;
    if position + c.len_utf8() <= end && is_space(c) {
        Some(position + c.len_utf8())
    } else {
        None
    }
}

/// `<ref(?:\s[^<>/]*)?>(?:[^<>\[\]{}]|\{\{[^{}\[\]<>]*\}\})*</ref>`
fn plain_ref(source: &str, start: usize, end: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    if end < start + 4 || &bytes[start..start + 4] != b"<ref" {
        return None;
    }
    let mut position = start + 4;
    if let Some(after) = space_at(source, position, end) {
        let mut attributes = after;
        while attributes < end && !matches!(bytes[attributes], b'<' | b'>' | b'/') {
            attributes += 1;
        }
        if at(bytes, attributes, end) == Some(b'>') {
            position = attributes;
        }
    }
    if at(bytes, position, end) != Some(b'>') {
        return None;
    }
    position += 1;
    loop {
        match at(bytes, position, end) {
            None => return None,
            Some(b'<' | b'>' | b'[' | b']' | b'}') => break,
            Some(b'{') => match plain_template(bytes, position, end) {
                Some(stop) => position = stop,
                None => break,
            },
            Some(_) => position += 1,
        }
    }
    if end >= position + 6 && &bytes[position..position + 6] == b"</ref>" {
        Some(position + 6)
    } else {
        None
    }
}

/// `</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>`
fn tag(source: &str, start: usize, end: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut position = start + 1;
    if at(bytes, position, end) == Some(b'/') {
        position += 1;
    }
    if !at(bytes, position, end).is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    while position < end && bytes[position].is_ascii_alphanumeric() {
        position += 1;
    }
    if let Some(after) = space_at(source, position, end) {
        let mut rest = after;
        while rest < end && !matches!(bytes[rest], b'<' | b'>') {
            rest += 1;
        }
        if at(bytes, rest, end) == Some(b'>') {
            return Some(rest + 1);
        }
        return None;
    }
    if at(bytes, position, end) == Some(b'/') {
        position += 1;
    }
    if at(bytes, position, end) == Some(b'>') {
        Some(position + 1)
    } else {
        None
    }
}

/// `(?=(?i:https?://|ftp://|mailto:|//))` at `position`, within the span.
fn url_follows(source: &str, position: usize, end: usize) -> bool {
    let rest = &source[position..end];
    url_scheme_length(rest).is_some()
}

/// The length in bytes of `(?i:(?:https?|ftp)://|mailto:|//)` at the start of `text`, case-insensitive
/// as Python's re is (`ſ` matches `s`).
pub fn url_scheme_length(text: &str) -> Option<usize> {
    for scheme in ["https://", "http://", "ftp://", "mailto:", "//"] {
        if let Some(length) = starts_with_folded(text, scheme) {
            return Some(length);
        }
    }
    None
}

fn starts_with_folded(text: &str, pattern: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let mut length = 0;
    for wanted in pattern.chars() {
        let (offset, c) = chars.next()?;
        let same = c.to_ascii_lowercase() == wanted || (wanted == 's' && c == '\u{17f}');
        if !same {
            return None;
        }
        length = offset + c.len_utf8();
    }
    Some(length)
}
