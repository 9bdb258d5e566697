"""The report's section on what `wikidumps run update` changed: given the folder an update wrote its snapshot
to (`wikidumps report --update DIR`, `make demo`'s `update/`), each dataset's rows and pages at the snapshot
before and after, what a delta from one to the other holds (as `datasets publish --deltas` publishes it), the
revisions added, removed and changed, the pages created, deleted and renamed, and the update's own counts.

Kept apart from sections.py (which reads one folder) because it compares two snapshots of another.
"""
from __future__ import annotations

import html

import pyarrow as pa
import pyarrow.dataset as ds

from wikidumps.deltas import changed_keys, delta_key, key_mask
from wikidumps.report.sections import ReportData, Section, SectionUnavailable, _table

PARTITION_COLUMNS = ("wiki_db", "snapshot")


def _rows_at(data: ReportData, name: str, wiki_db: str, snapshot: str) -> pa.Table:
    dataset = data.dataset(name)
    table = dataset.to_table(filter=(ds.field("wiki_db") == wiki_db) & (ds.field("snapshot") == snapshot))
    return table.drop_columns([c for c in PARTITION_COLUMNS if c in table.column_names])


def _last_two(data: ReportData, name: str) -> dict[str, tuple[str, str]]:
    """wiki -> (the snapshot before the latest, the latest) of each wiki with two snapshots of `name`."""
    snapshots: dict[str, set[str]] = {}
    for partition in data.manifests[name]["partitions"]:
        snapshots.setdefault(partition["wiki_db"], set()).add(partition["snapshot"])
    return {wiki: tuple(sorted(found)[-2:]) for wiki, found in sorted(snapshots.items()) if len(found) > 1}


def _by(table: pa.Table, key: str) -> dict:
    return {row[key]: row for row in table.to_pylist()}


def _update_counts(data: ReportData, wiki: str, snapshot: str) -> str:
    """The update run's accounting, from the manifest of revisions (each count: read = written + dropped +
    filtered)."""
    runs = data.manifests["revisions"].get("runs", {})
    partition = next((p for p in data.manifests["revisions"]["partitions"]
                      if (p["wiki_db"], p["snapshot"]) == (wiki, snapshot)), None)
    run = runs.get((partition or {}).get("run_id", ""), {})
    accounting = run.get("accounting") or {}
    rows = [[name, c["read"], c["written"], c["dropped"], c["filtered"]]
            for name, c in sorted(accounting.items()) if isinstance(c, dict) and "read" in c]
    if not rows:
        return ""
    return ('<p class="how">The update\'s counts (from the manifest of revisions): each row read is written, '
            "dropped or filtered (a deleted page's revisions, an event of another wiki).</p>"
            + _table(["input", "read", "written", "dropped", "filtered"], rows, "update-counts"))


def update_changes(data: ReportData) -> str:
    """Per wiki with two snapshots in the update's folder: what changed from the earlier to the later."""
    update = data.update
    if update is None or not update.has("revisions"):
        raise SectionUnavailable("no update folder with revisions was given")
    pairs = _last_two(update, "revisions")
    if not pairs:
        raise SectionUnavailable(f"{update.output}: revisions has one snapshot per wiki; `wikidumps run update` adds "
                                 "the next one")
    parts = []
    for wiki, (before, after) in pairs.items():
        old_revisions, new_revisions = (_by(_rows_at(update, "revisions", wiki, s), "revision_id") for s in (before, after))
        changed = sum(1 for rid in old_revisions.keys() & new_revisions.keys() if old_revisions[rid] != new_revisions[rid])
        facts = [["revisions added", len(new_revisions.keys() - old_revisions.keys())],
                 ["revisions removed (their page deleted)", len(old_revisions.keys() - new_revisions.keys())],
                 ["revisions changed (reverted, hidden, renamed)", changed]]
        if update.has("pages"):
            old_pages, new_pages = (_by(_rows_at(update, "pages", wiki, s), "page_id") for s in (before, after))
            facts += [["pages created", len(new_pages.keys() - old_pages.keys())],
                      ["pages deleted", len(old_pages.keys() - new_pages.keys())],
                      ["pages renamed (moved)", sum(1 for p in old_pages.keys() & new_pages.keys()
                                                    if old_pages[p]["page_title"] != new_pages[p]["page_title"])]]
        rows = []
        for name in sorted(update.manifests):
            if (wiki, (before, after)) not in _last_two(update, name).items():
                continue
            earlier, later = _rows_at(update, name, wiki, before), _rows_at(update, name, wiki, after)
            key = delta_key(earlier, later)
            if key is None:
                continue
            removed, added = changed_keys(earlier, later, key)
            rows.append([name, earlier.num_rows, later.num_rows, key, len(removed),
                         later.filter(key_mask(later, key, added)).num_rows])
        parts.append(
            f"<h3>{html.escape(wiki)}: {html.escape(before)} to {html.escape(after)}</h3>"
            + _table(["change", "count"], facts, "update-facts")
            + '<p class="how">Per dataset: rows at each snapshot, and what a delta (<code>datasets publish '
              "--deltas</code>) from one to the other holds: the keys whose rows go, and the rows that come.</p>"
            + _table(["dataset", f"rows {before}", f"rows {after}", "delta key", "keys removed", "rows added"], rows,
                     "update-datasets")
            + _update_counts(update, wiki, after))
    return f'<p class="meta">{html.escape(str(update.output))}</p>' + "".join(parts)


SECTION = Section("update", "What the update changed", ("revisions",), update_changes,
                  "wikidumps run update (and `wikidumps report --update DIR`)", needs_update=True)
