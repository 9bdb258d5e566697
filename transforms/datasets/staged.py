"""Staged Parquet files: what a running job writes under `<output>/_staging/<run_id>/` before publishing.

A file is written from record batches with its sha256 computed on the way; the writer step reports each
finished file (so a retried bundle's orphan files are never published) and publish.py moves them into
place when the job succeeds. The staging of a run that died is removed by the next run on the output
(`remove_stale_staging`).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from schemas import DATASETS
from schemas.dataset import DatasetSchema
from schemas.layout import STAGING, Partition
from transforms.datasets.storage import is_local, join

# Row groups of this size let readers skip and parallelise without thousands of tiny groups.
ROW_GROUP_BYTES = 96 * 1024 * 1024
ROW_GROUP_ROWS = 1_000_000


@dataclass(frozen=True)
class Staging:
    """One run's staging folder, `<output>/_staging/<run_id>/`, and what the run keeps there."""

    folder: str

    @classmethod
    def of_run(cls, output: str, run_id: str) -> Staging:
        return cls(join(output, STAGING, run_id))

    @property
    def progress(self) -> str:
        """Where workers leave their running totals for the command line."""
        return join(self.folder, "progress")

    @property
    def record_batches(self) -> str:
        """Where a worker that reads a dump no other can enter mid-way leaves batches of its records for the
        parsing workers (transforms/enterprise/batches.py)."""
        return join(self.folder, "record-batches")

    @property
    def staged_list(self) -> str:
        """Every staged file of the run, listed by the writer step."""
        return join(self.folder, "staged.json")

    @property
    def inputs_list(self) -> str:
        """Every input of the run with its size and sha256, for the manifests."""
        return join(self.folder, "inputs.json")


@dataclass
class StagedFile:
    """A finished Parquet file in the staging area, as the writer step reports it."""

    dataset: str
    wiki_db: str
    snapshot: str
    split_key: str
    path: str
    rows: int
    bytes: int
    sha256: str

    @property
    def partition(self) -> Partition:
        return Partition(self.wiki_db, self.snapshot)

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict) -> StagedFile:
        return cls(**data)


class _HashingSink:
    """A write-only file wrapper that computes the sha256 and size of what passes through it."""

    def __init__(self, raw):
        self._raw = raw
        self._sha = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data) -> int:
        self._sha.update(data)
        self.size += len(data)
        self._raw.write(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._raw.flush()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            self.closed = True

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


class StagedFileWriter:
    """Writes one staged Parquet file from record batches, buffering them into large row groups."""

    def __init__(self, staging: str, schema: DatasetSchema, partition: Partition, split_key: str):
        self.schema = schema
        self.partition = partition
        self.split_key = split_key
        self.path = join(staging, schema.name, partition.path, f"{split_key}-{uuid.uuid4().hex[:12]}.parquet")
        self._sink = _HashingSink(FileSystems.create(self.path, compression_type=CompressionTypes.UNCOMPRESSED))
        self._writer = pq.ParquetWriter(self._sink, schema.file_schema, compression="zstd")
        self._pending: list[pa.RecordBatch] = []
        self._pending_bytes = 0
        self._pending_rows = 0
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        self._pending.append(batch)
        self._pending_bytes += batch.nbytes
        self._pending_rows += batch.num_rows
        if self._pending_bytes >= ROW_GROUP_BYTES or self._pending_rows >= ROW_GROUP_ROWS:
            self._write_row_group()

    def _write_row_group(self) -> None:
        if self._pending:
            table = pa.Table.from_batches(self._pending, schema=self.schema.file_schema)
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.rows += table.num_rows
        self._pending, self._pending_bytes, self._pending_rows = [], 0, 0

    def close(self) -> StagedFile:
        self._write_row_group()
        self._writer.close()
        self._sink.close()
        return StagedFile(self.schema.name, self.partition.wiki_db, self.partition.snapshot, self.split_key,
                          self.path, self.rows, self._sink.size, self._sink.sha256)


def write_staged_file(staging: str, schema: DatasetSchema, partition: Partition, split_key: str,
                      batches: Iterable[pa.RecordBatch]) -> StagedFile:
    writer = StagedFileWriter(staging, schema, partition, split_key)
    for batch in batches:
        writer.write(batch)
    return writer.close()


def filter_staged_file(staged: StagedFile, staging: str, page_ids: set[int],
                       revisions: set[tuple[int, int]] = frozenset()) -> StagedFile:
    """A copy of a staged file without the rows of the given pages, nor the given (revision_id, page_id)
    copies (duplicates resolved after reading: a revision id can be in the file twice, in two pages)."""
    schema = DATASETS[staged.dataset]
    with FileSystems.open(staged.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        # Parquet has no seconds unit: timestamps come back as milliseconds unless cast back.
        table = pq.read_table(handle).cast(schema.file_schema)
    kept = table
    if page_ids:
        kept = kept.filter(pc.invert(pc.is_in(kept["page_id"], pa.array(sorted(page_ids), pa.int64()))))
    if revisions:
        keep = np.ones(kept.num_rows, dtype=bool)
        candidates = pc.is_in(kept["revision_id"], pa.array(sorted(r for r, _ in revisions), pa.int64()))
        at = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
        pairs = zip(kept["revision_id"].take(at).to_pylist(), kept["page_id"].take(at).to_pylist())
        keep[at] = [pair not in revisions for pair in pairs]
        kept = kept.filter(pa.array(keep))
    result = write_staged_file(staging, schema, staged.partition, staged.split_key, kept.to_batches())
    FileSystems.delete([staged.path])
    return result


def remove_stale_staging(output: str, keep: str | None = None) -> None:
    """Removes `<output>/_staging/<run>/` of every run but `keep` (a staging folder): the caller holds the
    output's lock, so no other run is alive to use its staging."""
    root = join(output, STAGING)
    if is_local(output):
        for entry in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            if join(root, entry) != keep:
                shutil.rmtree(join(root, entry), ignore_errors=True)
        try:
            os.rmdir(root)
        except OSError:
            pass  # the caller's staging is there, or there was none
        return
    matches = FileSystems.match([join(root, "**")])[0].metadata_list
    stale = [m.path for m in matches if keep is None or not m.path.startswith(keep.rstrip("/") + "/")]
    if stale:
        FileSystems.delete(stale)
