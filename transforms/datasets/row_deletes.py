"""Row-level changes of an Iceberg table (merge-on-read): the replaced rows marked deleted by position in
Iceberg position-delete files, the new rows appended, one snapshot for both, tagged in the same commit.

Why written here: pyiceberg 0.12 reads position deletes (its scan applies them, as Spark's Iceberg runtime
does) but writes none (its merge-on-read mode falls back to copy-on-write, which rewrites every data file a
changed page is in). A position-delete file is a Parquet file of (file_path, pos) rows, sorted, with the
reserved field ids of the Iceberg spec; it is listed in a manifest whose content is `deletes`. We write one
per data file it applies to ("file-scoped": lower and upper bounds of file_path equal its path), so a reader
finds a data file's deletes by its path. Imported only when a table is written (pyiceberg is optional).
"""
from __future__ import annotations

import os
import struct
import uuid
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.expressions import In
from pyiceberg.manifest import (DataFile, DataFileContent, FileFormat, ManifestContent, ManifestEntry,
                                ManifestEntryStatus, ManifestWriterV2)
from pyiceberg.table.snapshots import Operation
from pyiceberg.table.update.snapshot import ManageSnapshots, _FastAppendFiles

# Reserved field ids of a position-delete file's columns (Iceberg spec, "Position Delete Files").
FILE_PATH_ID, POS_ID = 2147483546, 2147483545
DELETE_SCHEMA = pa.schema([
    pa.field("file_path", pa.string(), nullable=False, metadata={b"PARQUET:field_id": str(FILE_PATH_ID).encode()}),
    pa.field("pos", pa.int64(), nullable=False, metadata={b"PARQUET:field_id": str(POS_ID).encode()}),
])


def _local(path: str) -> str:
    return path.removeprefix("file://")


def _deleted_positions(delete_files: Iterable[DataFile], data_path: str) -> pa.Array:
    """Positions of `data_path` already deleted by earlier commits' delete files."""
    found = [pq.read_table(_local(f.file_path)).filter(pc.field("file_path") == data_path).column("pos")
             for f in delete_files if f.content == DataFileContent.POSITION_DELETES]
    return pa.chunked_array([c for column in found for c in column.chunks], pa.int64()).combine_chunks()


def live_positions(table, snapshot_id: int, page_ids: list[int]) -> list[tuple[DataFile, pa.Array]]:
    """(data file, positions) of the rows of `page_ids` live at `snapshot_id`: the page_id column is read of
    the files the pages' buckets (and file statistics) point to, not the rows."""
    if not page_ids:
        return []
    wanted = pa.array(sorted(set(page_ids)), pa.int64())
    found = []
    for task in table.scan(row_filter=In("page_id", page_ids), snapshot_id=snapshot_id).plan_files():
        path = task.file.file_path
        ids = pq.read_table(_local(path), columns=["page_id"]).column("page_id")
        positions = pc.indices_nonzero(pc.is_in(ids, value_set=wanted))
        if task.delete_files and len(positions):
            positions = pc.filter(positions, pc.invert(pc.is_in(positions, _deleted_positions(task.delete_files, path))))
        if len(positions):
            found.append((task.file, positions.cast(pa.int64())))
    return found


def write_delete_file(data_file: DataFile, positions: pa.Array) -> DataFile:
    """The position-delete file of `positions` of `data_file`, written beside it (in its partition's folder)."""
    path = f"{os.path.dirname(data_file.file_path)}/deletes-{uuid.uuid4()}.parquet"
    positions = pc.take(positions, pc.array_sort_indices(positions))  # the spec wants (file_path, pos) sorted
    rows = pa.table({"file_path": pa.array([data_file.file_path] * len(positions), pa.string()),
                     "pos": positions}, schema=DELETE_SCHEMA)
    pq.write_table(rows, _local(path), compression="zstd")
    encoded = data_file.file_path.encode("utf-8")
    first, last = rows.column("pos")[0].as_py(), rows.column("pos")[-1].as_py()
    delete_file = DataFile.from_args(
        content=DataFileContent.POSITION_DELETES, file_path=path, file_format=FileFormat.PARQUET,
        partition=data_file.partition, record_count=len(positions), file_size_in_bytes=os.path.getsize(_local(path)),
        lower_bounds={FILE_PATH_ID: encoded, POS_ID: struct.pack("<q", first)},
        upper_bounds={FILE_PATH_ID: encoded, POS_ID: struct.pack("<q", last)},
        sort_order_id=None, equality_ids=None, key_metadata=None)
    delete_file.spec_id = data_file.spec_id  # not a field of from_args: pyiceberg sets it as manifests are read
    return delete_file


class _DeleteManifestWriter(ManifestWriterV2):
    """A v2 manifest of delete files (pyiceberg's writer only says `data`)."""

    def content(self) -> ManifestContent:
        return ManifestContent.DELETES

    @property
    def _meta(self) -> dict[str, str]:
        return {**super()._meta, "content": "deletes"}


class _ReplaceRows(_FastAppendFiles):
    """An `overwrite` snapshot: pyiceberg's fast append of the new data files, plus a manifest of our delete
    files; the existing manifests (earlier delete files included) are kept as they are."""

    def __init__(self, transaction, io, delete_files: list[DataFile]):
        super().__init__(operation=Operation.OVERWRITE, transaction=transaction, io=io)
        self._delete_files = delete_files

    def _manifests(self):
        manifests = super()._manifests()
        if not self._delete_files:
            return manifests
        metadata = self._transaction.table_metadata
        by_spec: dict[int, list[DataFile]] = {}
        for delete_file in self._delete_files:
            by_spec.setdefault(delete_file.spec_id, []).append(delete_file)
        written = []
        for spec_id, files in by_spec.items():
            with _DeleteManifestWriter(metadata.specs()[spec_id], metadata.schema(), self.new_manifest_output(),
                                       self._snapshot_id, self._compression) as writer:
                for delete_file in files:
                    writer.add(ManifestEntry.from_args(status=ManifestEntryStatus.ADDED, snapshot_id=self._snapshot_id,
                                                       data_file=delete_file))
            written.append(writer.to_manifest_file())
        return written + manifests

    def _summary(self, snapshot_properties=None):
        """The summary counts the delete files too (added-position-deletes, added-delete-files)."""
        data_files = self._added_data_files
        self._added_data_files = data_files + self._delete_files
        try:
            return super()._summary(snapshot_properties or {})
        finally:
            self._added_data_files = data_files


def replace_rows(table, base_snapshot_id: int, page_ids: list[int], added: pa.Table, tag: str) -> None:
    """One commit on `table`, whose current snapshot must be `base_snapshot_id`: the live rows of `page_ids`
    deleted by position, `added` appended, and the new snapshot tagged `tag`, all in one catalog update (so
    that a run killed before it leaves the table at the base, and one killed after finds the tag)."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files

    current = table.current_snapshot()
    if current is None or current.snapshot_id != base_snapshot_id:
        raise RuntimeError(f"{table.name()}: its current snapshot is not the base's tagged one; "
                           "rows deleted by position would be those of another snapshot")
    delete_files = [write_delete_file(data_file, positions)
                    for data_file, positions in live_positions(table, base_snapshot_id, page_ids)]
    with table.transaction() as transaction:
        producer = _ReplaceRows(transaction, table.io, delete_files)
        if added.num_rows:
            for data_file in _dataframe_to_data_files(table_metadata=transaction.table_metadata, df=added,
                                                      io=table.io, write_uuid=producer.commit_uuid):
                producer.append_data_file(data_file)
        producer.commit()
        ManageSnapshots(transaction).create_tag(producer.snapshot_id, tag).commit()
