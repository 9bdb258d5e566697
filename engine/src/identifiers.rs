//! Bibliographic identifiers (DOI, ISBN, PMID, PMCID, arXiv, ISSN) as the citations rows read them:
//! normalised and validated (check digits), and found in running text and URLs, with the values of
//! transforms/wikitext/citations.py before the engine built the rows (its regexes with look-arounds are
//! read by hand here) and Python's str predicates (isalpha, isdecimal, isdigit, isspace).

use std::sync::OnceLock;

use memchr::memmem;
use regex::Regex;

use crate::positions::CharIndex;
use crate::text::{is_space, strip};

pub const IDENTIFIER_KINDS: [&str; 6] = ["doi", "isbn", "pmid", "pmcid", "arxiv", "issn"];
const URL_LOOKBACK: usize = 400; // code points searched back for the start of the URL a DOI may be in

// -- Python's str predicates -------------------------------------------------------------------------

struct Classes {
    letter: Regex,
    letter_or_number: Regex,
    decimal: Regex,
}

fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(|| Classes {
        letter: Regex::new(r"\A\p{L}\z").unwrap(),
        letter_or_number: Regex::new(r"\A[\p{L}\p{N}]\z").unwrap(),
        decimal: Regex::new(r"\A\p{Nd}\z").unwrap(),
    })
}

fn in_class(class: &Regex, c: char) -> bool {
    let mut buffer = [0u8; 4];
    class.is_match(c.encode_utf8(&mut buffer))
}

/// str.isalpha() of one character (Unicode letters: Lu, Ll, Lt, Lm, Lo).
fn is_alpha(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { in_class(&classes().letter, c) }
}

/// str.isalnum() of one character.
fn is_alnum(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { in_class(&classes().letter_or_number, c) }
}

/// str.isdecimal() of one character (what Python's `\d` and int() read: Unicode Nd).
pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_digit() } else { in_class(&classes().decimal, c) }
}

/// The value int() gives a decimal digit: Nd digits come in runs of ten, zero first.
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    if !is_decimal(c) {
        return None;
    }
    let mut first = c as u32;
    while let Some(before) = first.checked_sub(1).and_then(char::from_u32) {
        if !is_decimal(before) {
            break;
        }
        first -= 1;
    }
    Some((c as u32 - first) % 10)
}

/// Digits str.isdigit() accepts that are not decimal (superscripts, circled digits, ...).
const DIGITS_NOT_DECIMAL: [(u32, u32); 20] = [
    (0xB2, 0xB3), (0xB9, 0xB9), (0x1369, 0x1371), (0x19DA, 0x19DA), (0x2070, 0x2070), (0x2074, 0x2079),
    (0x2080, 0x2089), (0x2460, 0x2468), (0x2474, 0x247C), (0x2488, 0x2490), (0x24EA, 0x24EA), (0x24F5, 0x24FD),
    (0x24FF, 0x24FF), (0x2776, 0x277E), (0x2780, 0x2788), (0x278A, 0x2792), (0x10A40, 0x10A43),
    (0x10E60, 0x10E68), (0x11052, 0x1105A), (0x1F100, 0x1F10A),
];

/// str.isdigit() of a whole string (false when empty).
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| {
        is_decimal(c) || DIGITS_NOT_DECIMAL.iter().any(|&(low, high)| (low..=high).contains(&(c as u32)))
    })
}

/// str.isdecimal() of a whole string (false when empty): the digits int() reads.
pub fn is_decimals(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_decimal)
}

/// The first `limit` code points of `text`.
pub fn prefix(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

// -- identifiers -------------------------------------------------------------------------------------

struct Patterns {
    doi: Regex,
    url_end: Regex,
    publisher_suffix: Regex,
    oup_article_number: Regex,
    doi_prefix: Regex,
    doi_value: Regex,
    arxiv_prefix: Regex,
    arxiv_value: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        // Python: 10\.\d{4,9}(?:/|%2[Ff])(?:[^\s"<>|\[\]{}]|[<>\[\]](?=\d))+ -- a bracket before a digit
        // is taken with the digit, which the first branch takes anyway. SICI-style DOIs hold <...> or
        // [...] around digits; a DOI in a URL may have its slash percent-encoded (10.1000%2F182).
        doi: Regex::new(r#"10\.\d{4,9}(?:/|%2[Ff])(?:[^\s\x1c-\x1f"<>|\[\]{}]|[<>\[\]]\d)+"#).unwrap(),
        url_end: Regex::new(r"[?#&]").unwrap(),
        // In a URL, a DOI ends before what publishers add after it: a format or view segment.
        publisher_suffix: Regex::new(
            r"(?i)(?:/(?:abstract|full|pdf|epdf|fulltext|html|summary|meta|references|figures|citedby|suppl|issuetoc|toc|lookinside/.*)|\.(?:pdf|html?|xml))+/?$",
        ).unwrap(),
        // OUP's article URLs add the article number: .../doi/10.1093/qje/qjaa029/5858010.
        oup_article_number: Regex::new(r"\A(10\.1093/[^/]+/[^/]+)/\d+\z").unwrap(),
        doi_prefix: Regex::new(r"(?i)\A(?:doi:[\s\x1c-\x1f]*|https?://(?:dx\.)?doi\.org/)").unwrap(),
        // Python's `$` also matches before a last newline.
        doi_value: Regex::new(r"\A10\.\d{4,9}/[^\s\x1c-\x1f]+\n?\z").unwrap(),
        arxiv_prefix: Regex::new(r"(?i)\Aarxiv[\s\x1c-\x1f]*:[\s\x1c-\x1f]*").unwrap(),
        arxiv_value: Regex::new(r"\A(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?\z").unwrap(),
    })
}

/// ISBN-10 or ISBN-13 check digit, given without separators (X allowed last in an ISBN-10).
fn isbn_is_valid(digits: &str) -> bool {
    let chars: Vec<char> = digits.chars().collect();
    let values: Option<Vec<u32>> = chars.iter().map(|&c| decimal_value(c)).collect();
    if chars.len() == 10 {
        let head: Option<Vec<u32>> = chars[..9].iter().map(|&c| decimal_value(c)).collect();
        let last = if chars[9] == 'X' { Some(10) } else { decimal_value(chars[9]) };
        if let (Some(head), Some(last)) = (head, last) {
            let total: u32 = head.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
            return (total + last) % 11 == 0;
        }
        return false;
    }
    if chars.len() == 13 {
        if let Some(values) = values {
            let total: u32 = values.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d }).sum();
            return total % 10 == 0;
        }
    }
    false
}

fn issn_is_valid(digits: &str) -> bool {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() != 8 {
        return false;
    }
    let head: Option<Vec<u32>> = chars[..7].iter().map(|&c| decimal_value(c)).collect();
    let Some(head) = head else { return false };
    let total: u32 = head.iter().enumerate().map(|(i, d)| (8 - i as u32) * d).sum();
    let check = (11 - total % 11) % 11;
    let expected = if check == 10 { 'X' } else { char::from_digit(check, 10).unwrap() };
    chars[7] == expected
}

/// urllib.parse.unquote: %XX escapes of each run of ASCII decoded as UTF-8, bad bytes replaced.
fn unquote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let (run, after) = rest.split_at(ascii);
        let bytes = run.as_bytes();
        let mut decoded = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                decoded.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
        out.push_str(&String::from_utf8_lossy(&decoded));
        let other = after.bytes().position(|b| b.is_ascii()).unwrap_or(after.len());
        out.push_str(&after[..other]);
        rest = &after[other..];
    }
    out
}

/// Trailing punctuation is not part of an identifier or URL (nor a parenthesis it did not open).
pub fn trim(value: &str) -> &str {
    const PUNCTUATION: &[char] = &['.', ',', ';', ':', '\'', '"'];
    let mut value = value.trim_end_matches(PUNCTUATION);
    while value.ends_with(')') && value.matches('(').count() < value.matches(')').count() {
        value = value[..value.len() - 1].trim_end_matches(PUNCTUATION);
    }
    value
}

/// The identifier in its normal form, or None when it is not a valid one of its kind.
pub fn normalise(kind: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let value = strip(value);
    match kind {
        "doi" => {
            let patterns = patterns();
            let unquoted;
            let mut value = value;
            if value.contains('%') {
                unquoted = unquote(value); // 10.1000%2F182
                value = &unquoted;
            }
            let value = match patterns.doi_prefix.find(value) {
                Some(found) => &value[found.end()..],
                None => value,
            };
            let value = trim(value);
            patterns.doi_value.is_match(value).then(|| value.to_string())
        }
        "isbn" => {
            let digits = if is_digits(value) {
                value.to_string()
            } else {
                value.chars().filter(|&c| !is_space(c) && c != '-').collect::<String>().to_uppercase()
            };
            isbn_is_valid(&digits).then_some(digits)
        }
        "pmid" => (is_decimals(value) && value.chars().any(|c| decimal_value(c) != Some(0))).then(|| value.to_string()),
        "pmcid" => {
            let upper = value.to_uppercase();
            let digits = upper.strip_prefix("PMC").unwrap_or(&upper);
            is_digits(digits).then(|| format!("PMC{digits}"))
        }
        "arxiv" => {
            let patterns = patterns();
            let value = match patterns.arxiv_prefix.find(value) {
                Some(found) => &value[found.end()..],
                None => value,
            };
            patterns.arxiv_value.is_match(value).then(|| value.to_string())
        }
        "issn" => {
            let digits = value.replace('-', "").to_uppercase();
            issn_is_valid(&digits).then(|| {
                let split = digits.char_indices().nth(4).map(|(at, _)| at).unwrap_or(digits.len());
                format!("{}-{}", &digits[..split], &digits[split..])
            })
        }
        _ => None,
    }
}

/// Whether byte `at` is in the path or query of a URL (a "://" since the last space or bracket, within
/// URL_LOOKBACK code points).
fn in_url(text: &str, at: usize) -> bool {
    let low = text[..at].char_indices().rev().nth(URL_LOOKBACK - 1).map(|(offset, _)| offset).unwrap_or(0);
    let window = &text.as_bytes()[low..at];
    let start = window.iter().rposition(|&b| matches!(b, b' ' | b'\n' | b'[' | b'|')).map(|i| low + i).unwrap_or(low);
    memmem::find(&text.as_bytes()[start..at], b"://").is_some()
}

/// The DOI at the start of a URL's path or query value, without what the URL adds after it.
pub fn doi_in_url(value: &str) -> String {
    let patterns = patterns();
    let value = match patterns.url_end.find(value) {
        Some(found) => &value[..found.start()],
        None => value,
    };
    let value = patterns.publisher_suffix.replace(value, "");
    match patterns.oup_article_number.captures(&value) {
        Some(captures) => captures[1].to_string(),
        None => value.into_owned(),
    }
}

pub fn char_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

fn skip_spaces(text: &str, mut at: usize) -> usize {
    while let Some(c) = char_at(text, at).filter(|&c| is_space(c)) {
        at += c.len_utf8();
    }
    at
}

/// `\s*[:=]?\s*`
fn skip_separator(text: &str, at: usize) -> usize {
    let mut at = skip_spaces(text, at);
    if matches!(char_at(text, at), Some(':' | '=')) {
        at += 1;
    }
    skip_spaces(text, at)
}

/// The end of a run of decimal digits from `at`, and their count.
fn digit_run(text: &str, at: usize) -> (usize, usize) {
    let mut end = at;
    let mut count = 0;
    while let Some(c) = char_at(text, end).filter(|&c| is_decimal(c)) {
        end += c.len_utf8();
        count += 1;
    }
    (end, count)
}

fn one_digit(text: &str, at: usize) -> Option<usize> {
    char_at(text, at).filter(|&c| is_decimal(c)).map(|c| at + c.len_utf8())
}

/// `[ -]?\d` (a separator only where a digit follows it).
fn separated_digit(text: &str, at: usize) -> Option<usize> {
    match char_at(text, at) {
        Some(' ' | '-') => one_digit(text, at + 1),
        _ => one_digit(text, at),
    }
}

fn digit_or_x(c: Option<char>) -> bool {
    c.is_some_and(|c| c == 'X' || c == 'x' || is_decimal(c))
}

/// ISBN_AFTER: `(?:-1[03])?\s*[:=]?\s*(97[89](?:[ -]?\d){10}|\d(?:[ -]?\d){8}[ -]?[\dXx])(?![\dXx])`
fn isbn_after(text: &str, at: usize) -> Option<&str> {
    let rest = &text[at..];
    let at = if rest.starts_with("-10") || rest.starts_with("-13") { at + 3 } else { at };
    let start = skip_separator(text, at);
    let thirteen = || {
        let rest = &text[start..];
        if !(rest.starts_with("978") || rest.starts_with("979")) {
            return None;
        }
        (0..10).try_fold(start + 3, |end, _| separated_digit(text, end))
    };
    let ten = || {
        let end = (0..8).try_fold(one_digit(text, start)?, |end, _| separated_digit(text, end))?;
        let end = match char_at(text, end) {
            Some(' ' | '-') if digit_or_x(char_at(text, end + 1)) => end + 1,
            _ => end,
        };
        digit_or_x(char_at(text, end)).then_some(end + 1)
    };
    for end in [thirteen(), ten()].into_iter().flatten() {
        if !digit_or_x(char_at(text, end)) {
            return Some(&text[start..end]);
        }
    }
    None
}

/// NUMBER_AFTER: `\s*[:=]?\s*(\d{1,9})(?!\d)`
fn number_after(text: &str, at: usize) -> Option<&str> {
    let start = skip_separator(text, at);
    let (end, count) = digit_run(text, start);
    (1..=9).contains(&count).then(|| &text[start..end])
}

/// PMCID_AFTER: `(?:ID|id)?\s*[:=]?\s*(?:PMC)?(\d{3,9})(?!\d)`
fn pmcid_after(text: &str, at: usize) -> Option<&str> {
    let rest = &text[at..];
    let at = if rest.starts_with("ID") || rest.starts_with("id") { at + 2 } else { at };
    let mut start = skip_separator(text, at);
    if text[start..].starts_with("PMC") {
        start += 3;
    }
    let (end, count) = digit_run(text, start);
    (3..=9).contains(&count).then(|| &text[start..end])
}

/// `(?:v\d+)?`
fn version(text: &str, at: usize) -> usize {
    if char_at(text, at) == Some('v') {
        let (end, count) = digit_run(text, at + 1);
        if count > 0 {
            return end;
        }
    }
    at
}

/// ARXIV_AFTER: `(?:\s*[:=]\s*|\.org/(?:abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?)`
fn arxiv_after(text: &str, at: usize) -> Option<&str> {
    let spaced = skip_spaces(text, at);
    let start = if matches!(char_at(text, spaced), Some(':' | '=')) {
        skip_spaces(text, spaced + 1)
    } else if text[at..].starts_with(".org/abs/") || text[at..].starts_with(".org/pdf/") {
        at + 9
    } else {
        return None;
    };
    let new_style = || {
        // \d{4}\.\d{4,5}: exactly four digits and a dot, then five digits where there are five.
        let four = (0..4).try_fold(start, |end, _| one_digit(text, end))?;
        if char_at(text, four) != Some('.') {
            return None;
        }
        let (_, after) = digit_run(text, four + 1);
        if after < 4 {
            return None;
        }
        let end = (0..after.min(5)).try_fold(four + 1, |end, _| one_digit(text, end))?;
        Some(version(text, end))
    };
    let old_style = || {
        let bytes = text.as_bytes();
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_lowercase() || bytes[end] == b'-') {
            end += 1;
        }
        if end == start {
            return None;
        }
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic)
            && bytes.get(end + 2).is_some_and(u8::is_ascii_alphabetic) {
            end += 3;
        }
        if bytes.get(end) != Some(&b'/') {
            return None;
        }
        let end = (0..7).try_fold(end + 1, |end, _| one_digit(text, end))?;
        Some(version(text, end))
    };
    new_style().or_else(old_style).map(|end| &text[start..end])
}

/// ISSN_AFTER: `\s*[:=]?\s*(\d{4}-?\d{3}[\dXx])(?![\dXx])`
fn issn_after(text: &str, at: usize) -> Option<&str> {
    let start = skip_separator(text, at);
    let mut end = (0..4).try_fold(start, |end, _| one_digit(text, end))?;
    if char_at(text, end) == Some('-') {
        end += 1;
    }
    let end = (0..3).try_fold(end, |end, _| one_digit(text, end))?;
    if !digit_or_x(char_at(text, end)) {
        return None;
    }
    let end = end + 1;
    (!digit_or_x(char_at(text, end))).then(|| &text[start..end])
}

type After = for<'t> fn(&'t str, usize) -> Option<&'t str>;

/// (kind, keyword in lower case, its spellings, what reads the value after it). Keywords are ASCII and
/// their spellings differ only in case: one search of the lower-cased text finds them all.
const KEYWORDS: [(&str, &str, &[&str], After); 7] = [
    ("isbn", "isbn", &["ISBN", "isbn", "Isbn"], isbn_after),
    ("pmid", "pmid", &["PMID", "pmid", "Pmid"], number_after),
    ("pmid", "pubmed.ncbi.nlm.nih.gov/", &["pubmed.ncbi.nlm.nih.gov/"], number_after),
    ("pmid", "nih.gov/pubmed/", &["nih.gov/pubmed/"], number_after),
    ("pmcid", "pmc", &["PMC", "pmc", "Pmc"], pmcid_after),
    ("arxiv", "arxiv", &["arXiv", "arxiv", "ARXIV", "ArXiv"], arxiv_after),
    ("issn", "issn", &["ISSN", "issn", "Issn"], issn_after),
];

/// (code point position, kind, normalised value) of every identifier written in a text, in order.
pub fn identifiers_in(text: &str) -> Vec<(usize, &'static str, String)> {
    identifiers_indexed(text, &CharIndex::new(text))
}

/// `identifiers_in` of a text whose code point index is already made (a scan's source).
pub fn identifiers_indexed(text: &str, chars: &CharIndex) -> Vec<(usize, &'static str, String)> {
    let mut found = Vec::new();
    for matched in patterns().doi.find_iter(text) {
        let start = matched.start();
        let before = text[..start].chars().next_back().unwrap_or(' ');
        if is_alnum(before) || before == '.' {
            continue;
        }
        let written = matched.as_str();
        let value = if in_url(text, start) { normalise("doi", &doi_in_url(written)) } else { normalise("doi", written) };
        if let Some(value) = value {
            found.push((chars.position(text, start), "doi", value));
        }
    }
    let folded = text.as_bytes().to_ascii_lowercase();
    for (kind, keyword, spellings, after) in KEYWORDS {
        let finder = memmem::Finder::new(keyword.as_bytes());
        let size = keyword.len();
        let mut from = 0;
        while let Some(found_at) = finder.find(&folded[from..]) {
            let at = from + found_at;
            from = at + size;
            // A keyword inside a longer word is none (but eISSN is an ISSN).
            let before = text[..at].chars().next_back().unwrap_or(' ');
            if (!is_alpha(before) || (kind == "issn" && (before == 'e' || before == 'E')))
                && spellings.contains(&&text[at..at + size]) {
                if let Some(value) = after(text, at + size).and_then(|value| normalise(kind, value)) {
                    found.push((chars.position(text, at), kind, value));
                }
            }
        }
    }
    found.sort();
    found
}
