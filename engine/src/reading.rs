//! The XML scanner as a Python object: the reader (transforms/xml/reader.py) feeds it the feeder's pieces
//! and takes its events as tuples, many per call. A panic is caught and handed back as an "error" event,
//! which the reader treats as broken XML: an errors row for the page, reading resumed at the next one.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::revision::RevisionOutcome;
use crate::xml::{Event, Scanner};

#[pyclass(module = "transforms.wikitext._engine")]
pub struct DumpScanner {
    scanner: Scanner,
    broken: bool,
}

/// What a caught panic said (its message when it is a string).
pub(crate) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic.downcast_ref::<&str>().map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn event_tuple<'py>(py: Python<'py>, event: Event) -> PyResult<Bound<'py, PyTuple>> {
    match event {
        Event::Root(name, version) => ("root", name, version).into_pyobject(py),
        Event::SiteInfo(info) => ("siteinfo", info.sitename, info.dbname, info.base, info.generator, info.case,
                                  info.namespaces).into_pyobject(py),
        Event::Unknown(tag) => ("unknown", tag).into_pyobject(py),
        Event::PageStart => ("page",).into_pyobject(py),
        Event::PageField(tag, text, title) => ("field", tag, text, title).into_pyobject(py),
        Event::FirstRevision => ("first_revision",).into_pyobject(py),
        Event::Revision(RevisionOutcome::Decoded(r)) => {
            let r = *r;
            let fields = (r.id, r.parent_id, r.timestamp, r.user_id, r.user_text, r.user_is_anonymous,
                          r.user_is_deleted, r.minor, r.comment, r.comment_is_deleted, r.text, r.text_is_deleted)
                .into_pyobject(py)?;
            let rest = (r.text_bytes, r.sha1, r.model, r.format, r.sha1_computed, r.unknown_tags, r.empty_text,
                        r.redirect_line).into_pyobject(py)?;
            ("revision", fields, rest).into_pyobject(py)
        }
        Event::Revision(RevisionOutcome::Bad(message, id, unknown)) => ("bad_revision", message, id, unknown).into_pyobject(py),
        Event::PageEnd => ("page_end",).into_pyobject(py),
        Event::End => ("end",).into_pyobject(py),
        Event::Error(message, in_revision) => ("error", message, in_revision).into_pyobject(py),
        Event::Truncated(in_revision) => ("truncated", "", in_revision).into_pyobject(py),
    }
}

#[pymethods]
impl DumpScanner {
    /// Without `texts`, revision texts are dropped once measured (their size, sha1 and redirect line kept).
    #[new]
    #[pyo3(signature = (texts=true))]
    fn new(texts: bool) -> Self {
        DumpScanner { scanner: Scanner::new(texts), broken: false }
    }

    /// Appends the next piece of the document (valid UTF-8, not cutting a character).
    fn feed(&mut self, piece: &Bound<'_, PyBytes>) {
        self.scanner.feed(piece.as_bytes());
    }

    /// No more pieces will come.
    fn close(&mut self) {
        self.scanner.close();
    }

    /// Up to `limit` events as tuples; an empty list when the scanner needs the next piece (or is done).
    #[pyo3(signature = (limit=256))]
    fn events<'py>(&mut self, py: Python<'py>, limit: usize) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        if self.broken {
            return Ok(list);
        }
        let scanner = &mut self.scanner;
        let outcome = py.allow_threads(|| catch_unwind(AssertUnwindSafe(|| {
            let mut events = Vec::new();
            while events.len() < limit {
                match scanner.next_event() {
                    Some(event) => events.push(event),
                    None => break,
                }
            }
            events
        })));
        match outcome {
            Ok(events) => {
                for event in events {
                    list.append(event_tuple(py, event)?)?;
                }
            }
            Err(panic) => {
                self.broken = true;
                let message = format!("the XML engine failed ({})", panic_message(panic));
                list.append(("error", message, false))?;
            }
        }
        Ok(list)
    }
}

/// MediaWiki's sha1 of a text (base 36, 31 digits), as the reader computes it for dumps without one.
#[pyfunction]
pub fn mediawiki_sha1(text: &str) -> String {
    crate::revision::mediawiki_sha1(text.as_bytes())
}

/// Seconds since the epoch of a dump timestamp, as the reader reads <timestamp>; ValueError otherwise.
#[pyfunction]
pub fn parse_dump_timestamp(text: &str) -> PyResult<i64> {
    crate::revision::parse_timestamp(text).map_err(pyo3::exceptions::PyValueError::new_err)
}

/// Where the first byte that is not valid UTF-8 stands in `data`, or None: the feeder's check of each
/// piece (a str decoded only to be checked costs a copy of every non-ASCII piece).
#[pyfunction]
pub fn invalid_utf8_at(data: &Bound<'_, PyBytes>) -> Option<usize> {
    std::str::from_utf8(data.as_bytes()).err().map(|error| error.valid_up_to())
}
