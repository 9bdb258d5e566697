//! `article_quality` rows (issue 17): the raw features of the language-agnostic quality model of Wikimedia
//! Research, one row per page, from its scan and its links. The thresholds and the score are computed later,
//! over the whole wiki (transforms/wikitext/quality.py, the ScoreArticleQuality transform).

use crate::link_rows::LinkColumns;
use crate::scan::Scan;

/// The `article_quality` columns of a batch of pages, without the page keys; `quality_score` is null until
/// the wiki's thresholds are known.
#[derive(Default)]
pub struct QualityColumns {
    pub revision_timestamp: Vec<Option<i64>>,
    pub page_length: Vec<i64>,
    pub num_refs: Vec<i32>,
    pub num_headings: Vec<i32>,
    pub num_wikilinks: Vec<i32>,
    pub num_categories: Vec<i32>,
    pub num_media: Vec<i32>,
    pub quality_score: Vec<Option<f64>>,
}

// len and is_empty: the Arrow accumulator (rows.rs) sizes its batches by them.
#[allow(dead_code)]
impl QualityColumns {
    pub fn len(&self) -> usize {
        self.page_length.len()
    }

    pub fn is_empty(&self) -> bool {
        self.page_length.is_empty()
    }
}

/// Appends the page's row: `page_length` is the length of its wikitext in characters (code points), `links`
/// holds the page's `links` rows from `link_start` on (the quality model counts wikilinks, categories and
/// media among them); `<ref>` tags count with their reuses, headings of levels 2 and 3.
pub fn add_article_quality(scan: &Scan, revision_timestamp: Option<i64>, page_length: i64, links: &LinkColumns,
                           link_start: usize, out: &mut QualityColumns) {
    let count = |kind: &str| links.link_type[link_start..].iter().filter(|&&found| found == kind).count() as i32;
    out.revision_timestamp.push(revision_timestamp);
    out.page_length.push(page_length);
    out.num_refs.push(scan.refs.len() as i32);
    out.num_headings.push(scan.sections.iter().filter(|section| matches!(section.level, 2 | 3)).count() as i32);
    out.num_wikilinks.push(count("wikilink"));
    out.num_categories.push(count("category"));
    out.num_media.push(count("media"));
    out.quality_score.push(None);
}
