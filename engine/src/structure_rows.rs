//! `infoboxes` and `tables` rows of a page (issue 18, built here since issue 17), from its scan: which
//! template calls are infoboxes (by title, with the wiki's prefixes, transforms/wikitext/structures.py
//! INFOBOXES), their parameters and the page's tables as structures.rs reads them.

use std::time::Instant;

use crate::engine::{Caches, Engine};
use crate::rows::{InfoboxColumns, TableColumns};
use crate::scan::{Scan, Stop, Template};
use crate::structures;

const TEMPLATE_NAMESPACE: i64 = 10;
/// Infoboxes inside the values of three others are left out (the data card says so): each value is read once
/// per infobox around it, so a bound on nesting keeps a page's cost linear (real pages nest one or two: an
/// officeholder's box in a person's `module`).
const MAX_INFOBOX_NESTING: usize = 3;

/// The infobox calls of the page, in page order, nested at most MAX_INFOBOX_NESTING deep, with their titles.
fn infobox_calls<'s>(engine: &Engine, caches: &mut Caches, scan: &'s Scan) -> Vec<(&'s Template, String)> {
    let mut found = Vec::new();
    for template in &scan.templates {
        if template.reference >= 0 {
            continue; // a template inside a reference is part of a citation, not of the page
        }
        if let Some((namespace, title)) = engine.template(caches, &template.name) {
            if namespace == TEMPLATE_NAMESPACE && engine.is_infobox(&title) {
                found.push((template, title));
            }
        }
    }
    found.sort_by_key(|(template, _)| template.start); // a call is recorded when it closes: inner ones first
    let mut kept = Vec::with_capacity(found.len());
    let mut open_ends: Vec<usize> = Vec::new();
    for (template, title) in found {
        while open_ends.last().is_some_and(|&end| end <= template.start) {
            open_ends.pop();
        }
        let end = template.end;
        if open_ends.len() < MAX_INFOBOX_NESTING {
            kept.push((template, title));
        }
        open_ends.push(end);
    }
    kept
}

/// Appends the page's infoboxes and tables to `infoboxes` and `tables`, or stops when `deadline` passes
/// (values and cells are scanned again, as plain_text reads them).
pub fn add_structures(engine: &Engine, caches: &mut Caches, scan: &Scan, deadline: Option<Instant>,
                      infoboxes: &mut InfoboxColumns, tables: &mut TableColumns) -> Result<(), Stop> {
    let source = scan.source.as_str();
    let span = |(start, end): (usize, usize)| {
        let start = scan.offset(start);
        (start, scan.offset(end).max(start))
    };
    for (infobox_index, (template, title)) in infobox_calls(engine, caches, scan).into_iter().enumerate() {
        let (start, end) = span((template.start, template.end));
        let parameters = structures::parameters(engine, caches, &source[start..end], deadline)?;
        add_infobox(infoboxes, template.section, infobox_index, title, parameters);
    }
    let spans = |spans: &mut dyn Iterator<Item = (usize, usize)>| {
        let mut spans: Vec<(usize, usize)> = spans.map(span).collect();
        spans.sort_unstable();
        spans
    };
    let templates = spans(&mut scan.templates.iter().map(|template| (template.start, template.end)));
    let skipped = spans(&mut scan.skipped.iter().copied());
    let found = structures::tables(engine, caches, source, &templates, &skipped, deadline)?;
    for (table_index, table) in found.into_iter().enumerate() {
        let start = scan.position(table.start);
        let section = scan.sections.partition_point(|section| section.start <= start).saturating_sub(1);
        add_table(tables, scan.sections[section].index, table_index, table);
    }
    Ok(())
}

/// One infobox's rows; link targets spelt as the links dataset's `target` (underscores), so that the two join.
fn add_infobox(out: &mut InfoboxColumns, section: usize, infobox_index: usize, title: String,
               parameters: Vec<structures::Parameter>) {
    if parameters.is_empty() {
        out.section_index.push(section as i32);
        out.infobox_index.push(infobox_index as i32);
        out.template.push(title);
        out.parameter_index.push(None);
        out.parameter.push_null();
        out.value_text.push_null();
        out.value_wikitext.push_null();
        out.value_links.push(None);
        out.value_link_namespaces.push(None);
        return;
    }
    for (parameter_index, parameter) in parameters.into_iter().enumerate() {
        out.section_index.push(section as i32);
        out.infobox_index.push(infobox_index as i32);
        out.template.push(&title);
        out.parameter_index.push(Some(parameter_index as i32));
        out.parameter.push(parameter.name);
        out.value_text.push(parameter.value.text);
        out.value_wikitext.push(parameter.wikitext);
        let links = parameter.value.links;
        out.value_link_namespaces.push(Some(links.iter().map(|(namespace, _)| namespace.map(|n| n as i32)).collect()));
        out.value_links.push(Some(links.into_iter().map(|(_, title)| title.replace(' ', "_")).collect()));
    }
}

/// One table's row: the header is its first row when every cell of it is a header cell.
fn add_table(out: &mut TableColumns, section: usize, table_index: usize, table: structures::Table) {
    out.section_index.push(section as i32);
    out.table_index.push(table_index as i32);
    out.parent_table_index.push(table.parent.map(|parent| parent as i32));
    out.table_class.push_option(table.class);
    out.caption.push_option(table.caption);
    let header = match table.rows.first() {
        Some(first) if !first.is_empty() && first.iter().all(|cell| cell.header) => {
            first.iter().map(|cell| cell.text.clone()).collect()
        }
        _ => Vec::new(),
    };
    out.header.push(header);
    out.header_cells.push(table.rows.iter().map(|row| row.iter().map(|cell| cell.header).collect()).collect());
    out.rowspans.push(table.rows.iter().map(|row| row.iter().map(|cell| cell.rowspan as i32).collect()).collect());
    out.colspans.push(table.rows.iter().map(|row| row.iter().map(|cell| cell.colspan as i32).collect()).collect());
    out.rows.push(table.rows.into_iter().map(|row| row.into_iter().map(|cell| cell.text).collect()).collect());
    out.closed.push(table.closed);
}
