//! The citations of an Enterprise record from its Parsoid HTML, read from the engine's tree (html_tree.rs):
//! the rendered reference lists, the markers that point to them, and citations outside them.
//!
//! A citation template leaves its fields in a COinS span (`span.Z3988`: an OpenURL query: rft.atitle,
//! rft.jtitle, rft.date, rft_id=info:doi/...), read here; identifiers are also found in the rendered text
//! and the links of a reference, as the wikitext path finds them in the wikitext.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::engine::Engine;
use crate::html_json::Json;
use crate::html_links::Context;
use crate::html_tree::Tree;
use crate::identifiers::{identifiers_in, normalise};
use crate::citation_rows::{type_from, year_of};
use crate::text::{is_space, join_words};
use crate::titles::unquote;

/// The COinS fields a row reads: only these are percent-decoded.
const COINS_READ: &[&str] = &["rft_id", "rft.isbn", "rft.issn", "rft.atitle", "rft.btitle", "rft.title", "rft.date",
                              "rft.aulast", "rft.aufirst", "rft.au", "rft.jtitle", "rft.pub", "rft.genre"];
const ARCHIVES: &[&str] = &["web.archive.org/", "archive.today/", "archive.ph/", "archive.is/", "webcitation.org/"];
const RETRIEVED: &[&str] = &["Retrieved", "retrieved", "Consulté", "consulté", "Abgerufen", "abgerufen"];

/// One row of `citations`, before the page's keys; `anchor` and `points_to` link a short footnote to its
/// full citation (full_citation_position).
#[derive(Default)]
pub struct CitationRow {
    pub section: i64,
    pub ref_name: Option<String>,
    pub ref_group: Option<String>,
    pub is_reuse: bool,
    pub template_name: Option<String>,
    pub source_type: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub archive_url: Option<String>,
    pub doi: Option<String>,
    pub isbn: Option<String>,
    pub pmid: Option<String>,
    pub pmcid: Option<String>,
    pub arxiv: Option<String>,
    pub issn: Option<String>,
    pub journal_or_work: Option<String>,
    pub publisher: Option<String>,
    pub publication_date: Option<String>,
    pub publication_year: Option<i32>,
    pub authors: Vec<Option<String>>,
    pub access_date: Option<String>,
    pub identifiers: Vec<String>,
    pub raw_wikitext: String,
    pub anchor: Option<String>,
    pub points_to: Option<String>,
}

fn has_class(tree: &Tree, node: usize, name: &str) -> bool {
    tree.has_token(node, "class", name)
}

/// The first node of a subtree (itself included) that `test` accepts.
fn first_in(tree: &Tree, node: usize, test: impl Fn(usize) -> bool) -> Option<usize> {
    (node..tree.nodes[node].end).find(|&inner| test(inner))
}

/// `^cite_note-(?:(?P<name>.+)-)?(?P<number>\d+)$`: (matches, name).
fn cite_note(id: &str) -> (bool, Option<String>) {
    let Some(rest) = id.strip_prefix("cite_note-") else { return (false, None) };
    if rest.contains('\n') {
        return (false, None);
    }
    let digits = rest.len() - rest.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return (false, None);
    }
    if digits == rest.len() {
        return (true, None);
    }
    // The name is greedy: the number is the digits after the last "-" that leaves a name of one character
    // or more before it and digits only after it.
    let mut best = None;
    for (at, _) in rest.match_indices('-') {
        let after = &rest[at + 1..];
        if at >= 1 && !after.is_empty() && after.bytes().all(|b| b.is_ascii_digit()) {
            best = Some(at);
        }
    }
    match best {
        Some(at) => (true, Some(rest[..at].to_string())),
        None => (digits == rest.len(), None),
    }
}

type Coins = HashMap<String, Vec<String>>;

/// The fields of a reference's COinS span: an OpenURL query, key=value pairs joined by "&".
fn coins(tree: &Tree, body: usize) -> Coins {
    let mut fields: Coins = HashMap::new();
    let Some(span) = first_in(tree, body, |n| tree.nodes[n].tag() == "span" && has_class(tree, n, "Z3988")) else {
        return fields;
    };
    let title = tree.attribute(span, "title").unwrap_or_default();
    for pair in title.split('&') {
        let Some((key, value)) = pair.split_once('=') else { continue };
        if value.is_empty() {
            continue;
        }
        let value = if COINS_READ.contains(&key) { unquote(&value.replace('+', " ")) } else { value.to_string() };
        fields.entry(key.to_string()).or_default().push(value);
    }
    fields
}

fn first_field(coins: &Coins, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| {
        coins.get(*key).and_then(|values| values.first()).filter(|value| !value.trim_matches(is_space).is_empty())
            .map(|value| join_words(value))
    })
}

/// The citation template that rendered a reference, as the wikitext path names it ("cite journal"), when
/// Parsoid kept the transclusion's data-mw in the reference's body.
fn citation_template(engine: &Engine, tree: &Tree, body: usize) -> Option<String> {
    for node in body..tree.nodes[body].end {
        if !tree.has_token(node, "typeof", "mw:Transclusion") {
            continue;
        }
        let Some(data) = tree.attribute(node, "data-mw").and_then(|data| Json::parse(&data)) else { continue };
        let Some(Json::Array(parts)) = data.get("parts") else { continue };
        for part in parts {
            let wikitext = part.get("template").and_then(|t| t.get("target")).and_then(|t| t.get("wt"))
                .and_then(Json::as_str);
            let key = wikitext.map(|wt| engine.template_key(wt)).unwrap_or_default();
            let tables = &engine.tables;
            if !key.is_empty() && (tables.citations.source_types.contains_key(&key)
                || tables.citation_prefixes.iter().any(|prefix| key.starts_with(prefix.as_str())))
            {
                return Some(key);
            }
        }
    }
    None
}

/// ". Retrieved April 29, 2022" -> "April 29, 2022" (the label is in the wiki's language).
fn access_date(text: &str) -> Option<String> {
    let text = join_words(text);
    let text = text.trim_matches(|c| c == ' ' || c == '.');
    let (head, rest) = text.split_once(' ').unwrap_or((text, ""));
    let date = if RETRIEVED.iter().any(|label| head.ends_with(label)) { rest } else { text };
    (!date.is_empty()).then(|| date.to_string())
}

/// The row of a reference list's entry (`note`), or of an element holding a citation outside them.
fn citation_row(engine: &Engine, tree: &Tree, item: usize, group: Option<&str>, section: i64, note: bool,
                raw_limit: usize) -> CitationRow {
    let name = if note { cite_note(&tree.attribute(item, "id").unwrap_or_default()).1 } else { None };
    let body = if note { first_in(tree, item, |n| has_class(tree, n, "mw-reference-text")).unwrap_or(item) } else { item };
    let text = join_words(&tree.text(body));
    let links: Vec<usize> = (body..tree.nodes[body].end)
        .filter(|&n| tree.nodes[n].tag() == "a" && tree.attribute(n, "href").is_some()).collect();
    let hrefs: Vec<String> = links.iter().map(|&n| tree.attribute(n, "href").unwrap_or_default().into_owned()).collect();
    let external: Vec<&String> = hrefs.iter()
        .filter(|href| href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//")).collect();
    let coins = coins(tree, body);
    let cite = first_in(tree, body, |n| tree.nodes[n].tag() == "cite");
    let classes: Vec<String> = cite.and_then(|cite| tree.attribute(cite, "class"))
        .map(|classes| classes.split(is_space).filter(|c| !c.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let kind = if classes.first().is_some_and(|c| c == "citation") {
        classes[1..].iter().find(|c| *c != "cs1" && *c != "cs2").cloned()
    } else {
        None
    };
    let text_length = text.chars().count();
    let unquoted: Vec<String> = external.iter().map(|href| unquote(href)).collect();
    let mut found: Vec<(usize, &str, Option<String>)> = identifiers_in(&format!("{} {}", text, unquoted.join(" ")))
        .into_iter().map(|(position, kind, value)| (position, kind, Some(value))).collect();
    for key in coins.get("rft_id").into_iter().flatten() {
        if let Some(doi) = key.strip_prefix("info:doi/") {
            found.push((text_length, "doi", normalise("doi", doi)));
        } else if let Some(pmid) = key.strip_prefix("info:pmid/") {
            found.push((text_length, "pmid", normalise("pmid", pmid)));
        }
    }
    for (kind_name, field) in [("isbn", "rft.isbn"), ("issn", "rft.issn")] {
        for value in coins.get(field).into_iter().flatten() {
            found.push((text_length, kind_name, normalise(kind_name, value)));
        }
    }
    let mut identifiers: Vec<(&str, String)> = Vec::new();
    for (_, id_kind, value) in found {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            if !identifiers.iter().any(|(k, v)| *k == id_kind && *v == value) {
                identifiers.push((id_kind, value));
            }
        }
    }
    let first = |wanted: &str| identifiers.iter().find(|(k, _)| *k == wanted).map(|(_, v)| v.clone());
    let archive = external.iter().find(|href| ARCHIVES.iter().any(|a| href.contains(a))).map(|href| href.to_string());
    let mut title = first_field(&coins, &["rft.atitle", "rft.btitle", "rft.title"]);
    let url = if !coins.is_empty() {
        // a citation template's url= is its COinS rft_id; CS1 marks the rft_id it made from an identifier
        coins.get("rft_id").into_iter().flatten()
            .find(|value| (value.starts_with("http://") || value.starts_with("https://")) && !value.contains("#id-name="))
            .cloned()
    } else { // a bare reference: its first link gives the URL and, when it has one, the title
        let link = (body..tree.nodes[body].end).find(|&n| {
            tree.nodes[n].tag() == "a" && tree.has_token(n, "rel", "mw:ExtLink")
                && !ARCHIVES.iter().any(|a| tree.attribute(n, "href").unwrap_or_default().contains(a))
        });
        let url = link.and_then(|link| tree.attribute(link, "href")).map(|href| href.into_owned());
        let shown = link.map(|link| join_words(&tree.text(link))).unwrap_or_default();
        title = (!shown.is_empty() && Some(&shown) != url.as_ref()).then_some(shown);
        url
    };
    let date = first_field(&coins, &["rft.date"]);
    let mut authors = Vec::new(); // CS1 gives the first author as aulast and aufirst, the others as au
    if coins.contains_key("rft.aulast") {
        let last = first_field(&coins, &["rft.aulast"]);
        authors.push(match first_field(&coins, &["rft.aufirst"]) {
            Some(first_name) => Some(format!("{}, {}", last.as_deref().unwrap_or("None"), first_name)),
            None => last,
        });
    }
    for author in coins.get("rft.au").into_iter().flatten() {
        if !author.trim_matches(is_space).is_empty() {
            authors.push(Some(join_words(author)));
        }
    }
    let accessed = first_in(tree, body, |n| has_class(tree, n, "reference-accessdate"));
    let template = citation_template(engine, tree, body);
    // A short footnote's text links to its full citation's anchor (`#CITEREF...`), which CS1 gives its <cite>.
    let anchor = cite.and_then(|cite| tree.attribute(cite, "id")).map(|id| id.into_owned()).unwrap_or_default();
    let points_to = if cite.is_some() {
        None
    } else {
        hrefs.iter().find(|href| href.contains("#CITEREF"))
            .map(|href| href.split_once('#').map_or("", |(_, after)| after).to_string())
    };
    let source_types = &engine.tables.citations.source_types;
    let template_type = source_types.get(template.as_deref().unwrap_or("")).cloned().flatten()
        .or_else(|| kind.as_ref().and_then(|kind| source_types.get(&format!("cite {kind}")).cloned().flatten()));
    let source_type = template_type.unwrap_or_else(|| {
        let genre = first_field(&coins, &["rft.genre"]);
        if matches!(genre.as_deref(), Some("book") | Some("bookitem")) {
            "book".to_string()
        } else if genre.as_deref() == Some("article") && first_field(&coins, &["rft.jtitle"]).is_some() {
            "journal".to_string()
        } else {
            type_from(&identifiers, url.as_deref().is_some_and(|url| !url.is_empty())).to_string()
        }
    });
    CitationRow {
        section, ref_name: name, ref_group: group.map(str::to_string), is_reuse: false, template_name: template,
        source_type: Some(source_type), title, url, archive_url: archive,
        doi: first("doi"), isbn: first("isbn"), pmid: first("pmid"), pmcid: first("pmcid"), arxiv: first("arxiv"),
        issn: first("issn"),
        journal_or_work: first_field(&coins, &["rft.jtitle"]), publisher: first_field(&coins, &["rft.pub"]),
        publication_year: date.as_deref().and_then(year_of), publication_date: date, authors,
        access_date: accessed.and_then(|accessed| access_date(&tree.text(accessed))),
        identifiers: identifiers.iter().map(|(k, v)| format!("{k}:{v}")).collect(),
        raw_wikitext: text.chars().take(raw_limit).collect(),
        anchor: anchor.starts_with("CITEREF").then_some(anchor), points_to,
    }
}

fn reuse_row(note: &str, group: Option<&str>, section: i64) -> CitationRow {
    CitationRow { section, ref_name: cite_note(note).1, ref_group: group.map(str::to_string), is_reuse: true,
                  ..CitationRow::default() }
}

/// Citations in page order, as the wikitext path counts them: one row per reference marker (a `<ref>` of
/// the wikitext, or one a template such as {{sfn}} made), the first marker of a note carrying the fields of
/// its entry in the reference list and the later ones rows of `is_reuse`; an entry no marker points to (a
/// list-defined reference) at the list's place; one row per rendered citation outside the reference lists
/// (a bibliography's {{cite book}} or {{Ouvrage}}: the COinS span citation templates leave beside what they
/// render); and one per paragraph or list item outside them that carries a bibliographic identifier without
/// a rendered citation ("ISBN 978-..." in further reading). `prose` holds the text walk's blocks.
pub fn page_citations(engine: &Engine, tree: &Tree, body: usize, context: &Context, section_numbers: &HashMap<i64, i64>,
                      prose: &HashMap<usize, String>) -> Vec<CitationRow> {
    let raw_limit = engine.tables.citations.raw_limit;
    let is_list = |n: usize| tree.nodes[n].tag() == "ol" && has_class(tree, n, "references");
    // The entries of the reference lists, by note id, in the order they were first seen.
    let mut notes: Vec<(String, usize, Option<String>)> = Vec::new();
    let mut note_at: HashMap<String, usize> = HashMap::new();
    for list in (0..tree.nodes.len()).filter(|&n| is_list(n)) {
        let group = tree.attribute(list, "data-mw-group").filter(|g| !g.is_empty()).map(|g| g.into_owned());
        for item in tree.children(list) {
            let id = tree.attribute(item, "id").unwrap_or_default();
            if tree.nodes[item].tag() == "li" && id.starts_with("cite_note-") {
                match note_at.get(id.as_ref()) {
                    Some(&at) => notes[at] = (id.to_string(), item, group.clone()),
                    None => {
                        note_at.insert(id.to_string(), notes.len());
                        notes.push((id.to_string(), item, group.clone()));
                    }
                }
            }
        }
    }
    let section = |node: usize| section_numbers.get(&context.section[node]).copied().unwrap_or(0);
    // Bibliographies are no prose, but cite works.
    let mut in_refbegin = vec![false; tree.nodes[body].end.saturating_sub(body)];
    let mut in_list = vec![false; tree.nodes[body].end.saturating_sub(body)]; // in a reference list, or one
    let mut loose: HashSet<usize> = prose.iter().filter(|(_, text)| !identifiers_in(text).is_empty())
        .map(|(&node, _)| node).collect();
    for node in body..tree.nodes[body].end {
        let parent_in = tree.nodes[node].parent.filter(|&p| p >= body).is_some_and(|p| in_refbegin[p - body]);
        in_refbegin[node - body] = parent_in || has_class(tree, node, "refbegin");
        in_list[node - body] = tree.nodes[node].parent.filter(|&p| p >= body).is_some_and(|p| in_list[p - body])
            || is_list(node);
        if parent_in && matches!(tree.nodes[node].tag(), "li" | "p") && !prose.contains_key(&node)
            && !identifiers_in(&tree.text(node)).is_empty()
        {
            loose.insert(node);
        }
    }
    let mut rows = Vec::new();
    let mut cited: HashSet<String> = HashSet::new();
    for node in body..tree.nodes[body].end {
        let tag = tree.nodes[node].tag();
        let selected = match tag {
            "sup" => has_class(tree, node, "mw-ref"),
            "ol" => is_list(node),
            "span" => has_class(tree, node, "Z3988"),
            "li" | "p" | "dd" => true,
            _ => false,
        };
        if !selected {
            continue;
        }
        if loose.contains(&node) { // a paragraph or list item with identifiers (most of these nodes are not)
            if first_in(tree, node, |n| tree.nodes[n].tag() == "span" && has_class(tree, n, "Z3988")).is_none() {
                let parent_section = tree.nodes[node].parent.map_or(0, |p| context.section[p]);
                let section = section_numbers.get(&parent_section).copied().unwrap_or(0);
                rows.push(citation_row(engine, tree, node, None, section, false, raw_limit));
            }
            continue;
        }
        match tag {
            "sup" => {
                let link = first_in(tree, node, |n| tree.nodes[n].tag() == "a" && tree.attribute(n, "href").is_some());
                let note = link.and_then(|link| tree.attribute(link, "href"))
                    .and_then(|href| href.split_once('#').map(|(_, after)| after.to_string()))
                    .unwrap_or_default();
                if let Some(&at) = note_at.get(&note) {
                    let (_, item, group) = &notes[at];
                    if cited.contains(&note) {
                        rows.push(reuse_row(&note, group.as_deref(), section(node)));
                    } else {
                        cited.insert(note.clone());
                        rows.push(citation_row(engine, tree, *item, group.as_deref(), section(node), true, raw_limit));
                    }
                }
            }
            "ol" => {
                for (note, item, group) in &notes {
                    if cited.contains(note) || !inside(tree, *item, node, &is_list) {
                        continue;
                    }
                    cited.insert(note.clone());
                    rows.push(citation_row(engine, tree, *item, group.as_deref(), section(node), true, raw_limit));
                }
            }
            "span" if !in_list[node - body] => { // a citation template's COinS
                if let Some(parent) = tree.nodes[node].parent {
                    rows.push(citation_row(engine, tree, parent, None, section(node), false, raw_limit));
                }
            }
            _ => {}
        }
    }
    rows
}

/// Whether `node` is within `container` and not within a nested reference list of it.
fn inside(tree: &Tree, node: usize, container: usize, is_list: &impl Fn(usize) -> bool) -> bool {
    let mut current = tree.nodes[node].parent;
    while let Some(up) = current {
        if is_list(up) {
            return up == container;
        }
        current = tree.nodes[up].parent;
    }
    false
}
