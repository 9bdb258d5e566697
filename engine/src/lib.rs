//! wikidumps' native engine (issue 17): the content job's one-pass wikitext scan, and the XML of a dump
//! read into pages and decoded revisions (xml.rs, revision.rs, reading.rs), and the history job's byte diffs
//! and identity reverts (history.rs).
//!
//! Python builds one `Engine` per wiki from its site data (namespaces, case rules, language, the
//! tables of the scanner and html.unescape) and calls `scan` once per page; no Python runs inside a
//! page. A panic is caught here and handed back as an error, so that the page becomes an `errors` row.

mod citation_rows;
mod engine;
mod history;
mod identifiers;
mod inline;
mod markup;
mod reading;
mod revision;
mod rows;
mod scan;
mod structures;
mod text;
mod titles;
mod tokens;
mod xml;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::citation_rows::{add_citations, CitationColumns, CitationTables};
use crate::engine::{Caches, Tables};
use crate::rows::{ContentRows, PageKeys};
use crate::reading::panic_message;
use crate::scan::{Math, Scanner, Stop};
use crate::text::Entities;
use crate::titles::{Site, Target};

#[pyclass(module = "transforms.wikitext._engine", frozen)]
struct Engine {
    engine: engine::Engine,
    caches: Mutex<Caches>,
}

impl Engine {
    /// One page's scan, or what `scan` hands back when the page stopped it or the scan panicked.
    fn run_scan<'py>(&self, py: Python<'py>, wikitext: &str, seconds: Option<f64>, math: &str)
                     -> PyResult<Result<scan::Scan, Bound<'py, PyTuple>>> {
        let math = match math {
            "tex" => Math::Tex,
            "placeholder" => Math::Placeholder,
            "drop" => Math::Drop,
            _ => return Err(pyo3::exceptions::PyValueError::new_err(format!("math must be tex, placeholder or drop, not {math:?}"))),
        };
        let deadline = seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.clamp(0.0, 1e9)));
        let engine = &self.engine;
        let mut caches = self.locked_caches();
        let state: &mut Caches = &mut caches;
        let outcome = py.allow_threads(|| {
            catch_unwind(AssertUnwindSafe(|| Scanner::scan(engine, state, wikitext, deadline, math)))
        });
        match outcome {
            Ok(Ok(scan)) => Ok(Ok(scan)),
            Ok(Err(stop)) => Ok(Err(stopped(py, stop)?)),
            Err(panic) => {
                *caches = Caches::default(); // a panic may have left them half written
                Ok(Err(("panic", panic_message(panic)).into_pyobject(py)?))
            }
        }
    }

    /// The citations columns of a scan when `datasets` names citations (citation_rows.rs), or what `scan`
    /// hands back when the page's deadline passed or the rows panicked.
    fn built_rows<'py>(&self, py: Python<'py>, scan: &scan::Scan, seconds: Option<f64>, datasets: &[String])
                       -> PyResult<Result<Option<CitationColumns>, Bound<'py, PyTuple>>> {
        if !datasets.iter().any(|name| name == "citations") {
            return Ok(Ok(None));
        }
        let deadline = seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.clamp(0.0, 1e9)));
        let engine = &self.engine;
        let language = engine.site.language.as_deref();
        let outcome = py.allow_threads(|| catch_unwind(AssertUnwindSafe(|| {
            let mut columns = CitationColumns::default();
            add_citations(engine, scan, language, deadline, &mut columns).map(|()| columns)
        })));
        match outcome {
            Ok(Ok(columns)) => Ok(Ok(Some(columns))),
            Ok(Err(stop)) => Ok(Err(stopped(py, stop)?)),
            Err(panic) => Ok(Err(("panic", panic_message(panic)).into_pyobject(py)?)),
        }
    }

    /// The caches, emptied when a panic poisoned their lock: it may have left them half written.
    fn locked_caches(&self) -> std::sync::MutexGuard<'_, Caches> {
        self.caches.lock().unwrap_or_else(|poisoned| {
            let mut caches = poisoned.into_inner();
            *caches = Caches::default();
            caches
        })
    }
}

/// What `scan` and `structures` hand back when the page stopped them: ("timeout", None) or ("too-deep", None).
fn stopped<'py>(py: Python<'py>, stop: Stop) -> PyResult<Bound<'py, PyTuple>> {
    let status = match stop {
        Stop::Timeout => "timeout",
        Stop::TooDeep => "too-deep",
    };
    (status, py.None()).into_pyobject(py)
}

/// A scan as Python reads it (transforms/wikitext/engine.py `scan_page`): (source, sections, links,
/// templates, refs, skipped, out_of_range, rows: the columns of the datasets made from it here, by dataset).
fn scan_tuple<'py>(py: Python<'py>, scan: scan::Scan, built: Option<CitationColumns>) -> PyResult<Bound<'py, PyTuple>> {
    let sections = PyList::empty(py);
    for s in &scan.sections {
        sections.append((s.index, s.level, &s.title, &s.anchor, s.parent, s.start, &s.text))?;
    }
    let links = PyList::empty(py);
    for l in &scan.links {
        let resolved = match &l.resolved {
            Some(target) => target_tuple(py, target)?.into_any(),
            None => py.None().into_bound(py),
        };
        links.append((if l.internal { "internal" } else { "external" }, &l.target, resolved,
                      l.label.as_deref(), l.caption.as_deref(), l.start, l.section))?;
    }
    let templates = PyList::empty(py);
    for t in &scan.templates {
        templates.append((&t.name, &t.key, t.args.clone(), t.start, t.end, t.section, t.reference))?;
    }
    let refs = PyList::empty(py);
    for r in &scan.refs {
        refs.append((r.name.as_deref(), r.group.as_deref(), r.is_reuse, r.start, r.end, r.section, &r.content,
                     &r.text))?;
    }
    let rows = PyDict::new(py);
    if let Some(citations) = built {
        rows.set_item("citations", citation_dict(py, citations)?)?;
    }
    (scan.source, sections, links, templates, refs, scan.skipped, scan.out_of_range, rows).into_pyobject(py)
}

fn target_tuple<'py>(py: Python<'py>, target: &Target) -> PyResult<Bound<'py, PyTuple>> {
    (target.link_type.name(), target.namespace, target.title.as_deref(), target.fragment.as_deref(),
     target.prefix.as_deref()).into_pyobject(py)
}

#[pymethods]
impl Engine {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (namespaces, cases, first_letter, language, languages, interwiki, folds, entities,
                        invalid_charrefs, invalid_codepoints, inline_templates, transparent_tags, dropped_tags,
                        opaque_tags, line_break_tags, citation_keys, citation_prefixes, months, thousands,
                        magic_words, source_types, identifier_templates, parameter_fields, quotation_templates,
                        short_footnotes, anchor_templates, raw_limit))]
    fn new(namespaces: HashMap<String, i64>, cases: HashMap<i64, bool>, first_letter: bool, language: Option<String>,
           languages: HashSet<String>, interwiki: HashSet<String>, folds: HashMap<char, String>,
           entities: HashMap<String, String>, invalid_charrefs: HashMap<u32, String>,
           invalid_codepoints: HashSet<u32>, inline_templates: HashMap<String, String>,
           transparent_tags: HashSet<String>, dropped_tags: HashSet<String>, opaque_tags: HashSet<String>,
           line_break_tags: HashSet<String>, citation_keys: HashSet<String>, citation_prefixes: Vec<String>,
           months: Vec<String>, thousands: String, magic_words: HashSet<String>,
           source_types: HashMap<String, Option<String>>, identifier_templates: HashMap<String, String>,
           parameter_fields: HashMap<String, String>, quotation_templates: HashMap<String, HashSet<String>>,
           short_footnotes: HashSet<String>, anchor_templates: HashSet<String>, raw_limit: usize) -> Self {
        let site = Site { namespaces, cases, first_letter_default: first_letter, language, languages, interwiki, folds };
        let entities = Entities { named: entities, invalid_charrefs, invalid_codepoints };
        let tables = Tables { inline_templates, transparent_tags, dropped_tags, opaque_tags, line_break_tags,
                              citation_keys, citation_prefixes, months, thousands, magic_words,
                              citations: CitationTables { source_types, identifier_templates, parameter_fields,
                                                          quotation_templates, short_footnotes, anchor_templates,
                                                          raw_limit } };
        Engine { engine: engine::Engine::new(site, entities, tables), caches: Mutex::new(Caches::default()) }
    }

    /// Scans one page: ("ok", (source, sections, links, templates, refs, skipped, out_of_range, rows)), or
    /// ("timeout", None), ("too-deep", None), ("panic", message). `math`: tex, placeholder or drop. `rows`
    /// maps each of `datasets` whose rows are made here from the scan and handed back as Python columns
    /// (citations: citation_rows.rs) to them: a dict of lists, one per column other than the keys.
    #[pyo3(signature = (wikitext, seconds=None, math="tex", datasets=Vec::new()))]
    fn scan<'py>(&self, py: Python<'py>, wikitext: &str, seconds: Option<f64>, math: &str, datasets: Vec<String>)
                 -> PyResult<Bound<'py, PyTuple>> {
        let scan = match self.run_scan(py, wikitext, seconds, math)? {
            Ok(scan) => scan,
            Err(stopped) => return Ok(stopped),
        };
        match self.built_rows(py, &scan, seconds, &datasets)? {
            Ok(built) => ("ok", scan_tuple(py, scan, built)?).into_pyobject(py),
            Err(stopped) => Ok(stopped),
        }
    }

    /// Scans one page and appends its rows to `rows`, for the datasets named in `datasets` that are made
    /// here (rows.rs; plain_text always): ("ok", [(dataset, rows, bytes of its text column) of each dataset
    /// that gained rows], the scan as `scan` hands it back (with the columns of those of `datasets` made
    /// here as Python columns) when `scan_back`, else None); or what `scan` hands back when the page
    /// stopped it, adding nothing.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (rows, page_id, namespace, title, revision_id, timestamp, wikitext, seconds, math,
                        datasets, scan_back))]
    fn scan_into<'py>(&self, py: Python<'py>, mut rows: PyRefMut<'py, ContentRows>, page_id: i64, namespace: i32,
                      title: &str, revision_id: i64, timestamp: Option<i64>, wikitext: &str, seconds: Option<f64>,
                      math: &str, datasets: Vec<String>, scan_back: bool) -> PyResult<Bound<'py, PyTuple>> {
        let scan = match self.run_scan(py, wikitext, seconds, math)? {
            Ok(scan) => scan,
            Err(stopped) => return Ok(stopped),
        };
        // Before anything is appended: a page these stop adds nothing.
        let built = match self.built_rows(py, &scan, seconds, &datasets)? {
            Ok(built) => built,
            Err(stopped) => return Ok(stopped),
        };
        let page = PageKeys { page_id, namespace, title, revision_id, timestamp };
        let added = rows.add(&self.engine, &scan, &page, &datasets);
        let scan = if scan_back { scan_tuple(py, scan, built)?.into_any() } else { py.None().into_bound(py) };
        ("ok", added, scan).into_pyobject(py)
    }

    /// The infoboxes and tables of a page (issue 18, structures.rs), from the source its scan kept:
    /// `infoboxes` are the spans of the infobox calls, `templates` those of every template call, `skipped`
    /// what the scan did not read, all in code points. ("ok", (parameters of each infobox, tables)), or
    /// ("timeout", None), ("too-deep", None), ("panic", message), as `scan`.
    #[pyo3(signature = (source, infoboxes, templates, skipped, seconds=None))]
    fn structures<'py>(&self, py: Python<'py>, source: &str, infoboxes: Vec<(usize, usize)>,
                       templates: Vec<(usize, usize)>, skipped: Vec<(usize, usize)>, seconds: Option<f64>)
                       -> PyResult<Bound<'py, PyTuple>> {
        let deadline = seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.clamp(0.0, 1e9)));
        let engine = &self.engine;
        let mut caches = self.locked_caches();
        let state: &mut Caches = &mut caches;
        let outcome = py.allow_threads(|| catch_unwind(AssertUnwindSafe(|| {
            let offsets = byte_offsets(source);
            let byte = |at: usize| match &offsets {
                None => at.min(source.len()),
                Some(offsets) => offsets[at.min(offsets.len() - 1)],
            };
            let bytes = |spans: &[(usize, usize)]| {
                let mut spans: Vec<(usize, usize)> = spans.iter().map(|&(s, e)| (byte(s), byte(e).max(byte(s)))).collect();
                spans.sort_unstable();
                spans
            };
            let mut found = Vec::with_capacity(infoboxes.len());
            for &(start, end) in &infoboxes {
                let (start, end) = (byte(start), byte(end).max(byte(start)));
                found.push(structures::parameters(engine, state, &source[start..end], deadline)?);
            }
            let tables = structures::tables(engine, state, source, &bytes(&templates), &bytes(&skipped), deadline)?;
            let chars = |at: usize| match &offsets {
                None => at,
                Some(offsets) => offsets.partition_point(|&offset| offset < at),
            };
            let tables: Vec<_> = tables.into_iter().map(|table| (chars(table.start), table)).collect();
            Ok::<_, Stop>((found, tables))
        })));
        let (infoboxes, tables) = match outcome {
            Ok(Ok(found)) => found,
            Ok(Err(stop)) => return stopped(py, stop),
            Err(panic) => {
                *caches = Caches::default(); // a panic may have left them half written
                return ("panic", panic_message(panic)).into_pyobject(py);
            }
        };
        let boxes = PyList::empty(py);
        for parameters in infoboxes {
            let found = PyList::empty(py);
            for parameter in parameters {
                found.append((parameter.name, parameter.wikitext, parameter.value.text, parameter.value.links))?;
            }
            boxes.append(found)?;
        }
        let found = PyList::empty(py);
        for (start, table) in tables {
            let rows: Vec<Vec<(String, bool, i64, i64)>> = table.rows.into_iter()
                .map(|row| row.into_iter().map(|c| (c.text, c.header, c.rowspan, c.colspan)).collect()).collect();
            found.append((start, table.parent, table.class, table.caption, table.closed, rows))?;
        }
        ("ok", (boxes, found)).into_pyobject(py)
    }
}

/// The citations columns as Python lists, by column name.
fn citation_dict(py: Python<'_>, c: CitationColumns) -> PyResult<Bound<'_, PyDict>> {
    let columns = PyDict::new(py);
    columns.set_item("section_index", c.section_index)?;
    columns.set_item("position", c.position)?;
    columns.set_item("ref_name", c.ref_name)?;
    columns.set_item("ref_group", c.ref_group)?;
    columns.set_item("is_reuse", c.is_reuse)?;
    columns.set_item("template_name", c.template_name)?;
    columns.set_item("source_type", c.source_type)?;
    columns.set_item("title", c.title)?;
    columns.set_item("url", c.url)?;
    columns.set_item("archive_url", c.archive_url)?;
    columns.set_item("doi", c.doi)?;
    columns.set_item("isbn", c.isbn)?;
    columns.set_item("pmid", c.pmid)?;
    columns.set_item("pmcid", c.pmcid)?;
    columns.set_item("arxiv", c.arxiv)?;
    columns.set_item("issn", c.issn)?;
    columns.set_item("journal_or_work", c.journal_or_work)?;
    columns.set_item("publisher", c.publisher)?;
    columns.set_item("publication_date", c.publication_date)?;
    columns.set_item("publication_year", c.publication_year)?;
    columns.set_item("authors", c.authors)?;
    columns.set_item("access_date", c.access_date)?;
    columns.set_item("identifiers", c.identifiers)?;
    columns.set_item("raw_wikitext", c.raw_wikitext)?;
    columns.set_item("full_citation_position", c.full_citation_position)?;
    Ok(columns)
}

/// Code point positions of `source` as byte offsets (Python hands over str indexes).
fn byte_offsets(source: &str) -> Option<Vec<usize>> {
    if source.is_ascii() {
        return None;
    }
    let mut offsets: Vec<usize> = source.char_indices().map(|(offset, _)| offset).collect();
    offsets.push(source.len());
    Some(offsets)
}

#[pymodule]
fn _engine(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Engine>()?;
    module.add_class::<ContentRows>()?;
    module.add_class::<reading::DumpScanner>()?;
    module.add_function(wrap_pyfunction!(reading::mediawiki_sha1, module)?)?;
    module.add_function(wrap_pyfunction!(reading::invalid_utf8_at, module)?)?;
    module.add_function(wrap_pyfunction!(history::byte_diffs, module)?)?;
    module.add_function(wrap_pyfunction!(history::identity_reverts, module)?)?;
    module.add_function(wrap_pyfunction!(history::py_starts_with_redirect, module)?)?;
    module.add_function(wrap_pyfunction!(reading::parse_dump_timestamp, module)?)?;
    module.add_function(wrap_pyfunction!(citation_rows::normalise_identifier, module)?)?;
    module.add_function(wrap_pyfunction!(citation_rows::text_identifiers, module)?)?;
    module.add_function(wrap_pyfunction!(citation_rows::publication_year, module)?)?;
    module.add_function(wrap_pyfunction!(citation_rows::type_from_identifiers, module)?)?;
    Ok(())
}
