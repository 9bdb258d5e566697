//! The character level of the XML scanner (xml.rs): names, start tags and their attributes, character data
//! with its references and line ends, as expat reads them.

pub type Failure = &'static str;

pub fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

pub fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn is_name_byte(byte: u8) -> bool {
    !(is_space(byte) || matches!(byte, b'/' | b'>' | b'<' | b'=' | b'"' | b'\'' | b'&' | b'!' | b'?'
        | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b';' | b'`' | b'|' | b'*' | b'+' | b'$' | b'%'
        | b'#' | b'@' | b'^' | b'~' | b'\\') || byte < 0x20)
}

fn is_name_start(byte: u8) -> bool {
    is_name_byte(byte) && !byte.is_ascii_digit() && byte != b'-' && byte != b'.'
}

fn name_at(tag: &[u8], at: usize) -> Result<usize, Failure> {
    if at >= tag.len() || !is_name_start(tag[at]) {
        return Err("not well-formed (invalid token)");
    }
    let mut end = at + 1;
    while end < tag.len() && is_name_byte(tag[end]) {
        end += 1;
    }
    Ok(end)
}

/// A start tag's name, attributes (values decoded) and whether it closes itself; `tag` is between < and >.
pub fn parse_start_tag(tag: &[u8]) -> Result<(String, Vec<(String, String)>, bool), Failure> {
    let name_end = name_at(tag, 0)?;
    let name = String::from_utf8_lossy(&tag[..name_end]).into_owned();
    let mut attributes: Vec<(String, String)> = Vec::new();
    let mut at = name_end;
    loop {
        let spaced = at < tag.len() && is_space(tag[at]);
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        if at == tag.len() {
            return Ok((name, attributes, false));
        }
        if tag[at] == b'/' {
            return if at + 1 == tag.len() { Ok((name, attributes, true)) } else { Err("not well-formed (invalid token)") };
        }
        if !spaced {
            return Err("not well-formed (invalid token)");
        }
        let key_end = name_at(tag, at)?;
        let key = String::from_utf8_lossy(&tag[at..key_end]).into_owned();
        at = key_end;
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        if at >= tag.len() || tag[at] != b'=' {
            return Err("not well-formed (invalid token)");
        }
        at += 1;
        while at < tag.len() && is_space(tag[at]) {
            at += 1;
        }
        if at >= tag.len() || (tag[at] != b'"' && tag[at] != b'\'') {
            return Err("not well-formed (invalid token)");
        }
        let quote = tag[at];
        let Some(close) = memchr::memchr(quote, &tag[at + 1..]) else { return Err("unclosed token") };
        let raw = &tag[at + 1..at + 1 + close];
        if raw.contains(&b'<') {
            return Err("not well-formed (invalid token)");
        }
        let mut value = String::new();
        decode_text(raw, &mut value).map_err(|(failure, _)| failure)?;
        // Attribute-value normalisation: each whitespace character becomes a space.
        let value = value.replace(['\t', '\n', '\r'], " ");
        if attributes.iter().any(|(existing, _)| *existing == key) {
            return Err("duplicate attribute");
        }
        attributes.push((key, value));
        at += close + 2;
    }
}

/// A failure and where in the bytes looked at it stands (expat reports the character at fault).
pub type Located = (Failure, usize);

const INVALID: Failure = "not well-formed (invalid token)";

/// Where the first byte no XML document may hold stands: control characters other than tab, line feed
/// and carriage return.
fn first_bad_char(raw: &[u8]) -> Option<usize> {
    raw.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
}

pub fn check_chars(raw: &[u8]) -> Result<(), Located> {
    first_bad_char(raw).map_or(Ok(()), |at| Err((INVALID, at)))
}

/// Checks character data whose value nobody reads: its characters and references, the first fault first.
pub fn check_text(raw: &[u8]) -> Result<(), Located> {
    let limit = first_bad_char(raw);
    let clean = &raw[..limit.unwrap_or(raw.len())];
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'&', &clean[at..]) {
        let start = at + found;
        let end = reference_end(clean, start)?;
        decode_reference(&clean[start + 1..end - 1]).map_err(|failure| (failure, start))?;
        at = end;
    }
    limit.map_or(Ok(()), |at| Err((INVALID, at)))
}

fn reference_end(raw: &[u8], start: usize) -> Result<usize, Located> {
    match memchr::memchr(b';', &raw[start..]) {
        Some(found) => Ok(start + found + 1),
        None => Err((INVALID, start)),
    }
}

/// Appends character data to `out`: references decoded, line ends normalised to \n, as expat does. The
/// first fault is reported, wherever a piece of the input ended.
pub fn decode_text(raw: &[u8], out: &mut String) -> Result<(), Located> {
    let limit = first_bad_char(raw);
    let clean = &raw[..limit.unwrap_or(raw.len())];
    // The feeder hands over valid UTF-8 (it repairs what is not), which one check of the whole text confirms
    // faster than a check of each piece; the pieces are then cut at ASCII bytes, so each is valid too.
    let valid = std::str::from_utf8(clean).ok();
    let mut at = 0;
    while at < clean.len() {
        let next = memchr::memchr2(b'&', b'\r', &clean[at..]).map_or(clean.len(), |found| at + found);
        match valid {
            Some(text) => out.push_str(&text[at..next]),
            None => out.push_str(&String::from_utf8_lossy(&clean[at..next])),
        }
        if next == clean.len() {
            break;
        }
        if clean[next] == b'\r' {
            out.push('\n');
            at = next + if clean.get(next + 1) == Some(&b'\n') { 2 } else { 1 };
            continue;
        }
        let end = reference_end(clean, next)?;
        out.push(decode_reference(&clean[next + 1..end - 1]).map_err(|failure| (failure, next))?);
        at = end;
    }
    limit.map_or(Ok(()), |at| Err((INVALID, at)))
}

/// The character a reference (`amp`, `#233`, `#xE9`) stands for.
fn decode_reference(name: &[u8]) -> Result<char, Failure> {
    match name {
        b"amp" => return Ok('&'),
        b"lt" => return Ok('<'),
        b"gt" => return Ok('>'),
        b"quot" => return Ok('"'),
        b"apos" => return Ok('\''),
        _ => {}
    }
    let Some(number) = name.strip_prefix(b"#") else {
        if name.is_empty() || name_at(name, 0) != Ok(name.len()) {
            return Err("not well-formed (invalid token)");
        }
        return Err("undefined entity");
    };
    let (digits, radix) = match number.strip_prefix(b"x") {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.iter().all(|b| (*b as char).is_digit(radix)) {
        return Err("not well-formed (invalid token)");
    }
    let value = std::str::from_utf8(digits).ok().and_then(|text| u32::from_str_radix(text, radix).ok());
    match value.and_then(char::from_u32) {
        Some(c) if matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}') => Ok(c),
        _ => Err("reference to invalid character number"),
    }
}
