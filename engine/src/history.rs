//! The history job's per-page work on revision metadata: byte diffs and identity reverts (as
//! mediawiki_history computes them), and whether a text starts with a redirect line. The events job
//! calls the same functions on the revisions it groups by page (transforms/events/page_buckets.py).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use pyo3::prelude::*;

/// `revision_text_bytes_diff` of each revision of one page, in any order.
///
/// No parent: the diff is the size. Parent among the page's revisions: size minus the parent's size.
/// Otherwise the parent's size the source itself stated (event dumps give it), else null.
#[pyfunction]
#[pyo3(signature = (revision_ids, parent_ids, sizes, stated_parent_sizes=None))]
pub fn byte_diffs(revision_ids: Vec<i64>, parent_ids: Vec<Option<i64>>, sizes: Vec<Option<i64>>,
                  stated_parent_sizes: Option<Vec<Option<i64>>>) -> Vec<Option<i64>> {
    let size_of: HashMap<i64, Option<i64>> = revision_ids.iter().copied().zip(sizes.iter().copied()).collect();
    sizes.iter().zip(&parent_ids).enumerate().map(|(i, (size, parent))| {
        let size = (*size)?;
        match parent {
            Some(parent) if *parent > 0 => {
                let parent_size = size_of.get(parent).copied().flatten()
                    .or_else(|| stated_parent_sizes.as_ref().and_then(|stated| stated[i]));
                parent_size.map(|parent_size| size - parent_size)
            }
            _ => Some(size),
        }
    }).collect()
}

/// (is_revert, is_reverted, first reverting revision id, seconds to that revert) of a revision.
pub type RevertInfo = (bool, bool, Option<i64>, Option<i64>);

/// Identity reverts of one page, with mediawiki_history's algorithm (DenormalizedRevisionsBuilder).
///
/// Per sha1, revisions ordered by (timestamp, revision id): the first is the revert base, the others are
/// reverts to it, except no-op edits whose parent is the previous revision of the same sha1 (null edits,
/// page-merge artefacts). Walking the page in that order, a revision that is not itself the next pending
/// revert is reverted by the earliest pending revert; pending reverts of a base join once the base is
/// passed. A reverting revision is also reverted when a later pending revert has a different base (a
/// "wider" revert). No time window, no radius. Revisions without a sha1 (deleted text) are never bases
/// or reverts but can be reverted. Revision ids are unique within the page.
#[pyfunction]
pub fn identity_reverts(revision_ids: Vec<i64>, timestamps: Vec<i64>, parent_ids: Vec<Option<i64>>,
                        sha1s: Vec<Option<String>>) -> Vec<RevertInfo> {
    let n = revision_ids.len();
    let key = |i: usize| (timestamps[i], revision_ids[i]);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| key(i));

    // Each sha1's revisions in page order, the sha1s in order of first appearance.
    let mut series: Vec<Vec<usize>> = Vec::new();
    let mut series_of: HashMap<&str, usize> = HashMap::new();
    for &i in &order {
        if let Some(sha1) = sha1s[i].as_deref() {
            let at = *series_of.entry(sha1).or_insert_with(|| {
                series.push(Vec::new());
                series.len() - 1
            });
            series[at].push(i);
        }
    }
    let mut is_revert = vec![false; n];
    let mut reverts_of_base: HashMap<usize, VecDeque<usize>> = HashMap::new();
    for members in &series {
        let mut previous = members[0];
        let mut real = VecDeque::new();
        for &i in &members[1..] {
            if parent_ids[i] != Some(revision_ids[previous]) {
                real.push_back(i);
                is_revert[i] = true;
            }
            previous = i;
        }
        if !real.is_empty() {
            reverts_of_base.insert(members[0], real);
        }
    }

    // (key of a base's earliest pending revert, base): a base has at most one live entry, the one that
    // matches the head of its queue; older entries are skipped when met.
    let mut pending: BinaryHeap<Reverse<((i64, i64), usize)>> = BinaryHeap::new();
    let live = |entry: &((i64, i64), usize), reverts: &HashMap<usize, VecDeque<usize>>| {
        reverts.get(&entry.1).and_then(|queue| queue.front()).is_some_and(|&head| key(head) == entry.0)
    };
    let earliest = |pending: &mut BinaryHeap<Reverse<((i64, i64), usize)>>, reverts: &HashMap<usize, VecDeque<usize>>,
                    excluding: Option<usize>| {
        let mut set_aside = Vec::new();
        let mut found = None;
        while let Some(Reverse(entry)) = pending.peek().copied() {
            if !live(&entry, reverts) {
                pending.pop();
                continue;
            }
            if Some(entry.1) == excluding {
                set_aside.push(pending.pop().unwrap());
                continue;
            }
            found = Some(entry);
            break;
        }
        pending.extend(set_aside);
        found
    };

    let mut result: Vec<RevertInfo> = vec![(false, false, None, None); n];
    for &i in &order {
        let mut reverted_by = None;
        match earliest(&mut pending, &reverts_of_base, None) {
            Some((head_key, base)) if head_key == key(i) => {
                pending.pop();
                let queue = reverts_of_base.get_mut(&base).unwrap();
                queue.pop_front();
                if let Some(&next) = queue.front() {
                    pending.push(Reverse((key(next), base)));
                }
                if let Some((_, wider)) = earliest(&mut pending, &reverts_of_base, Some(base)) {
                    reverted_by = reverts_of_base[&wider].front().copied();
                }
            }
            Some((_, base)) => reverted_by = reverts_of_base[&base].front().copied(),
            None => {}
        }
        if let Some(by) = reverted_by {
            result[i] = (is_revert[i], true, Some(revision_ids[by]), Some(timestamps[by] - timestamps[i]));
        } else if is_revert[i] {
            result[i] = (true, false, None, None);
        }
        if let Some(&first) = reverts_of_base.get(&i).and_then(|queue| queue.front()) {
            pending.push(Reverse((key(first), i)));
        }
    }
    result
}

/// Python's \s (str.isspace()).
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Whether a text starts with a redirect line: the content job's REDIRECT_LINE,
/// `^\s*#[^\s\[]+[ \t]*:?[ \t]*(?=\[\[)` (any localised magic word).
pub fn starts_with_redirect(text: &str) -> bool {
    let rest = text.trim_start_matches(is_python_space);
    let Some(rest) = rest.strip_prefix('#') else { return false };
    let word_end = rest.find(|c: char| is_python_space(c) || c == '[').unwrap_or(rest.len());
    if word_end == 0 {
        return false;
    }
    // The word may end in ':' itself: the optional colon after it then matches nothing, the same match.
    let rest = rest[word_end..].trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start_matches([' ', '\t']);
    rest.starts_with("[[")
}

#[pyfunction]
#[pyo3(name = "starts_with_redirect")]
pub fn py_starts_with_redirect(text: &str) -> bool {
    starts_with_redirect(text)
}
