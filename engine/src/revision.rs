//! One <revision> decoded from its children, as the reader did in Python: ids, timestamp, contributor,
//! deleted fields, text with its size, and the sha1 (computed, as MediaWiki defines it, when the dump
//! carries none). A revision that cannot be decoded gives the message Python's int() or the timestamp
//! parser would have given, so its errors row reads the same.

/// A revision's children as read: (local name, text, attributes, the contributor's (name, text) children).
#[derive(Default)]
pub struct RevisionFields {
    pub children: Vec<(String, Option<String>, Vec<(String, String)>, Vec<(String, Option<String>)>)>,
    pub contributor: Vec<(String, Option<String>)>,
}

#[derive(Default)]
pub struct Revision {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub timestamp: i64,
    pub user_id: Option<i64>,
    pub user_text: Option<String>,
    pub user_is_anonymous: bool,
    pub user_is_deleted: bool,
    pub minor: bool,
    pub comment: Option<String>,
    pub comment_is_deleted: bool,
    pub text: Option<String>,
    pub text_is_deleted: bool,
    pub text_bytes: Option<i64>,
    pub sha1: Option<String>,
    pub model: Option<String>,
    pub format: Option<String>,
    /// Whether the sha1 was computed here (the dump had none).
    pub sha1_computed: bool,
    /// Whether the text is empty, and whether it starts with a redirect line (None without a text): the
    /// reader may drop a text it does not need once these are known.
    pub empty_text: bool,
    pub redirect_line: Option<bool>,
    /// Tags of children nobody knows, counted by the reader.
    pub unknown_tags: Vec<String>,
}

pub enum RevisionOutcome {
    Decoded(Box<Revision>),
    /// Why it cannot be decoded, its id when it has a readable one, and the unknown tags met before.
    Bad(String, Option<i64>, Vec<String>),
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a String> {
    attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// Decodes a revision; without `keep_text` its text is dropped once measured (size, sha1, redirect line).
pub fn decode_revision(fields: RevisionFields, keep_text: bool) -> RevisionOutcome {
    let readable_id = fields.children.iter().find(|child| child.0 == "id").and_then(|child| {
        let text = child.1.as_deref().unwrap_or("");
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) { text.parse().ok() } else { None }
    });
    let mut unknown = Vec::new();
    match decode(fields, &mut unknown) {
        Ok(mut revision) => {
            if !keep_text {
                revision.text = None;
            }
            RevisionOutcome::Decoded(Box::new(Revision { unknown_tags: unknown, ..revision }))
        }
        Err(message) => RevisionOutcome::Bad(message, readable_id, unknown),
    }
}

fn decode(fields: RevisionFields, unknown: &mut Vec<String>) -> Result<Revision, String> {
    let mut revision = Revision::default();
    let mut id = None;
    let mut timestamp = None;
    let mut sha1_seen = false;
    for (tag, text, attributes, contributor) in fields.children {
        match tag.as_str() {
            "id" => id = Some(python_int(text.as_deref())?),
            "timestamp" => timestamp = Some(parse_timestamp(text.as_deref().unwrap_or(""))?),
            "contributor" => {
                if attribute(&attributes, "deleted").is_some() {
                    revision.user_is_deleted = true;
                    continue;
                }
                for (field, value) in contributor {
                    match field.as_str() {
                        "username" => revision.user_text = value,
                        "id" => revision.user_id = Some(python_int(value.as_deref())?),
                        "ip" => {
                            revision.user_text = value;
                            revision.user_is_anonymous = true;
                        }
                        _ => unknown.push(field),
                    }
                }
            }
            "text" => {
                if attribute(&attributes, "deleted").is_some() {
                    revision.text_is_deleted = true;
                }
                if let Some(bytes) = attribute(&attributes, "bytes") {
                    revision.text_bytes = Some(python_int(Some(bytes))?);
                }
                // Stub dumps point at the text (location/id) instead of carrying it.
                let stub = attribute(&attributes, "location").is_some() || attribute(&attributes, "id").is_some();
                revision.text = match text {
                    None if !revision.text_is_deleted && !stub => Some(String::new()),
                    other => other,
                };
                if revision.sha1.is_none() {
                    if let Some(sha1) = attribute(&attributes, "sha1").filter(|s| !s.is_empty()) {
                        revision.sha1 = Some(sha1.clone());
                    }
                }
            }
            "sha1" => {
                // Deleted text has an empty <sha1/> while export 0.11 keeps the slot's sha1 on <text>.
                sha1_seen = true;
                if let Some(sha1) = text.filter(|s| !s.is_empty()) {
                    revision.sha1 = Some(sha1);
                }
            }
            "parentid" => revision.parent_id = Some(python_int(text.as_deref())?),
            "comment" => {
                if attribute(&attributes, "deleted").is_some() {
                    revision.comment_is_deleted = true;
                } else {
                    revision.comment = Some(text.unwrap_or_default());
                }
            }
            "minor" => revision.minor = true,
            "model" => revision.model = text,
            "format" => revision.format = text,
            "origin" | "content" => {} // origin repeats the id; <content> holds other slots
            _ => unknown.push(tag),
        }
    }
    if revision.comment.is_none() && !revision.comment_is_deleted {
        revision.comment = Some(String::new()); // dumps leave <comment> out when the summary was empty
    }
    let Some(id) = id else { return Err("revision has no <id>".to_string()) };
    revision.id = id;
    let Some(timestamp) = timestamp else { return Err(format!("revision {id} has no <timestamp>")) };
    revision.timestamp = timestamp;
    if let Some(text) = &revision.text {
        revision.empty_text = text.is_empty();
        revision.redirect_line = Some(crate::history::starts_with_redirect(text));
        if revision.text_bytes.is_none() {
            revision.text_bytes = Some(text.len() as i64);
        }
        if !sha1_seen && revision.sha1.is_none() {
            // Export versions before 0.5 carry no <sha1>; MediaWiki's definition is reproducible.
            revision.sha1 = Some(mediawiki_sha1(text.as_bytes()));
            revision.sha1_computed = true;
        }
    }
    Ok(revision)
}

/// Python's whitespace (str.strip()): Unicode White_Space and the separators \x1c-\x1f.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// int(text) as Python reads a decimal: surrounding whitespace, a sign, digits with single underscores
/// between them. Its failures carry Python's messages.
pub fn python_int(text: Option<&str>) -> Result<i64, String> {
    let Some(text) = text else {
        return Err("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'".into());
    };
    let invalid = || format!("invalid literal for int() with base 10: {}", python_repr(text, 200));
    let trimmed = text.trim_matches(is_python_space);
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let bytes = digits.as_bytes();
    if bytes.is_empty() || bytes[0] == b'_' || bytes[bytes.len() - 1] == b'_' || digits.contains("__") {
        return Err(invalid());
    }
    let mut value: i64 = 0;
    for &byte in bytes {
        if byte == b'_' {
            continue;
        }
        if !byte.is_ascii_digit() {
            return Err(invalid());
        }
        // Beyond 64 bits no dataset column could hold it: an error rather than a wrapped number.
        value = value.checked_mul(10).and_then(|v| v.checked_add((byte - b'0') as i64)).ok_or_else(invalid)?;
    }
    Ok(if negative { -value } else { value })
}

/// Python's repr() of a str, cut to `limit` characters as %.200R does.
pub fn python_repr(text: &str, limit: usize) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (0x80..0xa0).contains(&(c as u32)) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    if out.chars().count() > limit {
        out = out.chars().take(limit).collect();
    }
    out
}

/// Seconds since the epoch for a dump timestamp `YYYY-MM-DDTHH:MM:SSZ` (transforms/common/timestamps.py).
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    let invalid = || format!("not a dump timestamp: {}", python_repr(text, usize::MAX));
    let b = text.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' || b[13] != b':' || b[16] != b':' || b[4] != b'-' || b[7] != b'-' {
        return Err(invalid());
    }
    let number = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let part = &b[range];
        if !part.iter().all(|c| c.is_ascii_digit()) {
            return Err(invalid());
        }
        Ok(part.iter().fold(0, |acc, c| acc * 10 + (c - b'0') as i64))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month[month as usize - 1] {
        return Err(invalid());
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(invalid());
    }
    Ok(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second)
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// MediaWiki's rev_sha1: SHA-1 of the UTF-8 text as a base-36 number, 31 digits, zero-padded.
pub fn mediawiki_sha1(text: &[u8]) -> String {
    let digest = sha1(text);
    let mut words: [u32; 5] = [0; 5];
    for (i, word) in words.iter_mut().enumerate() {
        *word = u32::from_be_bytes(digest[i * 4..i * 4 + 4].try_into().unwrap());
    }
    let mut digits = Vec::with_capacity(31);
    while words.iter().any(|&w| w != 0) {
        let mut remainder: u64 = 0;
        for word in words.iter_mut() {
            let current = (remainder << 32) | *word as u64;
            *word = (current / 36) as u32;
            remainder = current % 36;
        }
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[remainder as usize]);
    }
    while digits.len() < 31 {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap()
}

/// SHA-1 (FIPS 180-4).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let bit_length = (data.len() as u64).wrapping_mul(8);
    let mut tail = Vec::with_capacity(128);
    let whole = data.len() - data.len() % 64;
    tail.extend_from_slice(&data[whole..]);
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    tail.extend_from_slice(&bit_length.to_be_bytes());
    for block in data[..whole].chunks_exact(64).chain(tail.chunks_exact(64)) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes(block[i * 4..i * 4 + 4].try_into().unwrap());
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let temp = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}
