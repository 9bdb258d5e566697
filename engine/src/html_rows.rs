//! What Python calls for an Enterprise record's HTML: one parse (html_tree.rs), then the rows the engine
//! reads from it, links (html_links.rs), tables and infoboxes (html_structures.rs). A fault is caught here
//! and raised as RuntimeError, which the job makes the record's errors row.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::engine::Caches;
use crate::html_links::{page_links, Context, LinkRow};
use crate::html_structures::{page_infoboxes, page_tables, Infobox, Table};
use crate::html_tree::Tree;
use crate::reading::panic_message;

/// (links, tables, infoboxes) of one record's HTML. `page_title` is the page's title with spaces;
/// `section_numbers` maps Parsoid's section ids to the sections' indices (text.py's walk numbers them).
/// links: the columns of links.py's LINK_COLUMNS; tables: (section, index, parent index, class, caption,
/// rows of (text, is header, rowspan, colspan)); infoboxes: (section, index, template, [(label, text,
/// [(namespace, target)])]).
#[pyfunction]
pub fn html_rows<'py>(py: Python<'py>, engine: PyRef<'py, crate::Engine>, html: &str, page_title: &str,
                      section_numbers: HashMap<i64, i64>) -> PyResult<Bound<'py, PyTuple>> {
    let engine: &crate::Engine = &engine;
    let found = py.allow_threads(|| {
        let mut caches = engine.locked_caches();
        let state: &mut Caches = &mut caches;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let tree = Tree::parse(html, &engine.engine.entities);
            let Some(body) = tree.body() else { return (Vec::new(), Vec::new(), Vec::new()) };
            let context = Context::new(&tree, body);
            (page_links(&engine.engine, state, &tree, body, &context, page_title, &section_numbers),
             page_tables(&tree, body, &context, &section_numbers),
             page_infoboxes(&engine.engine, state, &tree, body, &context, &section_numbers))
        }));
        if outcome.is_err() {
            *caches = Caches::default(); // a panic may have left them half written
        }
        outcome
    });
    let (links, tables, infoboxes) =
        found.map_err(|panic| PyRuntimeError::new_err(format!("panic: {}", panic_message(panic))))?;
    (link_columns(py, &links)?, table_list(py, tables)?, infobox_list(py, infoboxes)?).into_pyobject(py)
}

fn link_columns<'py>(py: Python<'py>, rows: &[LinkRow]) -> PyResult<Bound<'py, PyTuple>> {
    (
        rows.iter().map(|r| r.section).collect::<Vec<_>>(),
        rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
        rows.iter().map(|r| r.target.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.namespace).collect::<Vec<_>>(),
        rows.iter().map(|r| r.fragment.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.anchor.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.url.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.language.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.prefix.as_deref()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.from_template).collect::<Vec<_>>(),
    ).into_pyobject(py)
}

fn table_list(py: Python<'_>, tables: Vec<Table>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for table in tables {
        list.append((table.section, table.index, table.parent, table.class, table.caption, table.rows))?;
    }
    Ok(list)
}

fn infobox_list(py: Python<'_>, infoboxes: Vec<Infobox>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for infobox in infoboxes {
        list.append((infobox.section, infobox.index, infobox.template, infobox.parameters))?;
    }
    Ok(list)
}
