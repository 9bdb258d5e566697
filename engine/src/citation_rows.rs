//! The `citations` rows of a page (issue 17), from the engine's own scan: one row per `<ref>` (reuses
//! included), per citation template outside references, per short footnote ({{sfn}}, {{harvnb}}, ...)
//! outside them, and per line outside all of these that carries a bibliographic identifier.
//!
//! A reference's fields come from its first citation template; identifiers (DOI, ISBN, PMID, PMCID, arXiv,
//! ISSN) from the templates' parameters, identifier templates ({{ISBN|...}}) and the text itself (a DOI in
//! a doi.org or publisher URL, "ISBN 978-...", "PMID 123", a PubMed URL). Short footnotes point at the
//! page's first full citation whose Harvard anchor (CITEREF + surnames + year, or its ref=) is theirs.
//!
//! Every value is the one transforms/wikitext/citations.py gave before this port (at 9aee7ac): Python's
//! regexes with look-arounds are read by hand here, Python's str predicates (isalpha, isdigit, isspace)
//! are followed (identifiers.rs), and positions count code points. The tables (template names, parameter names) are
//! Python's, handed over once in `Engine.new`. `normalise_identifier` and `text_identifiers` are also
//! Python functions of the module, for the Enterprise HTML path.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::time::Instant;

use pyo3::prelude::*;

use crate::engine::Engine;
use crate::rows::CitationColumns;
use crate::identifiers::{char_at, decimal_value, identifiers_in, identifiers_indexed, is_decimal, is_decimals,
                         normalise, prefix, trim, IDENTIFIER_KINDS};
use crate::scan::{Scan, Stop, Template};
use crate::text::{is_space, join_words, strip};

const CHECK_EVERY: usize = 256; // citations between two looks at the clock

/// The citation tables of transforms/wikitext/citations.py, handed over once.
pub struct CitationTables {
    /// Citation templates by key -> source type (None: decided from the parameters).
    pub source_types: HashMap<String, Option<String>>,
    /// Identifier templates by key -> identifier kind ({{ISBN|...}} -> isbn).
    pub identifier_templates: HashMap<String, String>,
    /// Parameter names (lower case, words joined by hyphens) -> field (title, doi, date, ...).
    pub parameter_fields: HashMap<String, String>,
    /// By wiki language, templates that share a citation template's name but quote text there.
    pub quotation_templates: HashMap<String, HashSet<String>>,
    pub short_footnotes: HashSet<String>,
    /// What a full citation's ref= may hold instead of its default anchor ({{sfnref}}, {{harvid}}).
    pub anchor_templates: HashSet<String>,
    /// raw_wikitext is cut at this many code points.
    pub raw_limit: usize,
}

// -- fields ------------------------------------------------------------------------------------------

/// What a citation template (or a short footnote) gives: field values, parameter names, authors.
#[derive(Default)]
struct Fields {
    values: HashMap<String, String>,
    names: HashSet<String>,
    authors: Vec<String>,
    /// What CS1 makes the citation's anchor of: the first four authors' surnames.
    surnames: Vec<String>,
}

impl Fields {
    fn get(&self, field: &str) -> Option<&str> {
        self.values.get(field).map(String::as_str)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Last,
    First,
    Full,
    List,
}

/// A parameter number as int() reads it, comparable however long it is: (digits, without leading zeros).
type Number = (usize, String);

fn number(digits: &str) -> Number {
    if digits.is_empty() {
        return (1, "1".to_string());
    }
    let ascii: String = digits.chars().map(|c| char::from_digit(decimal_value(c).unwrap_or(0), 10).unwrap()).collect();
    let trimmed = ascii.trim_start_matches('0');
    (trimmed.len(), trimmed.to_string())
}

/// ("last" | "first" | "full" | "list", number) for parameters that name authors.
fn author_parameter(key: &str) -> Option<(Part, Number)> {
    if matches!(key, "authors" | "vauthors" | "autori") {
        return Some((Part::List, (0, String::new())));
    }
    const NAMES: [(Part, &[&str]); 3] = [
        (Part::Last, &["last", "surname", "author-last", "nom", "apellido", "apellidos", "cognome", "nachname"]),
        (Part::First, &["first", "given", "author-first", "prénom", "nombre", "nome", "vorname"]),
        (Part::Full, &["author", "autor", "auteur", "autore", "автор"]),
    ];
    for (part, prefixes) in NAMES {
        for prefix in prefixes {
            if let Some(digits) = key.strip_prefix(prefix) {
                if digits.is_empty() || is_decimals(digits) {
                    return Some((part, number(digits)));
                }
            }
        }
    }
    None
}

/// "CITEREF" + surnames + year, without spaces or underscores (ids spell spaces as underscores).
fn anchor_of(surnames: &[String], year: Option<&str>) -> Option<String> {
    let year = year.filter(|year| !year.is_empty())?;
    if surnames.is_empty() {
        return None;
    }
    let mut anchor = String::from("CITEREF");
    for part in surnames.iter().map(String::as_str).chain([year]) {
        anchor.extend(part.replace('_', " ").split(is_space));
    }
    Some(anchor)
}

/// The first year 1000-2099 of a text with no digit on either side, and its end (byte).
fn find_year(text: &str) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let mut previous_digit = false;
    for (at, c) in text.char_indices() {
        if !previous_digit && at + 4 <= bytes.len() {
            let window = &bytes[at..at + 4];
            let shaped = window.iter().all(u8::is_ascii_digit)
                && (window[0] == b'1' || (window[0] == b'2' && window[1] == b'0'));
            if shaped && !char_at(text, at + 4).is_some_and(is_decimal) {
                return Some((&text[at..at + 4], at + 4));
            }
        }
        previous_digit = is_decimal(c);
    }
    None
}

/// The four-digit year of a date (publication_year).
pub fn year_of(date: &str) -> Option<i32> {
    find_year(date).map(|(year, _)| year.parse().unwrap())
}

/// The year of a date as an anchor spells it, its disambiguation letter included ("2002a").
fn anchor_year(value: Option<&str>) -> Option<String> {
    let (year, end) = find_year(value?)?;
    let mut found = year.to_string();
    if let Some(letter) = char_at(value?, end).filter(char::is_ascii_lowercase) {
        found.push(letter);
    }
    Some(found)
}

/// (name, value) of an argument with an "=", as str.partition reads it.
fn partition(arg: &str) -> Option<(&str, &str)> {
    arg.split_once('=')
}

/// (surnames, year as written) of a short footnote: its positional parameters, the last being the year
/// ({{sfnm}}: 1a1..1a4 and 1y).
fn short_footnote(template: &Template) -> (Vec<String>, Option<String>) {
    let mut positional = Vec::new();
    let mut named: Vec<(String, String)> = Vec::new();
    for arg in template.args.iter().flatten() {
        match partition(arg) {
            Some((name, value)) if !(name.contains('[') || name.contains('{')) => {
                let name = strip(name).to_string();
                let value = join_words(value);
                match named.iter_mut().find(|(known, _)| *known == name) {
                    Some(entry) => entry.1 = value,
                    None => named.push((name, value)),
                }
            }
            _ => {
                let value = join_words(arg);
                if !value.is_empty() {
                    positional.push(value);
                }
            }
        }
    }
    if template.key == "sfnm" || template.key == "sfnmp" {
        let mut authors: Vec<(u8, &String)> = named.iter()
            .filter_map(|(key, value)| match key.as_bytes() {
                [b'1', b'a', digit @ b'1'..=b'4'] => Some((*digit, value)),
                _ => None,
            })
            .collect();
        authors.sort();
        let year = named.iter().find(|(key, _)| key == "1y").map(|(_, value)| value.clone()).filter(|v| !v.is_empty());
        return (authors.into_iter().map(|(_, value)| value.clone()).filter(|v| !v.is_empty()).collect(), year);
    }
    if positional.len() < 2 {
        return (positional, None);
    }
    let year = positional.pop();
    positional.truncate(4);
    (positional, year)
}

/// The rows' reading of a page, with the tables of its engine.
struct Reader<'a> {
    engine: &'a Engine,
    scan: &'a Scan,
    language: Option<&'a str>,
    /// The identifiers written in the page's source, found in one pass.
    hits: Vec<(usize, &'static str, String)>,
    /// The anchor templates, by start: (start, end, index among the page's templates).
    anchors: Vec<(usize, usize, usize)>,
    roles: HashMap<String, Option<(String, Option<String>, Option<(Part, Number)>)>>,
}

/// A citation row before positions are known, with the anchor it gives itself and the one it points to.
#[derive(Default)]
struct Row {
    start: usize,
    section: usize,
    ref_name: Option<String>,
    ref_group: Option<String>,
    is_reuse: bool,
    template_name: Option<String>,
    source_type: Option<String>,
    title: Option<String>,
    url: Option<String>,
    archive_url: Option<String>,
    ids: [Option<String>; 6],
    journal_or_work: Option<String>,
    publisher: Option<String>,
    publication_date: Option<String>,
    publication_year: Option<i32>,
    authors: Vec<String>,
    access_date: Option<String>,
    identifiers: Vec<String>,
    raw: String,
    anchor: Option<String>,
    points_to: Option<String>,
}

/// What a citation row is made of besides its place.
#[derive(Default)]
struct Cited<'t> {
    ref_name: Option<String>,
    ref_group: Option<String>,
    template: Option<&'t Template>,
    fields: Fields,
    identifiers: Vec<(&'static str, String)>,
    url: Option<String>,
    title: Option<String>,
    anchor: Option<String>,
    points_to: Option<String>,
}

fn unique(pairs: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    let mut seen = HashSet::new();
    pairs.into_iter().filter(|pair| seen.insert(pair.clone())).collect()
}

/// The identifier kind of a name from Python's tables (a kind the engine does not know reads nothing).
fn kind_name(kind: &str) -> Option<&'static str> {
    IDENTIFIER_KINDS.iter().find(|&&known| known == kind).copied()
}

impl<'a> Reader<'a> {
    fn source(&self, start: usize, end: usize) -> &'a str {
        let source: &'a str = &self.scan.source;
        let start = self.scan.offset(start);
        &source[start..self.scan.offset(end).max(start)]
    }

    fn raw(&self, start: usize, end: usize) -> String {
        prefix(self.source(start, end), self.engine.tables.citations.raw_limit).to_string()
    }

    /// A parameter's text (already without markup) with entities decoded and whitespace collapsed.
    fn clean(&self, value: &str) -> Option<String> {
        let value = if value.contains('&') { join_words(&self.engine.entities.unescape(value)) } else { join_words(value) };
        (!value.is_empty()).then_some(value)
    }

    fn cites(&self, key: &str) -> bool {
        let tables = &self.engine.tables;
        (tables.citations.source_types.contains_key(key) || tables.citation_prefixes.iter().any(|p| key.starts_with(p.as_str())))
            && !self.language.and_then(|language| tables.citations.quotation_templates.get(language))
                .is_some_and(|quoting| quoting.contains(key))
    }

    /// The identifiers written between two code point positions.
    fn within(&self, start: usize, end: usize) -> Vec<(&'static str, String)> {
        let low = self.hits.partition_point(|hit| hit.0 < start);
        let high = low + self.hits[low..].partition_point(|hit| hit.0 < end);
        self.hits[low..high].iter().map(|(_, kind, value)| (*kind, value.clone())).collect()
    }

    /// What a parameter name (as written) means: (key, field, author part), or None when it names nothing
    /// (empty, or spread over lines).
    fn role(&mut self, name: &str) -> Option<(String, Option<String>, Option<(Part, Number)>)> {
        if let Some(found) = self.roles.get(name) {
            return found.clone();
        }
        let stripped = strip(name);
        let mut role = None;
        if !stripped.is_empty() && !stripped.contains('\n') {
            // `Access_date ` -> `access-date`: lower case, words joined by hyphens.
            let lowered = stripped.to_lowercase().replace('_', " ");
            let key = lowered.split(is_space).filter(|word| !word.is_empty()).collect::<Vec<_>>().join("-");
            let field = self.engine.tables.citations.parameter_fields.get(&key).cloned();
            let author = if field.is_none() { author_parameter(&key) } else { None };
            role = Some((key, field, author));
        }
        self.roles.insert(name.to_string(), role.clone());
        role
    }

    /// The citation fields a citation template gives (identifiers normalised, invalid ones dropped),
    /// the names of its parameters and its authors.
    fn template_fields(&mut self, template: &Template) -> Fields {
        let mut fields = Fields::default();
        let mut parts: [Vec<(Number, String)>; 3] = Default::default(); // last, first, full
        let mut listed = Vec::new();
        for arg in template.args.iter().flatten() {
            let Some((name, value)) = partition(arg) else { continue }; // positional: no field
            let Some((key, field, author)) = self.role(name) else { continue };
            fields.names.insert(key);
            if let Some(field) = field {
                if !fields.values.contains_key(&field) {
                    if let Some(mut value) = self.clean(value) {
                        if IDENTIFIER_KINDS.contains(&field.as_str()) {
                            match normalise(&field, &value) {
                                Some(normal) => value = normal,
                                None => continue,
                            }
                        }
                        fields.values.insert(field, value);
                    }
                }
                continue;
            }
            if let (Some((part, number)), Some(value)) = (author, self.clean(value)) {
                if part == Part::List {
                    listed.extend(value.split([';', ',']).map(strip).filter(|item| !item.is_empty()).map(str::to_string));
                } else {
                    let names = &mut parts[part as usize];
                    match names.iter_mut().find(|(known, _)| *known == number) {
                        Some(entry) => entry.1 = value,
                        None => names.push((number, value)),
                    }
                }
            }
        }
        for names in parts.iter_mut() {
            names.sort();
        }
        let [last, first, full] = &parts;
        let find = |names: &[(Number, String)], number: &Number| {
            names.binary_search_by(|(known, _)| known.cmp(number)).ok().map(|at| names[at].1.clone())
        };
        // Authors in order: "Last, First" (or Last alone), else the full name, then the listed ones.
        let mut numbers: Vec<&Number> = last.iter().chain(full.iter()).map(|(number, _)| number).collect();
        numbers.sort();
        numbers.dedup();
        for number in &numbers {
            let name = match (find(last, number), find(first, number)) {
                (Some(last), Some(first)) => format!("{last}, {first}"),
                (Some(last), None) => last,
                _ => find(full, number).unwrap(),
            };
            fields.authors.push(name);
        }
        fields.authors.extend(listed);
        fields.surnames = numbers.iter().take(4).map(|number| find(last, number).or_else(|| find(full, number)).unwrap()).collect();
        fields
    }

    /// The anchor a full citation gives itself: from ref= ({{sfnref}} inside it, or an id as written;
    /// none for ref=none), else from its authors and year.
    fn citation_anchor(&self, template: &Template, fields: &Fields) -> Option<String> {
        for arg in template.args.iter().flatten() {
            let Some((name, value)) = partition(arg) else { continue };
            if strip(name).to_lowercase() != "ref" {
                continue;
            }
            let value = strip(value);
            // The first anchor template (in the scan's order) inside the citation.
            let low = self.anchors.partition_point(|&(start, _, _)| start <= template.start);
            let inner = self.anchors[low..].iter().take_while(|&&(start, _, _)| start < template.end)
                .filter(|&&(_, end, _)| end <= template.end).min_by_key(|&&(_, _, index)| index);
            if let Some(&(_, _, index)) = inner {
                let (surnames, year) = short_footnote(&self.scan.templates[index]);
                return anchor_of(&surnames, year.as_deref());
            }
            let lowered = value.to_lowercase();
            if lowered == "none" {
                return None;
            }
            if !value.is_empty() && lowered != "harv" {
                return Some(value.replace('_', " ").split(is_space).collect());
            }
        }
        let year = fields.get("year").map(str::to_string).or_else(|| anchor_year(fields.get("date")));
        anchor_of(&fields.surnames, year.as_deref())
    }

    /// The fields of a short footnote (its surnames as authors, its year) and the anchor it points to.
    fn short_footnote_fields(template: &Template) -> (Fields, Option<String>) {
        let (surnames, year) = short_footnote(template);
        let points_to = anchor_of(&surnames, anchor_year(year.as_deref()).as_deref());
        let mut fields = Fields { authors: surnames, ..Fields::default() };
        if let Some(year) = year {
            fields.values.insert("year".to_string(), year);
        }
        (fields, points_to)
    }

    fn identifier_template(&self, template: &Template) -> Option<(&'static str, String)> {
        let kind = self.engine.tables.citations.identifier_templates.get(&template.key)?;
        let args = template.args.as_ref().filter(|args| !args.is_empty())?;
        let value = self.clean(args.iter().find(|arg| !arg.contains('='))?)?;
        let kind = kind_name(kind)?;
        normalise(kind, &value).map(|value| (kind, value))
    }

    fn source_type(&self, key: &str, fields: &Fields) -> String {
        let declared = match self.engine.tables.citations.source_types.get(key) {
            Some(declared) => declared.clone(),
            None => (!key.is_empty()).then(|| "other".to_string()),
        };
        if let Some(declared) = declared {
            return declared;
        }
        let has = |field: &str| fields.get(field).is_some();
        let named = |name: &str| fields.names.contains(name);
        let kind = if has("journal_or_work") && ["doi", "pmid", "pmcid", "issn"].iter().any(|&k| has(k)) || named("journal") {
            "journal"
        } else if named("newspaper") || named("magazine") {
            "news"
        } else if named("conference") {
            "conference"
        } else if named("degree") {
            "thesis"
        } else if has("isbn") || has("publisher") {
            "book"
        } else if has("url") || named("website") {
            "web"
        } else {
            "other"
        };
        kind.to_string()
    }

    fn row(&self, section: usize, start: usize, raw: String, cited: Cited) -> Row {
        let Cited { ref_name, ref_group, template, mut fields, identifiers, url, title, anchor, points_to } = cited;
        let authors = std::mem::take(&mut fields.authors);
        let get = |field: &str| fields.get(field).map(str::to_string);
        let url = get("url").or(url);
        let date = get("date").or_else(|| get("year"));
        let source_type = match template {
            Some(template) => self.source_type(&template.key, &fields),
            None => type_from(&identifiers, url.as_deref().is_some_and(|url| !url.is_empty())).to_string(),
        };
        let ids = IDENTIFIER_KINDS.map(|kind| {
            get(kind).or_else(|| identifiers.iter().find(|(found, _)| *found == kind).map(|(_, value)| value.clone()))
        });
        Row {
            start, section, ref_name, ref_group, is_reuse: false,
            template_name: template.map(|template| template.key.clone()), source_type: Some(source_type),
            title: get("title").or(title), url, archive_url: get("archive_url"), ids,
            journal_or_work: get("journal_or_work"), publisher: get("publisher"),
            publication_year: date.as_deref().and_then(year_of), publication_date: date,
            authors, access_date: get("access_date"),
            identifiers: identifiers.iter().map(|(kind, value)| format!("{kind}:{value}")).collect(),
            raw, anchor, points_to,
        }
    }

    fn pairs(fields: &Fields) -> Vec<(&'static str, String)> {
        IDENTIFIER_KINDS.iter().filter_map(|&kind| fields.get(kind).map(|value| (kind, value.to_string()))).collect()
    }

    /// The page's citations, in page order.
    fn rows(&mut self, deadline: Option<Instant>) -> Result<Vec<Row>, Stop> {
        let scan = self.scan;
        let engine = self.engine;
        let mut by_ref: HashMap<i64, Vec<&Template>> = HashMap::new();
        let mut loose_templates = Vec::new();
        for template in &scan.templates {
            if template.reference >= 0 {
                by_ref.entry(template.reference).or_default().push(template);
            } else {
                loose_templates.push(template);
            }
        }
        let external: Vec<_> = scan.links.iter().filter(|link| !link.internal).collect();
        let mut rows = Vec::new();
        let mut covered: Vec<(usize, usize)> = scan.skipped.clone();
        let check = |count: usize| match deadline {
            Some(deadline) if count % CHECK_EVERY == CHECK_EVERY - 1 && Instant::now() > deadline => Err(Stop::Timeout),
            _ => Ok(()),
        };

        for (index, reference) in scan.refs.iter().enumerate() {
            check(index)?;
            covered.push((reference.start, reference.end));
            let raw = self.raw(reference.start, reference.end);
            if reference.is_reuse {
                rows.push(Row { start: reference.start, section: reference.section, ref_name: reference.name.clone(),
                                ref_group: reference.group.clone(), is_reuse: true, raw, ..Row::default() });
                continue;
            }
            let templates = by_ref.get(&(index as i64)).map(Vec::as_slice).unwrap_or(&[]);
            let citations: Vec<&Template> = templates.iter().copied().filter(|t| self.cites(&t.key)).collect();
            let mut primary = citations.first().copied();
            let mut fields = match primary {
                Some(template) => self.template_fields(template),
                None => Fields::default(),
            };
            let anchor = primary.and_then(|template| self.citation_anchor(template, &fields));
            let mut points_to = None;
            if primary.is_none() {
                let short_footnotes = &engine.tables.citations.short_footnotes;
                if let Some(short) = templates.iter().find(|t| short_footnotes.contains(&t.key)) {
                    primary = Some(short); // <ref>{{harvnb|Smith|2002|p=5}}</ref>: the reference is a short footnote
                    (fields, points_to) = Self::short_footnote_fields(short);
                }
            }
            let mut pairs = Vec::new();
            for (at, template) in citations.iter().enumerate() {
                if at == 0 {
                    pairs.extend(Self::pairs(&fields));
                } else {
                    let extra = self.template_fields(template);
                    pairs.extend(Self::pairs(&extra));
                }
            }
            pairs.extend(templates.iter().filter_map(|t| self.identifier_template(t)));
            pairs.extend(self.within(reference.start, reference.end));
            let (mut url, mut title) = (None, None);
            if citations.is_empty() {
                // A bare reference: its first external link gives the URL and title.
                let at = external.partition_point(|link| link.start < reference.start);
                if let Some(link) = external.get(at).filter(|link| link.start < reference.end) {
                    url = Some(link.target.clone());
                    title = link.label.as_deref().and_then(|label| self.clean(label));
                } else if let Some(found) = engine.bare_url.find(&reference.content) {
                    url = Some(trim(found.as_str()).to_string());
                }
            }
            let cited = Cited { ref_name: reference.name.clone(), ref_group: reference.group.clone(), template: primary,
                                fields, identifiers: unique(pairs), url, title, anchor, points_to };
            rows.push(self.row(reference.section, reference.start, raw, cited));
        }

        let short_footnotes = &engine.tables.citations.short_footnotes;
        for (count, template) in loose_templates.iter().enumerate() {
            check(count)?;
            if self.cites(&template.key) {
                covered.push((template.start, template.end));
                let fields = self.template_fields(template);
                let mut pairs = Self::pairs(&fields);
                pairs.extend(self.within(template.start, template.end));
                let anchor = self.citation_anchor(template, &fields);
                let cited = Cited { template: Some(template), fields, identifiers: unique(pairs), anchor, ..Cited::default() };
                rows.push(self.row(template.section, template.start, self.raw(template.start, template.end), cited));
            } else if short_footnotes.contains(&template.key) {
                // {{sfn|Smith|2002}} makes its own footnote
                covered.push((template.start, template.end));
                let (fields, points_to) = Self::short_footnote_fields(template);
                let cited = Cited { template: Some(template), fields,
                                    identifiers: unique(self.within(template.start, template.end)), points_to,
                                    ..Cited::default() };
                rows.push(self.row(template.section, template.start, self.raw(template.start, template.end), cited));
            }
        }
        rows.extend(self.loose_lines(covered, &loose_templates));
        rows.sort_by_key(|row| row.start); // stable: a reference before what starts with it
        Ok(rows)
    }

    /// Identifiers outside references and citation templates, one citation per line that has any.
    fn loose_lines(&self, covered: Vec<(usize, usize)>, loose_templates: &[&Template]) -> Vec<Row> {
        let spans = merge(covered);
        let is_covered = |position: usize| {
            let at = spans.partition_point(|&(start, _)| start <= position);
            at > 0 && position < spans[at - 1].1
        };
        let mut loose: Vec<(usize, &'static str, String)> = self.hits.iter().filter(|hit| !is_covered(hit.0)).cloned().collect();
        for template in loose_templates {
            if !is_covered(template.start) {
                if let Some((kind, value)) = self.identifier_template(template) {
                    loose.push((template.start, kind, value));
                }
            }
        }
        if loose.is_empty() {
            return Vec::new();
        }
        loose.sort();
        let source = self.scan.source.as_str();
        let mut lines: Vec<(usize, usize, Vec<(&'static str, String)>)> = Vec::new(); // (start, end) in bytes
        for (position, kind, value) in loose {
            let at = self.scan.offset(position);
            match lines.last_mut().filter(|(_, end, _)| at < *end) { // positions are in order: the same line
                Some(line) => line.2.push((kind, value)),
                None => {
                    let line_start = source[..at].rfind('\n').map_or(0, |found| found + 1);
                    let line_end = source[at..].find('\n').map_or(source.len(), |found| at + found);
                    lines.push((line_start, line_end, vec![(kind, value)]));
                }
            }
        }
        lines.into_iter().map(|(line_start, line_end, pairs)| {
            let start = self.scan.position(line_start);
            let at = self.scan.sections.partition_point(|section| section.start <= start);
            let section = self.scan.sections[at.max(1) - 1].index;
            let raw = prefix(&source[line_start..line_end], self.engine.tables.citations.raw_limit).to_string();
            self.row(section, start, raw, Cited { identifiers: unique(pairs), ..Cited::default() })
        }).collect()
    }
}

fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The type of a citation without a template, from the first identifier it carries.
pub(crate) fn type_from(identifiers: &[(&str, String)], has_url: bool) -> &'static str {
    match identifiers.first() {
        Some((kind, _)) => if *kind == "isbn" { "book" } else { "journal" },
        None => if has_url { "web" } else { "other" },
    }
}

/// Appends the page's citations to `out`, in page order, on a wiki of `language` (which decides what a
/// few template names mean). Stops at `deadline`.
pub fn add_citations(engine: &Engine, scan: &Scan, language: Option<&str>, deadline: Option<Instant>,
                     out: &mut CitationColumns) -> Result<(), Stop> {
    let mut anchors: Vec<(usize, usize, usize)> = scan.templates.iter().enumerate()
        .filter(|(_, t)| engine.tables.citations.anchor_templates.contains(&t.key))
        .map(|(index, t)| (t.start, t.end, index)).collect();
    anchors.sort_unstable();
    let mut reader = Reader { engine, scan, language, hits: identifiers_indexed(&scan.source, &scan.chars), anchors, roles: HashMap::new() };
    if deadline.is_some_and(|deadline| Instant::now() > deadline) {
        return Err(Stop::Timeout);
    }
    let rows = reader.rows(deadline)?;
    // A short footnote points at the first full citation of the page with its anchor.
    let mut anchored: HashMap<&str, i32> = HashMap::new();
    for (position, row) in rows.iter().enumerate() {
        if let Some(anchor) = &row.anchor {
            anchored.entry(anchor.as_str()).or_insert(position as i32);
        }
    }
    let pointed: Vec<Option<i32>> = rows.iter()
        .map(|row| row.points_to.as_deref().and_then(|anchor| anchored.get(anchor).copied())).collect();
    for (position, (row, points_to)) in rows.into_iter().zip(pointed).enumerate() {
        out.section_index.push(row.section as i32);
        out.position.push(position as i32);
        out.ref_name.push_option(row.ref_name);
        out.ref_group.push_option(row.ref_group);
        out.is_reuse.push(row.is_reuse);
        out.template_name.push_option(row.template_name);
        out.source_type.push_option(row.source_type);
        out.title.push_option(row.title);
        out.url.push_option(row.url);
        out.archive_url.push_option(row.archive_url);
        let [doi, isbn, pmid, pmcid, arxiv, issn] = row.ids;
        out.doi.push_option(doi);
        out.isbn.push_option(isbn);
        out.pmid.push_option(pmid);
        out.pmcid.push_option(pmcid);
        out.arxiv.push_option(arxiv);
        out.issn.push_option(issn);
        out.journal_or_work.push_option(row.journal_or_work);
        out.publisher.push_option(row.publisher);
        out.publication_date.push_option(row.publication_date);
        out.publication_year.push(row.publication_year);
        out.authors.push(row.authors);
        out.access_date.push_option(row.access_date);
        out.identifiers.push(row.identifiers);
        out.raw_wikitext.push(row.raw);
        out.full_citation_position.push(points_to);
    }
    Ok(())
}

// -- Python ------------------------------------------------------------------------------------------

/// The identifier in its normal form, or None when it is not a valid one of its kind (doi, isbn, pmid,
/// pmcid, arxiv, issn): the Enterprise HTML path's reading of COinS identifiers.
#[pyfunction]
#[pyo3(signature = (kind, value))]
pub fn normalise_identifier(kind: &str, value: Option<&str>) -> PyResult<Option<String>> {
    if !IDENTIFIER_KINDS.contains(&kind) {
        return Err(pyo3::exceptions::PyValueError::new_err(kind.to_string()));
    }
    Ok(value.and_then(|value| normalise(kind, value)))
}

/// (position, kind, normalised value) of every identifier written in a text, in order; positions count
/// code points.
#[pyfunction]
pub fn text_identifiers(py: Python<'_>, text: &str) -> Vec<(usize, &'static str, String)> {
    py.allow_threads(|| identifiers_in(text))
}

/// The four-digit year (1000-2099, no digit on either side) of a date, or None.
#[pyfunction]
#[pyo3(signature = (date))]
pub fn publication_year(date: Option<&str>) -> Option<i32> {
    date.and_then(year_of)
}

/// The type of a citation without a template, from the first of its (kind, value) identifiers: book
/// for an ISBN, journal for another, else web with a URL and other without.
#[pyfunction]
#[pyo3(signature = (identifiers, url))]
pub fn type_from_identifiers(identifiers: Vec<(String, String)>, url: Option<&str>) -> &'static str {
    let pairs: Vec<(&str, String)> = identifiers.iter().map(|(kind, value)| (kind.as_str(), value.clone())).collect();
    type_from(&pairs, url.is_some_and(|url| !url.is_empty()))
}
