"""Beam wiring for writing datasets: batches to staged Parquet files, a list of them, and the inputs read.

Staged files are reported only through the writer's output, so a retried bundle's orphan files are
never published. The driver (pipelines/driver.py) publishes the listed files when the job succeeds.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import KW_ONLY, dataclass
from typing import Sequence

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

from schemas import DATASETS, ERRORS
from schemas.dataset import DatasetSchema
from transforms.common import counters
from transforms.datasets.rows import to_record_batch
from transforms.datasets.staged import StagedFile, StagedFileWriter, Staging, filter_staged_file
from transforms.datasets.storage import write_json

HASH_BLOCK = 1 << 20
BATCH_ROWS = 5_000


class WriteStagedFilesFn(beam.DoFn):
    """Writes incoming batches to one staged file per (partition, split) and reports finished files."""

    def __init__(self, schema: DatasetSchema, staging: Staging):
        self._schema = schema
        self._staging = staging

    def start_bundle(self):
        self._open: dict = {}

    def process(self, element):
        partition, split_key, batch = element
        writer = self._open.get(partition)
        if writer is not None and writer.split_key != split_key:
            # Splits arrive one after another: the previous split's file is complete.
            yield self._close(partition)
            writer = None
        if writer is None:
            writer = self._open[partition] = StagedFileWriter(self._staging.folder, self._schema, partition, split_key)
        writer.write(batch)
        Metrics.counter(counters.NAMESPACE, counters.rows(self._schema.name)).inc(batch.num_rows)

    def finish_bundle(self):
        for partition in list(self._open):
            yield GlobalWindows.windowed_value(self._close(partition))

    def _close(self, partition) -> dict:
        return self._open.pop(partition).close().to_json()


class DropDuplicatesFn(beam.DoFn):
    """Rewrites the (rare) staged files that hold pages, or revision ids, another split holds too.

    The rows removed from `revision_rows` (the dataset with a row per revision kept) are counted as
    dropped revisions: in their split they were counted as written.
    """

    def __init__(self, staging: Staging, revision_rows: str | None):
        self._staging = staging
        self._revision_rows = revision_rows

    def process(self, staged: dict, dropped_pages: dict, dropped_revisions: dict):
        info = StagedFile.from_json(staged)
        split = (info.wiki_db, info.snapshot, info.split_key)
        page_ids = set(dropped_pages.get(split, ())) if has_page_rows(DATASETS[info.dataset]) else set()
        revisions = set(dropped_revisions.get(split, ())) if info.dataset == self._revision_rows else set()
        if page_ids or revisions:
            rows = info.rows
            info = filter_staged_file(info, self._staging.folder, page_ids, revisions)
            if info.dataset == self._revision_rows:
                Metrics.counter(counters.NAMESPACE, counters.REVISIONS.dropped).inc(rows - info.rows)
        yield info.to_json()


def has_page_rows(schema: DatasetSchema) -> bool:
    """Whether a dataset's rows belong to pages, and go when their page turns out to be a duplicate."""
    return "page_id" in schema.file_columns and schema.name != ERRORS


def save_staged_list(items: list, path: str) -> None:
    write_json(path, sorted(items, key=lambda item: item["path"]))


def save_inputs_list(items: list, path: str) -> None:
    write_json(path, items)


def hash_input(source) -> dict:
    """An input as the manifests record it: its description, size and sha256 (computed on a worker)."""
    digest = hashlib.sha256()
    size = 0
    with FileSystems.open(source.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            size += len(block)
    record = source.to_json()
    record.update(size=size, sha256=digest.hexdigest())
    return record


@dataclass
class WriteToDatasets(beam.PTransform):
    """Leaves in the run's staging folder everything the driver publishes: each dataset's
    `(Partition, split_key, RecordBatch)` elements as staged Parquet files, `staged.json` listing them,
    and `inputs.json` with every input's size and sha256.

    The listing is one step for all datasets: on the local runner each step after the reading costs a
    few hundredths of a second, whatever its size.

    Attributes:
        staging: the run's staging folder.
        inputs: the job's input files (each with `path` and `to_json()`).
        dropped_pages: optional `((wiki_db, snapshot, split_key), [page_id, ...])` whose rows must go.
        dropped_revisions: optional `((wiki_db, snapshot, split_key), [(revision_id, page_id), ...])`: rows
            of `revision_rows` that must go.
        revision_rows: the dataset with one row per revision kept (see ReadAllFromXmlDump).
    """

    staging: Staging
    inputs: Sequence
    _: KW_ONLY
    dropped_pages: beam.PCollection | None = None
    dropped_revisions: beam.PCollection | None = None
    revision_rows: str | None = None

    def expand(self, batches: dict):
        staged = tuple(
            batches[name] | f"Write_{name}" >> beam.ParDo(WriteStagedFilesFn(DATASETS[name], self.staging))
            for name in batches
        ) | "MergeStagedFiles" >> beam.Flatten()
        if self.dropped_pages is not None:
            dropped_revisions = self.dropped_revisions
            if dropped_revisions is None:
                dropped_revisions = beam.pvalue.PBegin(staged.pipeline) | "NoDroppedRevisions" >> beam.Create([])
            staged = staged | "DropDuplicates" >> beam.ParDo(
                DropDuplicatesFn(self.staging, self.revision_rows), dropped_pages=beam.pvalue.AsDict(self.dropped_pages),
                dropped_revisions=beam.pvalue.AsDict(dropped_revisions)
            )
        _ = (
            beam.pvalue.PBegin(staged.pipeline)
            | "ListInputsToHash" >> beam.Create(list(self.inputs))
            | "HashInputs" >> beam.Map(hash_input)
            | "CollectInputs" >> beam.combiners.ToList()
            | "SaveInputs" >> beam.Map(save_inputs_list, self.staging.inputs_list)
        )
        return (
            staged
            | "ListStagedFiles" >> beam.combiners.ToList()
            | "SaveStagedList" >> beam.Map(save_staged_list, self.staging.staged_list)
        )


class BatchRowsFn(beam.DoFn):
    """Lists of (Partition, row) -> (Partition, split_key, RecordBatch) per partition."""

    def __init__(self, dataset: str):
        self._dataset = dataset

    def process(self, rows):
        by_partition = defaultdict(list)
        for partition, row in rows:
            by_partition[partition].append(row)
        for partition, items in by_partition.items():
            # The dataset's name is the split key: rows that arrive one by one come from no split.
            yield partition, self._dataset, to_record_batch(DATASETS[self._dataset], items)


@dataclass
class BatchRows(beam.PTransform):
    """`(Partition, row)` elements of one dataset into `(Partition, split_key, RecordBatch)` batches of
    a few thousand rows, for jobs whose rows are computed one by one after a shuffle."""

    dataset: str

    def expand(self, rows):
        return (
            rows
            | "CollectRows" >> beam.BatchElements(min_batch_size=BATCH_ROWS, max_batch_size=BATCH_ROWS)
            | "ToBatches" >> beam.ParDo(BatchRowsFn(self.dataset))
        )
