"""Datasets kept as Apache Iceberg tables beside the plain Parquet layout, so that an update writes what
changed rather than a whole new partition (docs/decisions.md, "Incremental datasets: Iceberg").

Layout: `<output>/_tables/` is the warehouse, `<output>/_tables/catalog.db` pyiceberg's embedded SQLite
catalog; one table per wiki and dataset (`<wiki_db>.<dataset>`), with the dataset's file schema and
bucketed by page_id (a page's rows are in one bucket's files, which a scan for the page reads, not the
others'). An update marks the touched pages' rows deleted by position and appends their new rows
(merge-on-read, row_deletes.py): no data file is rewritten, so it writes what changed. Each
snapshot of the dumps is an Iceberg snapshot tagged `snapshot-<YYYYMMDD>`: `wikidumps.open_dataset(output,
name, as_of=...)` reads the latest tag at or before a date. The monthly full build keeps its Parquet layout;
`seed_table` copies one of its partitions into the table.

Each table's commit, with its tag, is atomic (the catalog's pointer moves in one SQLite transaction); an
update killed between two tables' commits leaves some tables at the new tag, which the next run skips: it
reads the base at the old tag, so that what it computes does not depend on how far the killed run went.
Delete files and small data files add up over a month of daily updates; seeding the table from the next
monthly full build (an overwrite) starts it afresh.
"""
from __future__ import annotations

import functools
import os
import warnings
from typing import Iterable, Iterator

import pyarrow as pa

from schemas import DATASETS
from schemas.layout import TABLE_CATALOG, TABLE_TAG_PREFIX as TAG_PREFIX, TABLES

# Buckets of page_id per table: a scan for the touched pages plans and reads the files of their buckets only.
# No longer a trade-off on bytes written (deletes are by position), so the count stays as it was.
TABLE_BUCKETS = 16


def catalog(output: str):
    """The output's embedded catalog (created on first use)."""
    return _catalog(os.path.abspath(os.path.join(output, TABLES)), os.getpid())


@functools.lru_cache(maxsize=8)
def _catalog(warehouse: str, pid: int):
    """One catalog per warehouse and process: making one sets up SQLAlchemy and checks the catalog's tables,
    which an update did for each of its ~30 table lookups. Keyed by process id too, so that a forked worker
    opens its own connections rather than sharing its parent's."""
    from pyiceberg.catalog.sql import SqlCatalog

    os.makedirs(warehouse, exist_ok=True)
    return SqlCatalog(TABLE_CATALOG, uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


def tag(snapshot: str) -> str:
    return TAG_PREFIX + snapshot


def table_of(output: str, wiki_db: str, dataset: str, *, create: bool = False, buckets: int = TABLE_BUCKETS):
    """The table of one wiki's dataset; None when it does not exist (and `create` is false)."""
    from pyiceberg.exceptions import NoSuchTableError
    from pyiceberg.transforms import BucketTransform

    found = catalog(output)
    name = f"{wiki_db}.{dataset}"
    try:
        return found.load_table(name)
    except NoSuchTableError:
        if not create:
            return None
    found.create_namespace_if_not_exists(wiki_db)
    table = found.create_table(name, schema=DATASETS[dataset].file_schema)
    if "page_id" in DATASETS[dataset].file_schema.names:
        with table.update_spec() as spec:
            spec.add_field("page_id", BucketTransform(buckets), "page_bucket")
    return table


def tagged(table, snapshot: str) -> int | None:
    """The Iceberg snapshot id tagged for a dump snapshot, if any."""
    ref = table.metadata.refs.get(tag(snapshot))
    return ref.snapshot_id if ref else None


def _as_table_rows(batches: Iterable[pa.RecordBatch], dataset: str) -> pa.Table:
    schema = DATASETS[dataset].file_schema
    return pa.Table.from_batches(list(batches), schema=schema) if batches else schema.empty_table()


def seed_table(output: str, wiki_db: str, dataset: str, snapshot: str, batches: Iterable[pa.RecordBatch],
               buckets: int = TABLE_BUCKETS) -> bool:
    """Makes the table hold exactly `batches` (a full build's partition) and tags it `snapshot`; False when
    that tag is already there. `buckets` is used when the table is created."""
    table = table_of(output, wiki_db, dataset, create=True, buckets=buckets)
    if tagged(table, snapshot) is not None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyiceberg warns on every write that it downcasts nothing
        table.overwrite(_as_table_rows(list(batches), dataset))
    table.manage_snapshots().create_tag(table.current_snapshot().snapshot_id, tag(snapshot)).commit()
    return True


def read_pages(output: str, wiki_db: str, dataset: str, snapshot: str, page_ids: list[int] | None
               ) -> Iterator[pa.RecordBatch]:
    """The table's rows at the tag of `snapshot` (only those of `page_ids` when given), in the file schema."""
    from pyiceberg.expressions import AlwaysTrue, In

    table = table_of(output, wiki_db, dataset)
    snapshot_id = None if table is None else tagged(table, snapshot)
    if snapshot_id is None:
        raise LookupError(f"{output}: no {dataset} table of {wiki_db} tagged {tag(snapshot)}")
    if page_ids is not None and not page_ids:
        return
    row_filter = AlwaysTrue() if page_ids is None else In("page_id", page_ids)
    found = table.scan(row_filter=row_filter, snapshot_id=snapshot_id).to_arrow()
    yield from found.cast(DATASETS[dataset].file_schema).to_batches()


def commit_changes(output: str, wiki_db: str, dataset: str, base_snapshot: str, snapshot: str,
                   replaced_pages: list[int] | None, rows: Iterable[pa.RecordBatch]) -> bool:
    """One commit on the table tagged `base_snapshot`: the rows of `replaced_pages` marked deleted by position
    (merge-on-read: no data file is rewritten) and `rows` added, tagged `snapshot` in the same commit; every row
    replaced by `rows` when `replaced_pages` is None. False when the table already has that tag (a re-run
    after a kill)."""
    from transforms.datasets.row_deletes import replace_rows

    table = table_of(output, wiki_db, dataset)
    if tagged(table, snapshot) is not None:
        return False
    added = _as_table_rows(list(rows), dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if replaced_pages is None:
            table.overwrite(added)
            table.manage_snapshots().create_tag(table.current_snapshot().snapshot_id, tag(snapshot)).commit()
        else:
            replace_rows(table, tagged(table, base_snapshot), replaced_pages, added, tag(snapshot))
    return True
