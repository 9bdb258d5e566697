//! The rows of the content datasets built in the engine (links, article_quality, infoboxes, tables) for one
//! page, handed to Python as a dict of columns (lists) per dataset, until they go out as Arrow batches.

use std::time::Instant;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::engine::{Caches, Engine};
use crate::link_rows::{add_links, LinkColumns};
use crate::quality_rows::{add_article_quality, QualityColumns};
use crate::scan::{Scan, Stop};
use crate::structure_rows::{add_structures, InfoboxColumns, TableColumns};

pub const DATASETS: [&str; 4] = ["links", "article_quality", "infoboxes", "tables"];

/// The page a scan read, as its rows need it.
pub struct PageKeys {
    pub namespace: i64,
    /// The title with spaces (the target of `[[#Section]]` links).
    pub title: String,
    /// Length of the wikitext in code points, before a redirect line was taken off.
    pub length: i64,
    pub revision_timestamp: Option<i64>,
}

/// One page's rows of the datasets asked for (None: not asked).
#[derive(Default)]
pub struct PageRows {
    links: Option<LinkColumns>,
    quality: Option<QualityColumns>,
    structures: Option<(InfoboxColumns, TableColumns)>,
}

impl PageRows {
    /// The rows of `datasets` (names of DATASETS) for the page `scan` read.
    pub fn build(engine: &Engine, caches: &mut Caches, scan: &Scan, page: &PageKeys, datasets: &[String],
                 deadline: Option<Instant>) -> Result<PageRows, Stop> {
        let wants = |name: &str| datasets.iter().any(|wanted| wanted == name);
        let mut rows = PageRows::default();
        if wants("links") || wants("article_quality") {  // article quality counts the links by type
            let mut links = LinkColumns::default();
            add_links(engine, caches, scan, page.namespace, &page.title, &mut links);
            if wants("article_quality") {
                let mut quality = QualityColumns::default();
                add_article_quality(scan, page.revision_timestamp, page.length, &links, 0, &mut quality);
                rows.quality = Some(quality);
            }
            rows.links = Some(links);
        }
        if wants("infoboxes") || wants("tables") { // one pass finds both
            let (mut infoboxes, mut tables) = (InfoboxColumns::default(), TableColumns::default());
            add_structures(engine, caches, scan, deadline, &mut infoboxes, &mut tables)?;
            rows.structures = Some((infoboxes, tables));
        }
        Ok(rows)
    }

    /// {dataset: {column: list}} of the datasets built.
    pub fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let found = PyDict::new(py);
        if let Some(c) = self.links {
            let columns = PyDict::new(py);
            columns.set_item("section_index", c.section_index)?;
            columns.set_item("link_type", c.link_type)?;
            columns.set_item("target", c.target)?;
            columns.set_item("target_namespace", c.target_namespace)?;
            columns.set_item("target_fragment", c.target_fragment)?;
            columns.set_item("anchor_text", c.anchor_text)?;
            columns.set_item("position", c.position)?;
            columns.set_item("url", c.url)?;
            columns.set_item("language", c.language)?;
            columns.set_item("interwiki_prefix", c.interwiki_prefix)?;
            columns.set_item("from_template", c.from_template)?;
            found.set_item("links", columns)?;
        }
        if let Some(c) = self.quality {
            let columns = PyDict::new(py);
            columns.set_item("revision_timestamp", c.revision_timestamp)?;
            columns.set_item("page_length", c.page_length)?;
            columns.set_item("num_refs", c.num_refs)?;
            columns.set_item("num_headings", c.num_headings)?;
            columns.set_item("num_wikilinks", c.num_wikilinks)?;
            columns.set_item("num_categories", c.num_categories)?;
            columns.set_item("num_media", c.num_media)?;
            columns.set_item("quality_score", c.quality_score)?;
            found.set_item("article_quality", columns)?;
        }
        if let Some((i, t)) = self.structures {
            let columns = PyDict::new(py);
            columns.set_item("section_index", i.section_index)?;
            columns.set_item("infobox_index", i.infobox_index)?;
            columns.set_item("template", i.template)?;
            columns.set_item("parameter_index", i.parameter_index)?;
            columns.set_item("parameter", i.parameter)?;
            columns.set_item("value_text", i.value_text)?;
            columns.set_item("value_wikitext", i.value_wikitext)?;
            columns.set_item("value_links", i.value_links)?;
            columns.set_item("value_link_namespaces", i.value_link_namespaces)?;
            found.set_item("infoboxes", columns)?;
            let columns = PyDict::new(py);
            columns.set_item("section_index", t.section_index)?;
            columns.set_item("table_index", t.table_index)?;
            columns.set_item("parent_table_index", t.parent_table_index)?;
            columns.set_item("table_class", t.table_class)?;
            columns.set_item("caption", t.caption)?;
            columns.set_item("header", t.header)?;
            columns.set_item("rows", t.rows)?;
            columns.set_item("header_cells", t.header_cells)?;
            columns.set_item("rowspans", t.rowspans)?;
            columns.set_item("colspans", t.colspans)?;
            columns.set_item("closed", t.closed)?;
            found.set_item("tables", columns)?;
        }
        Ok(found)
    }
}
