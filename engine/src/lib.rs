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
mod html_citations;
mod html_json;
mod html_links;
mod html_rows;
mod html_structures;
mod html_text;
mod html_tree;
mod identifiers;
mod inline;
mod link_rows;
mod markup;
mod positions;
mod quality_rows;
mod reading;
mod record_fields;
mod revision;
mod rows;
mod scan;
mod structure_rows;
mod structures;
mod text;
mod titles;
mod tokens;
mod xml;

use foldhash::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::citation_rows::CitationTables;
use crate::engine::{Caches, Tables};
use crate::rows::{ContentRows, PageKeys};
use crate::reading::panic_message;
use crate::scan::{Math, Scanner, Stop};

// A scan makes and drops many small strings and vectors per page; mimalloc's thread-local free lists make
// that a fraction of what the system allocator costs (docs/performance.md). Python's own objects keep
// Python's allocator: this is the engine's Rust heap only.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::text::Entities;
use crate::titles::{Site, Target};

#[pyclass(module = "transforms.wikitext._engine", frozen)]
struct Engine {
    engine: engine::Engine,
    caches: Mutex<Caches>,
}

impl Engine {
    /// One page's scan, and what `then` makes of it with the same caches, deadline and guard; or what `scan`
    /// hands back when the page stopped either or either panicked.
    fn run_scan<'py, T: Send>(&self, py: Python<'py>, wikitext: &str, seconds: Option<f64>, math: &str,
                              then: impl FnOnce(&engine::Engine, &mut Caches, scan::Scan, Option<Instant>)
                                  -> Result<T, Stop> + Send)
                              -> PyResult<Result<T, Bound<'py, PyTuple>>> {
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
        let outcome = py.allow_threads(|| catch_unwind(AssertUnwindSafe(|| {
            let scan = Scanner::scan(engine, state, wikitext, deadline, math)?;
            then(engine, state, scan, deadline)
        })));
        match outcome {
            Ok(Ok(found)) => Ok(Ok(found)),
            Ok(Err(stop)) => Ok(Err(stopped(py, stop)?)),
            Err(panic) => {
                *caches = Caches::default(); // a panic may have left them half written
                Ok(Err(("panic", panic_message(panic)).into_pyobject(py)?))
            }
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

/// What `scan` hands back when the page stopped them: ("timeout", None) or ("too-deep", None).
fn stopped<'py>(py: Python<'py>, stop: Stop) -> PyResult<Bound<'py, PyTuple>> {
    let status = match stop {
        Stop::Timeout => "timeout",
        Stop::TooDeep => "too-deep",
    };
    (status, py.None()).into_pyobject(py)
}

/// A scan as Python reads it (transforms/wikitext/engine.py `scan_page`): (source, sections, links,
/// templates, refs, skipped, out_of_range).
fn scan_tuple<'py>(py: Python<'py>, scan: scan::Scan) -> PyResult<Bound<'py, PyTuple>> {
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
    (scan.source, sections, links, templates, refs, scan.skipped, scan.out_of_range).into_pyobject(py)
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
                        opaque_tags, line_break_tags, citation_keys, citation_prefixes, months, thousands, magic_words,
                        infobox_prefixes, source_types, identifier_templates, parameter_fields, quotation_templates,
                        short_footnotes, anchor_templates, raw_limit))]
    fn new(namespaces: HashMap<String, i64>, cases: HashMap<i64, bool>, first_letter: bool, language: Option<String>,
           languages: HashSet<String>, interwiki: HashSet<String>, folds: HashMap<char, String>,
           entities: HashMap<String, String>, invalid_charrefs: HashMap<u32, String>,
           invalid_codepoints: HashSet<u32>, inline_templates: HashMap<String, String>,
           transparent_tags: HashSet<String>, dropped_tags: HashSet<String>, opaque_tags: HashSet<String>,
           line_break_tags: HashSet<String>, citation_keys: HashSet<String>, citation_prefixes: Vec<String>,
           months: Vec<String>, thousands: String, magic_words: HashSet<String>, infobox_prefixes: Vec<String>,
           source_types: HashMap<String, Option<String>>, identifier_templates: HashMap<String, String>,
           parameter_fields: HashMap<String, String>, quotation_templates: HashMap<String, HashSet<String>>,
           short_footnotes: HashSet<String>, anchor_templates: HashSet<String>, raw_limit: usize) -> Self {
        let site = Site { namespaces, cases, first_letter_default: first_letter, language, languages, interwiki, folds };
        let entities = Entities { named: entities, invalid_charrefs, invalid_codepoints };
        let tables = Tables { inline_templates, transparent_tags, dropped_tags, opaque_tags, line_break_tags,
                              citation_keys, citation_prefixes, months, thousands, magic_words,
                              infobox_prefixes,
                              citations: CitationTables { source_types, identifier_templates, parameter_fields,
                                                          quotation_templates, short_footnotes, anchor_templates,
                                                          raw_limit } };
        Engine { engine: engine::Engine::new(site, entities, tables), caches: Mutex::new(Caches::default()) }
    }

    /// Scans one page: ("ok", (source, sections, links, templates, refs, skipped, out_of_range)), or
    /// ("timeout", None), ("too-deep", None), ("panic", message). `math`: tex, placeholder or drop.
    #[pyo3(signature = (wikitext, seconds=None, math="tex"))]
    fn scan<'py>(&self, py: Python<'py>, wikitext: &str, seconds: Option<f64>, math: &str) -> PyResult<Bound<'py, PyTuple>> {
        match self.run_scan(py, wikitext, seconds, math, |_, _, scan, _| Ok(scan))? {
            Ok(scan) => ("ok", scan_tuple(py, scan)?).into_pyobject(py),
            Err(stopped) => Ok(stopped),
        }
    }

    /// Scans one page and appends its rows to `rows` for the content datasets named in `datasets` (rows.rs;
    /// plain_text always): ("ok", [(dataset, rows, bytes of its text column) of each dataset that gained
    /// rows]); or what `scan` hands back when the page stopped the scan or its rows, adding nothing. `title`
    /// is the page's title with spaces; `length` the length in code points of its wikitext as read
    /// (article_quality's page_length).
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (rows, page_id, namespace, title, revision_id, timestamp, length, wikitext, seconds, math,
                        datasets))]
    fn scan_into<'py>(&self, py: Python<'py>, mut rows: PyRefMut<'py, ContentRows>, page_id: i64, namespace: i32,
                      title: &str, revision_id: i64, timestamp: Option<i64>, length: i64, wikitext: &str,
                      seconds: Option<f64>, math: &str, datasets: Vec<String>) -> PyResult<Bound<'py, PyTuple>> {
        let page = PageKeys { page_id, namespace, title, revision_id, timestamp, length };
        let rows = &mut *rows;
        let found = self.run_scan(py, wikitext, seconds, math, |engine, caches, scan, deadline| {
            rows.add(engine, caches, &scan, &page, &datasets, deadline)
        });
        match found {
            Ok(Ok(added)) => ("ok", added).into_pyobject(py),
            Ok(Err(stopped)) => {
                rows.undo(); // the rows a panic left half made (a stop has taken its own back)
                Ok(stopped)
            }
            Err(error) => Err(error),
        }
    }

    /// (namespace, title) a `{{name}}` transcludes on the wiki, or None for parser functions, magic words and
    /// names that are no title: what the links rows and the infobox calls read (the Enterprise HTML path too).
    /// A fault caught here raises RuntimeError (PyO3's PanicException is no Exception: it would end the job).
    fn template(&self, name: &str) -> PyResult<Option<(i64, String)>> {
        let mut caches = self.locked_caches();
        let state: &mut Caches = &mut caches;
        match catch_unwind(AssertUnwindSafe(|| self.engine.template(state, name))) {
            Ok(found) => Ok(found),
            Err(panic) => {
                *caches = Caches::default(); // a panic may have left them half written
                Err(pyo3::exceptions::PyRuntimeError::new_err(format!("panic: {}", panic_message(panic))))
            }
        }
    }
}

#[pymodule]
fn _engine(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Engine>()?;
    module.add_class::<ContentRows>()?;
    module.add_class::<reading::DumpScanner>()?;
    module.add_function(wrap_pyfunction!(html_rows::html_rows, module)?)?;
    module.add_function(wrap_pyfunction!(record_fields::record_fields, module)?)?;
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
