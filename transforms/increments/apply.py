"""The base snapshot's rows brought up to date with `Changes`: what a full build of the new snapshot writes,
computed from the rows of the pages touched only.

Per dataset the base partition streams by in batches: rows of untouched pages are carried over as they are
(a filter on page_id, in Arrow), rows of touched pages are set aside and recomputed:
- revisions: the page's earlier rows and its new ones, revision deletion applied as the dumps of the new
  snapshot show it (a hidden part is null and flagged, as `<... deleted="deleted">` reads; the sha1 and
  size a dump still carries stay), titles as the page's latest, then byte diffs and identity reverts over
  the whole page again (transforms/revisions/metadata.py: a new revision can revert an old one);
- pages: the page's row from those rows (transforms/revisions/history.py);
- content datasets: rows of the latest revision, scanned by the content job's own page processor, for
  pages whose latest revision is new; a page deleted loses its rows everywhere.
A page deleted by the events (and not restored) is left out, as the new snapshot's dumps leave it out.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from schemas import PAGES, REVISIONS
from transforms.common import counters
from transforms.common.counters import BASE_REVISIONS as BASE, INCREMENT_REVISIONS as INCREMENT
from transforms.common.naming import title_for_output
from transforms.common.problems import Filtered, Problem
from transforms.increments.changes import Changes, PageChange
from transforms.revisions.history import page_row
from transforms.revisions.metadata import byte_diffs
from transforms.revisions.reverts import identity_reverts
from transforms.wikitext.content import CONTENT_DATASETS, ContentPages
from transforms.xml.records import Page

UNRESTORABLE = "restored-page-unknown"


@dataclass
class Outcome:
    """Rows of the new snapshot, problems met and the counts of the accounting."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _final_title(change: PageChange, base_page: dict | None) -> tuple[int, str]:
    """(namespace, title with underscores) the new snapshot shows the page under."""
    namespace, title = (base_page["page_namespace"], base_page["page_title"]) if base_page else (None, None)
    latest_time = -1
    if change.latest is not None:
        namespace, title = change.latest.namespace, title_for_output(change.latest.title)
        latest_time = max(row["revision_timestamp"] for row in change.revision_rows) if change.revision_rows else -1
    if change.moved_to is not None and change.moved_at >= latest_time:
        namespace, title = change.moved_to[0], title_for_output(change.moved_to[1])
    return namespace, title


def hide(row: dict, parts: frozenset[str]) -> None:
    """Revision deletion as the new snapshot's dumps show it: the hidden part null and flagged (a deleted
    text keeps the size and sha1 the dump's `<text>` still carries, so reverts see it as before)."""
    if "text" in parts:
        row.update(revision_text_is_deleted=True, revision_is_redirect=None)
    if "comment" in parts:
        row.update(revision_comment=None, revision_comment_is_deleted=True)
    if "user" in parts:
        row.update(user_id=None, user_text=None, user_is_anonymous=False, user_is_temporary=False, user_is_deleted=True)


def page_rows(change: PageChange, base_rows: list[dict], base_page: dict | None, outcome: Outcome
              ) -> tuple[dict, list[dict]] | None:
    """The `pages` row and `revisions` rows of one touched page in the new snapshot; None when it has none
    (deleted, or restored without a history the base or the dumps hold)."""
    counts = outcome.counts
    if change.deleted:
        counts[BASE.filtered] += len(base_rows)
        counts[BASE.filtered_because("page-deleted")] += len(base_rows)
        counts[INCREMENT.filtered] += len(change.revision_rows)
        counts[INCREMENT.filtered_because("page-deleted")] += len(change.revision_rows)
        return None
    if base_page is None and change.latest is None:
        if change.deleted is False:  # restored, but neither the base nor the dumps hold its revisions
            outcome.problems.append(Problem(UNRESTORABLE, f"page {change.page_id} was restored but its revisions are "
                                            "in neither the base nor the adds/changes dumps; rebuild it from a full dump",
                                            "page", False, page_id=change.page_id))
        return None
    known = {row["revision_id"] for row in base_rows}
    rows = [dict(row) for row in base_rows]
    counts[BASE.written] += len(rows)
    for row in change.revision_rows:
        if row["revision_id"] in known:
            counts[INCREMENT.filtered] += 1
            counts[INCREMENT.filtered_because("in-base")] += 1
            continue
        rows.append(dict(row))
        counts[INCREMENT.written] += 1
    namespace, title = _final_title(change, base_page)
    for row in rows:
        row["page_namespace"], row["page_title"] = namespace, title
        if row["revision_id"] in change.hidden:
            hide(row, change.hidden[row["revision_id"]])
    rows.sort(key=lambda r: (r["revision_timestamp"], r["revision_id"]))
    _add_revision_metadata(rows)
    if change.latest is not None:
        header = change.latest
        is_redirect, redirect_title = header.is_redirect, header.redirect_title
    else:
        is_redirect, redirect_title = base_page["page_is_redirect"], base_page["page_redirect_title"]
    page = Page(change.page_id, namespace, title, title, redirect_title, is_redirect, None, iter(()))
    columns = {name: [row[name] for row in rows] for name in
               ("revision_id", "revision_timestamp", "revision_text_bytes", "revision_content_model")}
    return page_row(page, title, columns, True), rows


def _add_revision_metadata(rows: list[dict]) -> None:
    """Sets the byte diff and the four identity-revert columns on the `revisions` rows of one page, as the
    history job computes them (the engine's byte_diffs and identity_reverts over the page's columns)."""
    ids = [row["revision_id"] for row in rows]
    parents = [row["revision_parent_id"] for row in rows]
    diffs = byte_diffs(ids, parents, [row["revision_text_bytes"] for row in rows])
    infos = identity_reverts(ids, [row["revision_timestamp"] for row in rows], parents,
                             [row["revision_text_sha1"] for row in rows])
    for row, diff, info in zip(rows, diffs, infos):
        row["revision_text_bytes_diff"] = diff
        row["revision_is_identity_revert"] = info.is_revert
        row["revision_is_identity_reverted"] = info.is_reverted
        row["revision_first_identity_reverting_revision_id"] = info.first_reverting_revision_id
        row["revision_seconds_to_identity_revert"] = info.seconds_to_revert


def _by_page(batches: Iterable[pa.RecordBatch], touched: pa.Array, set_aside: dict) -> Iterator[pa.RecordBatch]:
    """Yields the carried batches (untouched pages) as they stream by; the touched pages' rows go to
    `set_aside`, grouped by page, timestamps as epoch seconds (as the row functions take them)."""
    for batch in batches:
        mask = pc.is_in(batch.column("page_id"), value_set=touched)
        yield batch.filter(pc.invert(mask))
        chosen = batch.filter(mask)
        arrays = [column.cast(pa.int64()) if pa.types.is_timestamp(column.type) else column for column in chosen.columns]
        for row in pa.RecordBatch.from_arrays(arrays, names=chosen.schema.names).to_pylist():
            set_aside[row["page_id"]].append(row)


def update_history(base: dict[str, Iterable[pa.RecordBatch]], changes: Changes, outcome: Outcome
                   ) -> Iterator[tuple[str, pa.RecordBatch | list[dict]]]:
    """(dataset, batch or rows) of `pages` and `revisions` in the new snapshot.

    Args:
        base: per dataset, the base snapshot's batches (of the file schema): all of them, or only those of the
            touched pages (a table read with a filter), in which case nothing is carried.
    """
    touched = pa.array(sorted(changes.pages), pa.int64())
    revisions: dict[int, list[dict]] = defaultdict(list)
    for batch in _by_page(base[REVISIONS], touched, revisions):
        outcome.counts[BASE.read] += batch.num_rows
        outcome.counts[BASE.written] += batch.num_rows
        yield REVISIONS, batch
    pages: dict[int, list[dict]] = defaultdict(list)
    for batch in _by_page(base[PAGES], touched, pages):
        yield PAGES, batch
    new_pages, new_revisions = [], []
    for page_id, change in sorted(changes.pages.items()):
        outcome.counts[BASE.read] += len(revisions[page_id])
        found = page_rows(change, revisions[page_id], (pages[page_id] or [None])[0], outcome)
        if found is not None:
            new_pages.append(found[0])
            new_revisions += found[1]
    yield PAGES, new_pages
    yield REVISIONS, new_revisions


def content_touched(changes: Changes) -> set[int]:
    """Pages whose content rows change: deleted ones, and those whose latest revision is new."""
    return {page_id for page_id, change in changes.pages.items() if change.deleted or change.latest is not None}


def update_content(base: dict[str, Iterable[pa.RecordBatch]], changes: Changes, processor: ContentPages, outcome: Outcome
                   ) -> Iterator[tuple[str, pa.RecordBatch | list | Problem]]:
    """(dataset, batch) of the content datasets' carried rows, then the items the content job's page
    processor yields for each page whose latest revision is new."""
    touched = pa.array(sorted(content_touched(changes)), pa.int64())
    for dataset in CONTENT_DATASETS:
        for batch in base.get(dataset, ()):
            kept = batch.filter(pc.invert(pc.is_in(batch.column("page_id"), value_set=touched)))
            outcome.counts[counters.rows_carried(dataset)] += kept.num_rows
            yield dataset, kept
    for page_id, change in sorted(changes.pages.items()):
        if change.deleted or change.latest is None:
            continue
        page = change.latest
        for item in processor(page, change.latest_source):
            if isinstance(item, Filtered):
                outcome.counts[counters.BY_RECORD_KIND[item.record_kind].filtered_because(item.reason)] += item.count
            else:
                yield item
