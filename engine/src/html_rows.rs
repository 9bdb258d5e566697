//! What Python calls for an Enterprise record's HTML: one parse (html_tree.rs), then every row the content
//! datasets take from it: sections and their text (html_text.rs), links (html_links.rs), citations
//! (html_citations.rs), tables and infoboxes (html_structures.rs). A fault is caught here and raised as
//! RuntimeError, which the job makes the record's errors row.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::engine::{Caches, Engine};
use crate::html_citations::{page_citations, CitationRow};
use crate::html_links::{href_title, page_links, Context};
use crate::html_structures::{page_infoboxes, page_tables, Infobox, Table};
use crate::html_text::{section_text, Walk};
use crate::html_tree::Tree;
use crate::reading::panic_message;
use crate::rows::{to_pyarrow, LinkColumns, LinkRow, PageKeys, Table as DatasetRows, HTML};
use crate::titles::clean_title;

/// The wiki's local name of the File namespace as the page's media show it (`./Fichier:X.jpg`): the
/// `resource` of the first element inside a `typeof="mw:File..."` one that has a namespace.
fn media_prefix(tree: &Tree, engine: &Engine) -> Option<String> {
    let mut media_until = 0; // the end of the media element the walk is in
    for node in 0..tree.nodes.len() {
        if node < media_until {
            let resource = tree.attribute(node, "resource");
            if let Some(title) = href_title(resource.as_deref()) {
                if let Some((prefix, _)) = title.split_once(':') {
                    return Some(clean_title(prefix, &engine.entities));
                }
            }
        } else if tree.attribute(node, "typeof").is_some_and(|t| t.starts_with("mw:File")) {
            media_until = tree.nodes[node].end;
        }
    }
    None
}

/// (index, level, title, anchor, parent, text) of a section.
type SectionRow = (i64, i64, Option<String>, Option<String>, Option<i64>, String);

struct PageRows {
    sections: Vec<SectionRow>,
    links: Vec<LinkRow>,
    citations: Vec<CitationRow>,
    tables: Vec<Table>,
    infoboxes: Vec<Infobox>,
    refs: usize,
}

fn page_rows(engine: &Engine, caches: &mut Caches, tree: &Tree, page_title: &str) -> PageRows {
    let body = tree.body();
    let walk = Walk::new(tree, body);
    let sections = walk.sections.iter().map(|s| {
        let titled = s.index != 0;
        (s.index, s.level, titled.then(|| s.title.clone()), titled.then(|| s.anchor.clone()), s.parent,
         section_text(&s.blocks))
    }).collect();
    let Some(body) = body else {
        return PageRows { sections, links: Vec::new(), citations: Vec::new(), tables: Vec::new(),
                          infoboxes: Vec::new(), refs: 0 };
    };
    let context = Context::new(tree, body);
    let numbers = &walk.section_numbers;
    PageRows {
        sections,
        links: page_links(engine, caches, tree, body, &context, page_title, numbers),
        citations: page_citations(engine, tree, body, &context, numbers, &walk.block_texts),
        tables: page_tables(tree, body, &context, numbers),
        infoboxes: page_infoboxes(engine, caches, tree, body, &context, numbers),
        // <ref> markers, reuses included
        refs: (body..tree.nodes[body].end)
            .filter(|&n| tree.nodes[n].tag() == "sup" && tree.has_token(n, "class", "mw-ref")).count(),
    }
}

fn caught<T>(outcome: std::thread::Result<T>) -> PyResult<T> {
    outcome.map_err(|panic| PyRuntimeError::new_err(format!("panic: {}", panic_message(panic))))
}

/// The rows of one record's HTML, as a dict: sections [(index, level, title, anchor, parent, text)], links
/// (a pyarrow RecordBatch of the links dataset's file columns, keys first; made here because a page has
/// about two thousand of them), link_kinds (how many are wikilinks, categories and media), citations
/// (CITATION_COLUMNS, then the anchor and the anchor pointed to), tables [(section, index, parent index,
/// class, caption, rows of (text, is header, rowspan, colspan))], infoboxes [(section, index, template,
/// [(label, text, [(namespace, target)])])], refs.
/// `engine` reads the HTML (its entities); `engine_for(media_prefix)` gives the engine of the wiki with the
/// local File namespace name the page's media show (None when they show none). `page_title` is the page's
/// title with spaces; it, `page_id`, `namespace` and `revision_id` are the links' keys.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn html_rows<'py>(py: Python<'py>, engine: PyRef<'py, crate::Engine>, engine_for: Bound<'py, PyAny>, html: &str,
                      page_title: &str, page_id: i64, namespace: i32, revision_id: i64)
                      -> PyResult<Bound<'py, PyDict>> {
    let reader: &crate::Engine = &engine;
    let tree = caught(py.allow_threads(|| catch_unwind(|| Tree::parse(html, &reader.engine.entities))))?;
    let prefix = caught(catch_unwind(AssertUnwindSafe(|| media_prefix(&tree, &reader.engine))))?;
    let wiki = engine_for.call1((prefix,))?;
    let wiki: PyRef<'py, crate::Engine> = wiki.extract()?;
    let wiki: &crate::Engine = &wiki;
    let found = py.allow_threads(|| {
        let mut caches = wiki.locked_caches();
        let state: &mut Caches = &mut caches;
        let outcome = catch_unwind(AssertUnwindSafe(|| page_rows(&wiki.engine, state, &tree, page_title)));
        if outcome.is_err() {
            *caches = Caches::default(); // a panic may have left them half written
        }
        outcome
    });
    let mut rows = caught(found)?;
    let page = PageKeys { page_id, namespace, title: page_title, revision_id, timestamp: None, length: 0 };
    let kinds = ["wikilink", "category", "media"]
        .map(|kind| rows.links.iter().filter(|link| link.kind == kind).count());
    let links = std::mem::take(&mut rows.links);
    let links = py.allow_threads(|| {
        DatasetRows::<LinkColumns>::of_page(&page, HTML, |columns| columns.append(links))
    });
    let out = PyDict::new(py);
    out.set_item("sections", rows.sections)?;
    out.set_item("links", to_pyarrow(py, links)?)?;
    out.set_item("link_kinds", kinds)?;
    out.set_item("citations", citation_columns(py, rows.citations)?)?;
    out.set_item("tables", table_list(py, rows.tables)?)?;
    out.set_item("infoboxes", infobox_list(py, rows.infoboxes)?)?;
    out.set_item("refs", rows.refs)?;
    Ok(out)
}

fn citation_columns(py: Python<'_>, rows: Vec<CitationRow>) -> PyResult<Bound<'_, PyList>> {
    macro_rules! column {
        ($field:ident) => { PyList::new(py, rows.iter().map(|r| r.$field.clone()))?.into_any() };
    }
    PyList::new(py, [
        column!(section), column!(ref_name), column!(ref_group), column!(is_reuse), column!(template_name),
        column!(source_type), column!(title), column!(url), column!(archive_url), column!(doi), column!(isbn),
        column!(pmid), column!(pmcid), column!(arxiv), column!(issn), column!(journal_or_work), column!(publisher),
        column!(publication_date), column!(publication_year), column!(authors), column!(access_date),
        column!(identifiers), column!(raw_wikitext), column!(anchor), column!(points_to),
    ])
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
