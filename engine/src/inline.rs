//! The text of templates that stand for words, by the rules of transforms/wikitext/inline.py (handed to
//! the engine once per wiki, with the month names and thousands separator of its language).

use crate::scan::is_named;
use crate::text::{join_words, strip};

/// The text an inline template stands for, by its rule (transforms/wikitext/inline.py documents them).
pub fn inline_text(how: &str, args: &[String], months: &[String], thousands: &str) -> String {
    let values: Vec<&str> = args.iter().filter(|arg| !is_named(arg)).map(|arg| strip(arg)).collect();
    let named = |wanted: &str| -> Option<&str> {
        args.iter().filter(|arg| is_named(arg)).find_map(|arg| {
            let (name, value) = arg.split_once('=')?;
            (strip(name).to_lowercase() == wanted).then(|| strip(value))
        })
    };
    let argument = |spec: &str| -> Option<&str> {
        match spec.parse::<usize>() {
            Ok(number) if number > 0 => values.get(number - 1).copied(),
            _ => named(spec),
        }
    };
    if let Some(spec) = how.strip_prefix("arg:") {
        return spec.split(',').filter_map(|item| argument(strip(item))).find(|v| !v.is_empty())
            .unwrap_or_default().to_string();
    }
    if let Some(separator) = how.strip_prefix("join:") {
        return values.join(separator);
    }
    if let Some(pattern) = how.strip_prefix("format:") {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|i| open + i) else { break };
            out.push_str(&rest[..open]);
            out.push_str(argument(&rest[open + 1..close]).unwrap_or_default());
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        return join_words(&out);
    }
    match how {
        "convert" => {
            // {{convert|87|km|mi}} -> "87 km"; {{convert|3|-|12|cm|in}} -> "3-12 cm";
            // {{convert|60|and(-)|80|kg}} -> "60 and 80 kg"
            if values.len() >= 4 {
                let joiner = values[1].trim_end_matches("(-)");
                if ["-", "–", "to", "and", "or", "x", "×", "by", "+/-", "±", "&", "to(-)", "and/or"].contains(&joiner) {
                    let joiner = if ["-", "–", "×"].contains(&joiner) { joiner.to_string() } else { format!(" {} ", joiner) };
                    return format!("{}{}{} {}", values[0], joiner, values[2], values[3]);
                }
            }
            values.iter().take(2).cloned().collect::<Vec<_>>().join(" ")
        }
        "number" => values.first().map(|v| group_digits(v, thousands)).unwrap_or_default(),
        "number-unit" => {
            let mut words: Vec<String> = values.iter().take(1).map(|v| group_digits(v, thousands)).collect();
            words.extend(values.iter().skip(1).filter(|v| !v.is_empty()).map(|v| v.to_string()));
            words.join(" ")
        }
        "date" => {
            let year = values.first().copied().unwrap_or_default();
            let month = values.get(1).and_then(|m| m.parse::<usize>().ok()).filter(|m| (1..=12).contains(m))
                .and_then(|m| months.get(m - 1));
            let day = values.get(2).and_then(|d| d.parse::<u32>().ok());
            match (month, day) {
                (Some(month), Some(day)) if months.first().is_some_and(|m| m == "January") => format!("{} {}, {}", month, day, year),
                (Some(month), Some(day)) => format!("{} {} {}", day, month, year),
                (Some(month), None) => format!("{} {}", month, year),
                _ => year.to_string(),
            }
        }
        "frac" => match values.as_slice() {
            [] => String::new(),
            [denominator] => format!("1/{}", denominator),
            [numerator, denominator] => format!("{}/{}", numerator, denominator),
            [whole, numerator, denominator, ..] => format!("{} {}/{}", whole, numerator, denominator),
        },
        "first" | "second" | "last" => {
            if values.is_empty() {
                return String::new();
            }
            match how {
                "second" => values.get(1).map(|v| v.to_string()).unwrap_or_default(),
                "first" => values[0].to_string(),
                _ => values[values.len() - 1].to_string(),
            }
        }
        _ => how.to_string(), // a template standing for fixed text
    }
}

/// A number as MediaWiki's formatnum shows it: the digits before the decimal point grouped by thousands.
/// Anything but a plain number (already grouped, a range, words) is left as written.
pub fn group_digits(value: &str, separator: &str) -> String {
    let (sign, rest) = match value.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", value),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    if whole.len() < 4 || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit())) {
        return value.to_string();
    }
    let mut out = String::from(sign);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push_str(if separator == "," { "." } else { "," });
        out.push_str(fraction);
    }
    out
}
