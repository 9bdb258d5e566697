//! The content job's rows, built in the engine (issue 17): `ContentRows` scans each page once and appends
//! its rows to columns kept here, across the pages of a split; Python takes them as Arrow record batches
//! (exported through the Arrow C data interface), so no Python object is made per row or per value.
//!
//! Python (transforms/wikitext/content.py) still decides which pages are read and turns a page that
//! stopped (timeout, too deep, panic) into an `errors` row; such a page leaves no rows: what it had appended
//! before it stopped is taken back (`undo`).

use std::sync::Arc;
use std::time::Instant;

use arrow_array::builder::{ArrayBuilder, BooleanBuilder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray, StructArray,
    TimestampSecondArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_data::ffi::FFI_ArrowArray;
use arrow_schema::ffi::FFI_ArrowSchema;
use pyo3::prelude::*;

use crate::citation_rows::add_citations;
use crate::engine::{Caches, Engine};
use crate::link_rows::add_links;
use crate::quality_rows::add_article_quality;
use crate::scan::{Scan, Stop};
use crate::structure_rows::add_structures;
use crate::text::{count_words, is_space};

/// The key columns every content row starts with (schemas/content_keys.py); `source` is the same for all
/// of them (wikitext, or html for an Enterprise record's) and is made at export.
struct Keys {
    page_id: Vec<i64>,
    page_namespace: Vec<i32>,
    page_title: Strings,
    revision_id: Vec<i64>,
    source: &'static str,
}

impl Default for Keys {
    fn default() -> Keys {
        Keys::of_source(WIKITEXT)
    }
}

/// The page a scan was made for: its keys, the time of the revision read and the length of its wikitext.
pub struct PageKeys<'a> {
    pub page_id: i64,
    pub namespace: i32,
    /// As MediaWiki shows it, with spaces (rows spell it with underscores, as mediawiki_history does).
    pub title: &'a str,
    pub revision_id: i64,
    pub timestamp: Option<i64>,
    /// Code points of the wikitext as read, redirect line included (article_quality's page_length).
    pub length: i64,
}

impl Keys {
    fn of_source(source: &'static str) -> Keys {
        Keys { page_id: Vec::new(), page_namespace: Vec::new(), page_title: Strings::default(),
               revision_id: Vec::new(), source }
    }

    fn push(&mut self, page: &PageKeys, rows: usize) {
        if rows == 0 {
            return;
        }
        let title = page.title.replace(' ', "_");
        for _ in 0..rows {
            self.page_id.push(page.page_id);
            self.page_namespace.push(page.namespace);
            self.page_title.push(&title);
            self.revision_id.push(page.revision_id);
        }
    }

    fn truncate(&mut self, rows: usize) {
        self.page_id.truncate(rows);
        self.page_namespace.truncate(rows);
        self.page_title.truncate(rows);
        self.revision_id.truncate(rows);
    }

    fn split_off(&mut self, at: usize) -> Keys {
        Keys {
            page_id: self.page_id.split_off(at),
            page_namespace: self.page_namespace.split_off(at),
            page_title: self.page_title.split_off(at),
            revision_id: self.revision_id.split_off(at),
            source: self.source,
        }
    }

    fn len(&self) -> usize {
        self.page_id.len()
    }

    fn arrays(&mut self) -> Vec<(&'static str, ArrayRef)> {
        let rows = self.len();
        vec![
            ("page_id", int64s(std::mem::take(&mut self.page_id))),
            ("page_namespace", int32s(std::mem::take(&mut self.page_namespace))),
            ("page_title", utf8(std::mem::take(&mut self.page_title))),
            ("revision_id", int64s(std::mem::take(&mut self.revision_id))),
            ("source", Arc::new(StringArray::from(vec![self.source; rows]))),
        ]
    }
}

/// The `source` column of the rows made from wikitext and from Parsoid's HTML (content_keys.SOURCE).
const WIKITEXT: &str = "wikitext";
pub const HTML: &str = "html";

/// A dataset's columns other than the keys, appended page by page (declared with `columns!`).
pub trait Columns: Default {
    /// Rows held.
    fn len(&self) -> usize;
    /// Bytes of the dataset's large text column (what bounds a batch's size), of rows from `from` on.
    fn text_bytes_from(&self, from: usize) -> usize;
    /// Keeps the first `rows` rows.
    fn truncate(&mut self, rows: usize);
    /// The rows from `at` on, taken out of these (as Vec::split_off).
    fn split_off(&mut self, at: usize) -> Self;
    /// The columns as Arrow arrays, named as the schema names them, emptying these.
    fn arrays(&mut self) -> Vec<(&'static str, ArrayRef)>;
}

/// A dataset's columns: one store per file column after the keys, in the schema's order (a Vec, or `Strings`
/// for text), each with the function that makes its Arrow array (`utf8`, `optional_int32s`, ...), and the text
/// column that bounds a batch's size, if any.
macro_rules! columns {
    ($(#[$doc:meta])* $name:ident { $($column:ident: $store:ty => $array:ident),+ $(,)? } text: $($text:ident)?) => {
        $(#[$doc])*
        #[derive(Default)]
        pub struct $name {
            $(pub $column: $store,)+
        }

        impl Columns for $name {
            fn len(&self) -> usize {
                [$(Column::len(&self.$column)),+][0]
            }

            #[allow(unused_variables)]
            fn text_bytes_from(&self, from: usize) -> usize {
                0 $(+ self.$text.bytes_from(from))?
            }

            fn truncate(&mut self, rows: usize) {
                $(Column::truncate(&mut self.$column, rows);)+
            }

            fn split_off(&mut self, at: usize) -> Self {
                $name { $($column: Column::split_off(&mut self.$column, at),)+ }
            }

            fn arrays(&mut self) -> Vec<(&'static str, ArrayRef)> {
                vec![$((stringify!($column), $array(std::mem::take(&mut self.$column))),)+]
            }
        }
    };
}

/// What a dataset's column is kept in, row by row.
pub trait Column: Default {
    fn len(&self) -> usize;
    fn truncate(&mut self, rows: usize);
    /// The rows from `at` on, taken out of these.
    fn split_off(&mut self, at: usize) -> Self;
}

impl<T> Column for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn truncate(&mut self, rows: usize) {
        Vec::truncate(self, rows)
    }

    fn split_off(&mut self, at: usize) -> Self {
        Vec::split_off(self, at)
    }
}

/// A column of strings, null or not, kept as an Arrow string array keeps them: the UTF-8 of every value in
/// one buffer, where each value ends, and whether it is valid. A value pushed is copied once, into the
/// buffer: no allocation per value is held until the rows are taken, and taking them is one copy.
#[derive(Default)]
pub struct Strings {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    valid: Vec<bool>,
}

impl Strings {
    pub fn push(&mut self, value: impl AsRef<str>) {
        self.bytes.extend_from_slice(value.as_ref().as_bytes());
        self.ends.push(self.bytes.len());
        self.valid.push(true);
    }

    pub fn push_option(&mut self, value: Option<impl AsRef<str>>) {
        match value {
            Some(value) => self.push(value),
            None => self.push_null(),
        }
    }

    pub fn push_null(&mut self) {
        self.ends.push(self.bytes.len());
        self.valid.push(false);
    }

    fn start(&self, row: usize) -> usize {
        if row == 0 { 0 } else { self.ends[row - 1] }
    }

    /// Bytes of the values of the rows from `from` on.
    fn bytes_from(&self, from: usize) -> usize {
        self.bytes.len() - self.start(from)
    }
}

impl Column for Strings {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn truncate(&mut self, rows: usize) {
        if rows < self.ends.len() {
            self.bytes.truncate(self.start(rows));
            self.ends.truncate(rows);
            self.valid.truncate(rows);
        }
    }

    fn split_off(&mut self, at: usize) -> Self {
        let cut = self.start(at);
        let mut ends = self.ends.split_off(at);
        for end in &mut ends {
            *end -= cut;
        }
        Strings { bytes: self.bytes.split_off(cut), ends, valid: self.valid.split_off(at) }
    }
}

columns!(
    /// plain_text: one row per page scanned.
    PlainText {
        revision_timestamp: Vec<Option<i64>> => timestamps,
        text: Strings => utf8,
        text_chars: Vec<i64> => int64s,
        text_words: Vec<i64> => int64s,
        templates_expanded: Vec<i32> => int32s,
        templates_dropped: Vec<i32> => int32s,
        constructs_out_of_range: Vec<Vec<&'static str>> => string_lists,
    } text: text
);

impl PlainText {
    fn add(&mut self, engine: &Engine, scan: &Scan, timestamp: Option<i64>) {
        let text = page_text(scan);
        let (expanded, dropped, functions) = template_counts(engine, scan);
        let mut out_of_range = scan.out_of_range.clone();
        if functions > 0 {
            out_of_range.push("parser-function");
        }
        out_of_range.sort_unstable();
        out_of_range.dedup();
        self.revision_timestamp.push(timestamp);
        self.text_chars.push(text.chars().count() as i64);
        self.text_words.push(count_words(&text) as i64);
        self.text.push(text);
        self.templates_expanded.push(expanded);
        self.templates_dropped.push(dropped);
        self.constructs_out_of_range.push(out_of_range);
    }
}

/// The page as plain text (scanner.Scan.text): the lead, then each section's title on its own line and its
/// text, blocks that are only whitespace left out, blocks stripped of newlines and joined by a blank line.
pub fn page_text(scan: &Scan) -> String {
    let mut out = String::new();
    let mut block = String::new();
    for section in &scan.sections {
        block.clear();
        if section.index > 0 {
            block.push_str(&section.title);
            block.push('\n');
        }
        block.push_str(&section.text);
        if block.trim_matches(is_space).is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(block.trim_matches('\n'));
    }
    out
}

/// (expanded, dropped, parser functions) among the template calls of a page outside its references
/// (inline.template_counts): expanded ones have a rule of the wiki's inline templates, parser functions
/// (`{{#if:}}`) are counted apart, magic words (`{{DEFAULTSORT:}}`) are none of these except
/// `{{formatnum:}}`, and every other call is dropped from the text.
fn template_counts(engine: &Engine, scan: &Scan) -> (i32, i32, i32) {
    let (mut expanded, mut dropped, mut functions) = (0, 0, 0);
    for template in scan.templates.iter().filter(|template| template.reference < 0) {
        let key = template.key.as_str();
        if key.starts_with('#') {
            functions += 1;
        } else if engine.tables.inline_templates.contains_key(key) || key.starts_with("lang-")
            || key.starts_with("formatnum:") {
            expanded += 1;
        } else {
            let head = key.split(':').next().unwrap_or("");
            if !engine.tables.magic_words.contains(&head.trim_matches(is_space).to_uppercase()) {
                dropped += 1;
            }
        }
    }
    (expanded, dropped, functions)
}

columns!(
    /// sections: one row per section, the lead first.
    Sections {
        section_index: Vec<i32> => int32s,
        section_level: Vec<i32> => int32s,
        section_title: Strings => utf8,
        section_anchor: Strings => utf8,
        text: Strings => utf8,
        text_chars: Vec<i64> => int64s,
        parent_section_index: Vec<Option<i32>> => optional_int32s,
    } text: text
);

impl Sections {
    fn add(&mut self, scan: &Scan) {
        for section in &scan.sections {
            let titled = section.index > 0;
            self.section_index.push(section.index as i32);
            self.section_level.push(section.level as i32);
            self.section_title.push_option(titled.then_some(&section.title));
            self.section_anchor.push_option(titled.then_some(&section.anchor));
            self.text_chars.push(section.text.chars().count() as i64);
            self.text.push(&section.text);
            self.parent_section_index.push(section.parent.map(|parent| parent as i32));
        }
    }
}

columns!(
    /// citations: one row per citation of the page (citation_rows.rs).
    CitationColumns {
        section_index: Vec<i32> => int32s,
        position: Vec<i32> => int32s,
        ref_name: Strings => utf8,
        ref_group: Strings => utf8,
        is_reuse: Vec<bool> => bools,
        template_name: Strings => utf8,
        source_type: Strings => utf8,
        title: Strings => utf8,
        url: Strings => utf8,
        archive_url: Strings => utf8,
        doi: Strings => utf8,
        isbn: Strings => utf8,
        pmid: Strings => utf8,
        pmcid: Strings => utf8,
        arxiv: Strings => utf8,
        issn: Strings => utf8,
        journal_or_work: Strings => utf8,
        publisher: Strings => utf8,
        publication_date: Strings => utf8,
        publication_year: Vec<Option<i32>> => optional_int32s,
        authors: Vec<Vec<String>> => string_lists,
        access_date: Strings => utf8,
        identifiers: Vec<Vec<String>> => string_lists,
        raw_wikitext: Strings => utf8,
        full_citation_position: Vec<Option<i32>> => optional_int32s,
    } text: raw_wikitext
);

columns!(
    /// links: one row per link, template call included, in page order (link_rows.rs).
    LinkColumns {
        section_index: Vec<i32> => int32s,
        link_type: Vec<&'static str> => strings,
        target: Strings => utf8,
        target_namespace: Vec<Option<i32>> => optional_int32s,
        target_fragment: Strings => utf8,
        anchor_text: Strings => utf8,
        position: Vec<i32> => int32s,
        url: Strings => utf8,
        language: Strings => utf8,
        interwiki_prefix: Strings => utf8,
        // Null on wikitext rows, which only see the links written in the page; html rows say which a template
        // rendered.
        from_template: Vec<Option<bool>> => optional_bools,
    } text:
);

/// One row of `links`, before the page's keys and its position.
pub struct LinkRow {
    pub section: i64,
    pub kind: &'static str,
    pub target: Option<String>,
    pub namespace: Option<i64>,
    pub fragment: Option<String>,
    pub anchor: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub prefix: Option<String>,
    /// Whether a template rendered the link: known on the HTML path only.
    pub from_template: Option<bool>,
}

impl LinkColumns {
    /// Appends a page's links, in page order: their positions count from 0.
    pub fn append(&mut self, links: impl IntoIterator<Item = LinkRow>) {
        for (position, link) in links.into_iter().enumerate() {
            self.section_index.push(link.section as i32);
            self.link_type.push(link.kind);
            self.target.push_option(link.target);
            self.target_namespace.push(link.namespace.map(|namespace| namespace as i32));
            self.target_fragment.push_option(link.fragment);
            self.anchor_text.push_option(link.anchor);
            self.position.push(position as i32);
            self.url.push_option(link.url);
            self.language.push_option(link.language);
            self.interwiki_prefix.push_option(link.prefix);
            self.from_template.push(link.from_template);
        }
    }
}

columns!(
    /// article_quality: one row per page, its quality_score null until the wiki's thresholds are known
    /// (quality_rows.rs).
    QualityColumns {
        revision_timestamp: Vec<Option<i64>> => timestamps,
        page_length: Vec<i64> => int64s,
        num_refs: Vec<i32> => int32s,
        num_headings: Vec<i32> => int32s,
        num_wikilinks: Vec<i32> => int32s,
        num_categories: Vec<i32> => int32s,
        num_media: Vec<i32> => int32s,
        quality_score: Vec<Option<f64>> => optional_float64s,
    } text:
);

columns!(
    /// infoboxes: one row per parameter with a value (an infobox without any has one row, its parameter
    /// columns null) (structure_rows.rs).
    InfoboxColumns {
        section_index: Vec<i32> => int32s,
        infobox_index: Vec<i32> => int32s,
        template: Strings => utf8,
        parameter_index: Vec<Option<i32>> => optional_int32s,
        parameter: Strings => utf8,
        value_text: Strings => utf8,
        value_wikitext: Strings => utf8,
        value_links: Vec<Option<Vec<String>>> => optional_string_lists,
        value_link_namespaces: Vec<Option<Vec<Option<i32>>>> => optional_int32_lists,
    } text: value_wikitext
);

columns!(
    /// tables: one row per table (structure_rows.rs).
    TableColumns {
        section_index: Vec<i32> => int32s,
        table_index: Vec<i32> => int32s,
        parent_table_index: Vec<Option<i32>> => optional_int32s,
        table_class: Strings => utf8,
        caption: Strings => utf8,
        header: Vec<Vec<String>> => string_lists,
        rows: Vec<Vec<Vec<String>>> => string_list_lists,
        header_cells: Vec<Vec<Vec<bool>>> => bool_list_lists,
        rowspans: Vec<Vec<Vec<i32>>> => int32_list_lists,
        colspans: Vec<Vec<Vec<i32>>> => int32_list_lists,
        closed: Vec<bool> => bools,
    } text:
);

/// One dataset's rows: keys and columns, always of the same length.
#[derive(Default)]
pub struct Table<C: Columns> {
    keys: Keys,
    columns: C,
}

impl<C: Columns> Table<C> {
    /// Appends the page's keys to the rows `columns` gained (those that have none yet).
    fn keyed(&mut self, page: &PageKeys) {
        self.keys.push(page, self.columns.len() - self.keys.len());
    }

    fn truncate(&mut self, rows: usize) {
        self.keys.truncate(rows);
        self.columns.truncate(rows);
    }

    /// The first `rows` rows as a record batch, taken out of the table.
    fn take(&mut self, rows: usize) -> RecordBatch {
        let rows = rows.min(self.columns.len());
        let (keys, columns) = (self.keys.split_off(rows), self.columns.split_off(rows));
        let mut head = Table { keys: std::mem::replace(&mut self.keys, keys), columns: std::mem::replace(&mut self.columns, columns) };
        let mut arrays = head.keys.arrays();
        arrays.extend(head.columns.arrays());
        RecordBatch::try_from_iter(arrays).expect("columns of one length")
    }

    /// One page's rows, made by `fill` (which appends to the columns), with its keys and `source`, as a
    /// record batch of the dataset's file columns.
    pub fn of_page(page: &PageKeys, source: &'static str, fill: impl FnOnce(&mut C)) -> RecordBatch {
        let mut table = Table { keys: Keys::of_source(source), columns: C::default() };
        fill(&mut table.columns);
        table.keyed(page);
        let rows = table.columns.len();
        table.take(rows)
    }
}

/// A dataset's table whatever its columns.
trait AnyTable {
    fn len(&self) -> usize;
    fn text_bytes_from(&self, from: usize) -> usize;
    fn truncate(&mut self, rows: usize);
    fn take(&mut self, rows: usize) -> RecordBatch;
}

impl<C: Columns> AnyTable for Table<C> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    fn text_bytes_from(&self, from: usize) -> usize {
        self.columns.text_bytes_from(from)
    }

    fn truncate(&mut self, rows: usize) {
        Table::truncate(self, rows)
    }

    fn take(&mut self, rows: usize) -> RecordBatch {
        Table::take(self, rows)
    }
}

/// The rows a `ContentRows` holds, per dataset, and while a page's rows are being made, how many each held
/// before them.
#[derive(Default)]
struct Tables {
    plain_text: Table<PlainText>,
    sections: Table<Sections>,
    citations: Table<CitationColumns>,
    links: Table<LinkColumns>,
    article_quality: Table<QualityColumns>,
    infoboxes: Table<InfoboxColumns>,
    tables: Table<TableColumns>,
    before: Option<Vec<usize>>,
}

impl Tables {
    /// Every dataset made here, by name: adding one is a field above, a line here and its rows in `fill`.
    fn all(&mut self) -> [(&'static str, &mut dyn AnyTable); 7] {
        [("plain_text", &mut self.plain_text), ("sections", &mut self.sections), ("citations", &mut self.citations),
         ("links", &mut self.links), ("article_quality", &mut self.article_quality),
         ("infoboxes", &mut self.infoboxes), ("tables", &mut self.tables)]
    }

    fn lengths(&mut self) -> Vec<usize> {
        self.all().iter().map(|(_, table)| table.len()).collect()
    }

    fn truncate(&mut self, lengths: &[usize]) {
        for ((_, table), &rows) in self.all().into_iter().zip(lengths) {
            table.truncate(rows);
        }
    }

    /// Appends a page's rows to the datasets `wanted` (plain_text always) and hands back (dataset, rows,
    /// bytes of its text column) of each that gained rows; on a stop, appends none.
    fn add(&mut self, engine: &Engine, caches: &mut Caches, scan: &Scan, page: &PageKeys, wanted: &[String],
           deadline: Option<Instant>) -> Result<Vec<(&'static str, usize, usize)>, Stop> {
        let before = self.lengths();
        self.before = Some(before.clone()); // what `undo` restores if the rows panic half made
        let filled = self.fill(engine, caches, scan, page, wanted, deadline);
        self.before = None;
        if let Err(stop) = filled {
            self.truncate(&before);
            return Err(stop);
        }
        Ok(self.all().into_iter().zip(before)
            .filter(|((_, table), rows)| table.len() > *rows)
            .map(|((name, table), rows)| (name, table.len() - rows, table.text_bytes_from(rows)))
            .collect())
    }

    fn fill(&mut self, engine: &Engine, caches: &mut Caches, scan: &Scan, page: &PageKeys, wanted: &[String],
            deadline: Option<Instant>) -> Result<(), Stop> {
        let wants = |dataset: &str| wanted.iter().any(|name| name == dataset);
        self.plain_text.columns.add(engine, scan, page.timestamp);
        self.plain_text.keyed(page);
        if wants("sections") {
            self.sections.columns.add(scan);
            self.sections.keyed(page);
        }
        if wants("citations") {
            add_citations(engine, scan, engine.site.language.as_deref(), deadline, &mut self.citations.columns)?;
            self.citations.keyed(page);
        }
        if wants("links") || wants("article_quality") { // article quality counts the links by type
            let page_links = self.links.columns.len();
            add_links(engine, caches, scan, page.namespace as i64, page.title, &mut self.links.columns);
            if wants("article_quality") {
                add_article_quality(scan, page.timestamp, page.length, &self.links.columns, page_links,
                                    &mut self.article_quality.columns);
                self.article_quality.keyed(page);
            }
            if wants("links") {
                self.links.keyed(page);
            } else {
                self.links.columns.truncate(page_links);
            }
        }
        if wants("infoboxes") || wants("tables") { // one pass finds both
            add_structures(engine, caches, scan, deadline, &mut self.infoboxes.columns, &mut self.tables.columns)?;
            self.infoboxes.keyed(page);
            self.tables.keyed(page);
        }
        Ok(())
    }

    /// Takes back the rows of a page whose rows panicked half made (nothing when no page is being made).
    fn undo(&mut self) {
        if let Some(before) = self.before.take() {
            self.truncate(&before);
        }
    }
}

/// The rows of the pages of a split, per dataset, until Python takes them as record batches.
#[pyclass(module = "transforms.wikitext._engine")]
pub struct ContentRows {
    tables: Tables,
}

impl ContentRows {
    /// Appends the rows of a page whose scan succeeded to the datasets `wanted`; hands back (dataset, rows,
    /// bytes of its text column) of each dataset that gained rows. On a stop (the deadline passed while the
    /// rows were made) nothing is appended.
    pub fn add(&mut self, engine: &Engine, caches: &mut Caches, scan: &Scan, page: &PageKeys, wanted: &[String],
               deadline: Option<Instant>) -> Result<Vec<(&'static str, usize, usize)>, Stop> {
        self.tables.add(engine, caches, scan, page, wanted, deadline)
    }

    /// Takes back the rows of a page whose rows panicked half made.
    pub fn undo(&mut self) {
        self.tables.undo();
    }
}

#[pymethods]
impl ContentRows {
    #[new]
    fn new() -> Self {
        ContentRows { tables: Tables::default() }
    }

    /// The first `rows` rows held of `dataset` (in the order they were added) as a pyarrow RecordBatch of
    /// its file columns, keys first, taken out of these.
    fn take<'py>(&mut self, py: Python<'py>, dataset: &str, rows: usize) -> PyResult<Bound<'py, PyAny>> {
        let Some((_, table)) = self.tables.all().into_iter().find(|(name, _)| *name == dataset) else {
            return Err(pyo3::exceptions::PyValueError::new_err(format!("no rows of {dataset} are made here")));
        };
        let batch = table.take(rows);
        to_pyarrow(py, batch)
    }
}

/// A record batch handed to pyarrow through the Arrow C data interface: pyarrow moves the exported array
/// and schema out of the two structs (leaving them released), and the structs are freed here after.
pub fn to_pyarrow(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyAny>> {
    let data = StructArray::from(batch).into_data();
    let schema = FFI_ArrowSchema::try_from(data.data_type())
        .map_err(|error| pyo3::exceptions::PyValueError::new_err(error.to_string()))?;
    let array = FFI_ArrowArray::new(&data);
    let mut schema = Box::new(schema);
    let mut array = Box::new(array);
    let imported = py.import("pyarrow")?.getattr("RecordBatch")?.call_method1(
        "_import_from_c",
        (&mut *array as *mut FFI_ArrowArray as usize, &mut *schema as *mut FFI_ArrowSchema as usize),
    );
    drop(array);
    drop(schema);
    imported
}

fn strings<S: AsRef<str>>(values: Vec<S>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

fn utf8(values: Strings) -> ArrayRef {
    let offsets: Vec<i32> = std::iter::once(0).chain(values.ends.iter().map(|&end| {
        i32::try_from(end).expect("a batch's strings within 2 GB (batches are cut by size)")
    })).collect();
    let nulls = values.valid.contains(&false).then(|| NullBuffer::from(values.valid));
    Arc::new(StringArray::new(OffsetBuffer::new(ScalarBuffer::from(offsets)), Buffer::from_vec(values.bytes), nulls))
}

fn int32s(values: Vec<i32>) -> ArrayRef {
    Arc::new(Int32Array::from(values))
}

fn optional_int32s(values: Vec<Option<i32>>) -> ArrayRef {
    Arc::new(Int32Array::from(values))
}

fn int64s(values: Vec<i64>) -> ArrayRef {
    Arc::new(Int64Array::from(values))
}

fn optional_bools(values: Vec<Option<bool>>) -> ArrayRef {
    Arc::new(BooleanArray::from(values))
}

fn optional_float64s(values: Vec<Option<f64>>) -> ArrayRef {
    Arc::new(Float64Array::from(values))
}

fn timestamps(values: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampSecondArray::from(values).with_timezone("UTC"))
}

fn string_lists<S: AsRef<str>>(values: Vec<Vec<S>>) -> ArrayRef {
    let mut builder = ListBuilder::new(StringBuilder::new());
    for list in values {
        for value in list {
            builder.values().append_value(value.as_ref());
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

fn optional_string_lists(values: Vec<Option<Vec<String>>>) -> ArrayRef {
    let mut builder = ListBuilder::new(StringBuilder::new());
    for list in values {
        match list {
            Some(list) => {
                for value in list {
                    builder.values().append_value(value);
                }
                builder.append(true);
            }
            None => builder.append(false),
        }
    }
    Arc::new(builder.finish())
}

fn optional_int32_lists(values: Vec<Option<Vec<Option<i32>>>>) -> ArrayRef {
    let mut builder = ListBuilder::new(Int32Builder::new());
    for list in values {
        match list {
            Some(list) => {
                builder.values().extend(list);
                builder.append(true);
            }
            None => builder.append(false),
        }
    }
    Arc::new(builder.finish())
}

fn string_list_lists(values: Vec<Vec<Vec<String>>>) -> ArrayRef {
    list_lists(values, StringBuilder::new(), |builder, list| {
        for value in list {
            builder.append_value(value);
        }
    })
}

fn bool_list_lists(values: Vec<Vec<Vec<bool>>>) -> ArrayRef {
    list_lists(values, BooleanBuilder::new(), |builder, list| builder.append_slice(&list))
}

fn int32_list_lists(values: Vec<Vec<Vec<i32>>>) -> ArrayRef {
    list_lists(values, Int32Builder::new(), |builder, list| builder.append_slice(&list))
}

/// A list of lists per row (a table's cells by row), the innermost values appended by `append`.
fn list_lists<T, B: ArrayBuilder>(values: Vec<Vec<Vec<T>>>, values_builder: B, append: impl Fn(&mut B, Vec<T>))
                                  -> ArrayRef {
    let mut builder = ListBuilder::new(ListBuilder::new(values_builder));
    for lists in values {
        for list in lists {
            append(builder.values().values(), list);
            builder.values().append(true);
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

fn bools(values: Vec<bool>) -> ArrayRef {
    Arc::new(BooleanArray::from(values))
}
