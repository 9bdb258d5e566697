//! `article_quality` rows (issue 17): the raw features of the language-agnostic quality model of Wikimedia
//! Research, one row per page, from its scan and its links. The thresholds and the score are computed later,
//! over the whole wiki (transforms/wikitext/quality.py, the ScoreArticleQuality transform).

use crate::rows::{LinkColumns, QualityColumns};
use crate::scan::Scan;

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
