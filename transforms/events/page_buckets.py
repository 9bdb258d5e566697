"""Revisions read from event dumps, as Arrow columns: from converted records to final `revisions` batches.

Events are not grouped by page in the files (a stream interleaves every page of several wikis), so
byte diffs and identity reverts, which need a page's other revisions, are computed once all the
revisions of a page are together. Readers turn their revisions into metadata batches
(`metadata_batch`) and cut them by wiki and bucket of page ids (`by_page_bucket`) for the grouping
step, which finishes each bucket with `finish_page_revisions`. Revisions without a page id
(recentchange events) cannot be grouped: `finish_alone` finishes each by itself.

The rules are the XML path's (transforms/revisions/metadata.py). Columns move through Arrow's kernels
(sort, take); only the few columns the rules read become Python lists. Every table or batch handed on
owns its buffers (built by `take`, never a slice), because pickling a slice copies its parent's
buffers whole.
"""
from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from schemas import DATASETS, REVISIONS
from transforms.datasets.rows import DEFAULT_BATCH_ROWS
from transforms.events.records import REVISION_FIELDS
from transforms.revisions.metadata import byte_diffs
from transforms.revisions.reverts import NOT_REVERTED, identity_reverts

SCHEMA = DATASETS[REVISIONS]
PAGE_BUCKET_BITS = 10  # 1,024 consecutive page ids are finished together
_FILE_FIELDS = {f.name: f for f in SCHEMA.file_schema}
# A converted revision (the fields of records.REVISION_FIELDS), then where it came from: earlier
# input, then earlier record, wins when a revision appears twice. Timestamps stay epoch seconds (int64)
# until the end, as the revert and diff rules take them.
_OWN_TYPES = {"wiki_db": pa.string(), "revision_timestamp": pa.int64(), "parent_text_bytes": pa.int64()}
METADATA_SCHEMA = pa.schema(
    [pa.field(name, _OWN_TYPES[name]) if name in _OWN_TYPES else _FILE_FIELDS[name] for name in REVISION_FIELDS]
    + [pa.field("source_order", pa.int64())]
)
_CONVERTED = pa.struct(list(METADATA_SCHEMA)[:-1])
# What a bucket's batches hold: the wiki is in the group key.
BUCKET_SCHEMA = pa.schema([f for f in METADATA_SCHEMA if f.name != "wiki_db"])
COMPUTED = ("revision_text_bytes_diff", "revision_is_identity_revert", "revision_is_identity_reverted",
            "revision_first_identity_reverting_revision_id", "revision_seconds_to_identity_revert")
if set(REVISION_FIELDS) - {"wiki_db", "parent_text_bytes"} != set(SCHEMA.file_columns) - set(COMPUTED):
    raise ImportError("event_records.REVISION_FIELDS must list the file columns of `revisions` not computed per page")


def metadata_batch(revisions: list[tuple], source_orders: list[int]) -> pa.RecordBatch:
    """Converted revisions (tuples of REVISION_FIELDS values) and their source orders as a metadata batch."""
    converted = pa.array(revisions, type=_CONVERTED)
    columns = [converted.field(i) for i in range(converted.type.num_fields)]
    return pa.RecordBatch.from_arrays(columns + [pa.array(source_orders, pa.int64())], schema=METADATA_SCHEMA)


def by_page_bucket(table: pa.Table) -> tuple[list[tuple[tuple[str, int], pa.Table]], list[tuple[str, pa.Table]]]:
    """Splits metadata rows into those of each (wiki, bucket of page ids) and, per wiki, those without a page id.

    Returns:
        ([((wiki_db, bucket), rows of BUCKET_SCHEMA), ...], [(wiki_db, rows without page id, in input order), ...])
    """
    with_page = pc.is_valid(table["page_id"])
    grouped, alone = table.filter(with_page), table.filter(pc.invert(with_page))
    keys = pa.table({"wiki_db": grouped["wiki_db"], "bucket": pc.shift_right(grouped["page_id"], PAGE_BUCKET_BITS)})
    buckets = _split(grouped.select(BUCKET_SCHEMA.names), keys)
    return buckets, [(wiki_db, rows) for (wiki_db,), rows in _split(alone, alone.select(["wiki_db"]))]


def _split(table: pa.Table, keys: pa.Table) -> list[tuple[tuple, pa.Table]]:
    """The rows of `table` per distinct row of `keys`, in key order; rows keep their order within a key."""
    order = pc.sort_indices(keys, [(name, "ascending") for name in keys.column_names])  # a stable sort
    # One buffer per column first: a take from a table of many chunks costs in proportion to the whole
    # table, which made one take per group quadratic (7 s for 250 buckets of 466,800 rows, 0.3 s so).
    table = table.combine_chunks()
    values = list(zip(*(keys[name].take(order).to_pylist() for name in keys.column_names)))
    groups, start = [], 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] != values[start]:
            groups.append((values[start], table.take(order.slice(start, end - start))))
            start = end
    return groups


def finish_page_revisions(table: pa.Table, *, max_rows: int = DEFAULT_BATCH_ROWS) -> tuple[list[pa.RecordBatch], int]:
    """Final `revisions` batches (file schema) from the metadata rows of some pages, and how many duplicates were dropped.

    Per page: a revision seen twice keeps its first copy (by source_order); every row takes the page's
    latest title and namespace (the title "at dump time", as XML dumps give it); then byte diffs and
    identity reverts as for XML. Rows come back by page, then timestamp and revision id.
    """
    by_copy = pc.sort_indices(table, [("page_id", "ascending"), ("revision_id", "ascending"),
                                      ("source_order", "ascending")])
    pages, revision_ids = (table[name].take(by_copy).to_pylist() for name in ("page_id", "revision_id"))
    first_copies = [i for i in range(len(pages))
                    if i == 0 or pages[i] != pages[i - 1] or revision_ids[i] != revision_ids[i - 1]]
    duplicates = table.num_rows - len(first_copies)
    if duplicates:
        table = table.take(by_copy.take(first_copies))
    order = pc.sort_indices(table, [("page_id", "ascending"), ("revision_timestamp", "ascending"),
                                    ("revision_id", "ascending")])
    pages, revision_ids, parent_ids, timestamps, sizes, stated, sha1s = (table[name].take(order).to_pylist() for name in (
        "page_id", "revision_id", "revision_parent_id", "revision_timestamp", "revision_text_bytes",
        "parent_text_bytes", "revision_text_sha1"))
    latest, diffs, reverts = [], [], []
    start = 0
    for end in range(1, len(pages) + 1):
        if end < len(pages) and pages[end] == pages[start]:
            continue
        page = slice(start, end)
        latest.extend([end - 1] * (end - start))
        diffs.extend(byte_diffs(revision_ids[page], parent_ids[page], sizes[page], stated[page]))
        reverts.extend(identity_reverts(revision_ids[page], timestamps[page], parent_ids[page], sha1s[page]))
        start = end
    return list(_final_batches(table, order, diffs, reverts, order.take(latest), max_rows)), duplicates


def finish_alone(table: pa.Table, *, max_rows: int = DEFAULT_BATCH_ROWS) -> list[pa.RecordBatch]:
    """Final `revisions` batches of revisions that have no page to be grouped by, each finished by itself."""
    diffs = [byte_diffs([revision_id], [parent_id], [size], [stated])[0] for revision_id, parent_id, size, stated in zip(
        *(table[name].to_pylist() for name in ("revision_id", "revision_parent_id", "revision_text_bytes",
                                               "parent_text_bytes")))]
    rows = pa.array(range(table.num_rows), pa.int64())
    return list(_final_batches(table, rows, diffs, [NOT_REVERTED] * table.num_rows, rows, max_rows))


def _final_batches(table: pa.Table, order: pa.Array, diffs: list, reverts: list, title_rows: pa.Array,
                   max_rows: int) -> Iterator[pa.RecordBatch]:
    """Batches of the rows of `table` at `order`, each taking its title and namespace from the row at `title_rows`."""
    for start in range(0, len(order), max_rows):
        end = start + max_rows
        rows, titled = order.slice(start, max_rows), title_rows.slice(start, max_rows)
        window = reverts[start:end]
        computed = {
            "revision_text_bytes_diff": diffs[start:end],
            "revision_is_identity_revert": [info.is_revert for info in window],
            "revision_is_identity_reverted": [info.is_reverted for info in window],
            "revision_first_identity_reverting_revision_id": [info.first_reverting_revision_id for info in window],
            "revision_seconds_to_identity_revert": [info.seconds_to_revert for info in window],
        }
        columns = []
        for field in SCHEMA.file_schema:
            if field.name in computed:
                column = pa.array(computed[field.name], type=field.type)
            elif field.name in ("page_title", "page_namespace"):
                column = table[field.name].take(titled)
            else:
                column = table[field.name].take(rows)
            columns.append(column if column.type == field.type else column.cast(field.type))
        yield pa.Table.from_arrays(columns, schema=SCHEMA.file_schema).combine_chunks().to_batches()[0]
