"""Row-level changes of an Iceberg table by position-delete files (transforms/datasets/row_deletes.py): the rows
pyiceberg's scan reads at each tag are exactly those expected, no data file is rewritten, an update over an
earlier update's deletes deletes each row once, and a commit on a table that moved since the base is refused."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyiceberg", reason="the tables need the pipelines extra's pyiceberg")

from pyiceberg.catalog.sql import SqlCatalog  # noqa: E402
from pyiceberg.transforms import BucketTransform  # noqa: E402

from transforms.datasets.row_deletes import replace_rows  # noqa: E402

SCHEMA = pa.schema([pa.field("page_id", pa.int64(), nullable=False), pa.field("text", pa.string())])


def _rows(pairs: list[tuple[int, str]]) -> pa.Table:
    return pa.table({"page_id": [p for p, _ in pairs], "text": [t for _, t in pairs]}, schema=SCHEMA)


@pytest.fixture
def table(tmp_path):
    catalog = SqlCatalog("test", uri=f"sqlite:///{tmp_path}/catalog.db", warehouse=f"file://{tmp_path}")
    catalog.create_namespace("w")
    table = catalog.create_table("w.t", schema=SCHEMA)
    with table.update_spec() as spec:
        spec.add_field("page_id", BucketTransform(2), "page_bucket")
    table.append(_rows([(page, f"{page}.{n}") for page in range(1, 7) for n in (1, 2)]))
    table.manage_snapshots().create_tag(table.current_snapshot().snapshot_id, "a").commit()
    return table


def _at(table, tag: str) -> list[tuple]:
    rows = table.scan(snapshot_id=table.metadata.refs[tag].snapshot_id).to_arrow().to_pylist()
    return sorted((row["page_id"], row["text"]) for row in rows)


def _files(table, tag: str) -> tuple[set[str], set[str]]:
    tasks = list(table.scan(snapshot_id=table.metadata.refs[tag].snapshot_id).plan_files())
    return {t.file.file_path for t in tasks}, {d.file_path for t in tasks for d in t.delete_files}


def test_replaced_pages_are_deleted_by_position_and_each_tag_reads_its_rows(table):
    original = [(page, f"{page}.{n}") for page in range(1, 7) for n in (1, 2)]
    a = table.metadata.refs["a"].snapshot_id
    # b: page 2 gets new rows, page 5 is gone.
    replace_rows(table, a, [2, 5], _rows([(2, "2.new")]), "b")
    table = table.refresh()
    expected_b = [row for row in original if row[0] not in (2, 5)] + [(2, "2.new")]
    assert _at(table, "a") == original
    assert _at(table, "b") == sorted(expected_b)
    data_a, deletes_a = _files(table, "a")
    data_b, deletes_b = _files(table, "b")
    assert not deletes_a and data_a < data_b  # nothing rewritten: a's files are all still b's
    assert sum(pq.read_metadata(f.removeprefix("file://")).num_rows for f in deletes_b) == 4  # 2 rows each of 2 and 5

    # c, over b's deletes: page 2's new row and page 3 replaced; page 2's old rows were deleted already.
    replace_rows(table, table.metadata.refs["b"].snapshot_id, [2, 3], _rows([(2, "2.newer"), (3, "3.new")]), "c")
    table = table.refresh()
    expected_c = [row for row in expected_b if row[0] not in (2, 3)] + [(2, "2.newer"), (3, "3.new")]
    assert _at(table, "c") == sorted(expected_c)
    assert _at(table, "b") == sorted(expected_b)
    _, deletes_c = _files(table, "c")
    new_deletes = {f for f in deletes_c if f not in deletes_b}
    assert sum(pq.read_metadata(f.removeprefix("file://")).num_rows for f in new_deletes) == 3  # 2.new, 3.1, 3.2


def test_a_commit_on_a_table_that_moved_since_the_base_is_refused(table):
    a = table.metadata.refs["a"].snapshot_id
    replace_rows(table, a, [1], _rows([(1, "1.new")]), "b")
    table = table.refresh()
    with pytest.raises(RuntimeError, match="not the base's tagged one"):
        replace_rows(table, a, [4], _rows([(4, "4.new")]), "c")
    table = table.refresh()
    assert "c" not in table.metadata.refs
    assert table.current_snapshot().snapshot_id == table.metadata.refs["b"].snapshot_id


def test_an_overwrite_after_position_deletes_holds_exactly_its_rows(table):
    """The next monthly full build seeds the table by an overwrite (tables.seed_table): the earlier delete
    files, left dangling, must delete none of its rows."""
    replace_rows(table, table.metadata.refs["a"].snapshot_id, [1, 2], _rows([(1, "1.new")]), "b")
    table = table.refresh()
    month = [(page, f"{page}.month") for page in range(1, 7)]
    table.overwrite(_rows(month))
    table = table.refresh()
    table.manage_snapshots().create_tag(table.current_snapshot().snapshot_id, "c").commit()
    assert _at(table.refresh(), "c") == month
