//! wikidumps' native engine (issue 17): the content job's one-pass wikitext scan, and the XML of a dump
//! read into pages and decoded revisions (xml.rs, revision.rs, reading.rs), and the history job's byte diffs
//! and identity reverts (history.rs).
//!
//! Python builds one `Engine` per wiki from its site data (namespaces, case rules, language, the
//! tables of the scanner and html.unescape) and calls `scan` once per page; no Python runs inside a
//! page. A panic is caught here and handed back as an error, so that the page becomes an `errors` row.

mod engine;
mod history;
mod inline;
mod link_rows;
mod markup;
mod page_rows;
mod quality_rows;
mod reading;
mod revision;
mod scan;
mod structure_rows;
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
use pyo3::types::{PyList, PyTuple};

use crate::engine::{Caches, Tables};
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
                        infobox_prefixes))]
    fn new(namespaces: HashMap<String, i64>, cases: HashMap<i64, bool>, first_letter: bool, language: Option<String>,
           languages: HashSet<String>, interwiki: HashSet<String>, folds: HashMap<char, String>,
           entities: HashMap<String, String>, invalid_charrefs: HashMap<u32, String>,
           invalid_codepoints: HashSet<u32>, inline_templates: HashMap<String, String>,
           transparent_tags: HashSet<String>, dropped_tags: HashSet<String>, opaque_tags: HashSet<String>,
           line_break_tags: HashSet<String>, citation_keys: HashSet<String>, citation_prefixes: Vec<String>,
           months: Vec<String>, thousands: String, magic_words: HashSet<String>, infobox_prefixes: Vec<String>)
           -> Self {
        let site = Site { namespaces, cases, first_letter_default: first_letter, language, languages, interwiki, folds };
        let entities = Entities { named: entities, invalid_charrefs, invalid_codepoints };
        let tables = Tables { inline_templates, transparent_tags, dropped_tags, opaque_tags, line_break_tags,
                              citation_keys, citation_prefixes, months, thousands, magic_words,
                              infobox_prefixes };
        Engine { engine: engine::Engine::new(site, entities, tables), caches: Mutex::new(Caches::default()) }
    }

    /// Scans one page: ("ok", (source, sections, links, templates, refs, skipped, out_of_range, rows)), or
    /// ("timeout", None), ("too-deep", None), ("panic", message). `math`: tex, placeholder or drop. `rows` holds
    /// the columns of each of `datasets` (page_rows.DATASETS) for the page: `page_title` with spaces,
    /// `page_length` the wikitext's length in code points, `revision_timestamp` in seconds.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (wikitext, seconds=None, math="tex", datasets=Vec::new(), page_namespace=0,
                        page_title=String::new(), page_length=0, revision_timestamp=None))]
    fn scan<'py>(&self, py: Python<'py>, wikitext: &str, seconds: Option<f64>, math: &str, datasets: Vec<String>,
                 page_namespace: i64, page_title: String, page_length: i64, revision_timestamp: Option<i64>)
                 -> PyResult<Bound<'py, PyTuple>> {
        if let Some(unknown) = datasets.iter().find(|name| !page_rows::DATASETS.contains(&name.as_str())) {
            return Err(pyo3::exceptions::PyValueError::new_err(format!("the engine builds no rows of {unknown:?}")));
        }
        let page = page_rows::PageKeys { namespace: page_namespace, title: page_title, length: page_length,
                                         revision_timestamp };
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
            catch_unwind(AssertUnwindSafe(|| {
                let scan = Scanner::scan(engine, state, wikitext, deadline, math)?;
                let rows = page_rows::PageRows::build(engine, state, &scan, &page, &datasets, deadline)?;
                Ok((scan, rows))
            }))
        });
        let (scan, rows) = match outcome {
            Ok(Ok(found)) => found,
            Ok(Err(stop)) => return stopped(py, stop),
            Err(panic) => {
                *caches = Caches::default(); // a panic may have left them half written
                return ("panic", panic_message(panic)).into_pyobject(py);
            }
        };
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
        let result = (scan.source, sections, links, templates, refs, scan.skipped, scan.out_of_range,
                      rows.into_python(py)?);
        ("ok", result).into_pyobject(py)
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
    module.add_class::<reading::DumpScanner>()?;
    module.add_function(wrap_pyfunction!(reading::mediawiki_sha1, module)?)?;
    module.add_function(wrap_pyfunction!(reading::invalid_utf8_at, module)?)?;
    module.add_function(wrap_pyfunction!(history::byte_diffs, module)?)?;
    module.add_function(wrap_pyfunction!(history::identity_reverts, module)?)?;
    module.add_function(wrap_pyfunction!(history::py_starts_with_redirect, module)?)?;
    module.add_function(wrap_pyfunction!(reading::parse_dump_timestamp, module)?)?;
    Ok(())
}
