"""Beam wiring for writing datasets: batches to staged Parquet files, then a list the driver publishes.

Staged files are reported only through the writer's output, so a retried bundle's orphan files are
never published. The driver (runners/job.py) moves the listed files into place when the job succeeds.
"""
from __future__ import annotations

from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

from schemas.dataset import DatasetSchema
from transforms.datasets import StagedFile, StagedFileWriter, filter_staged_file, join, write_json

NAMESPACE = "wikidumps"


class WriteStagedFilesFn(beam.DoFn):
    """Writes incoming batches to one staged file per (partition, split) and reports finished files."""

    def __init__(self, schema: DatasetSchema, staging: str):
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
            writer = self._open[partition] = StagedFileWriter(self._staging, self._schema, partition, split_key)
        writer.write(batch)
        Metrics.counter(NAMESPACE, f"rows:{self._schema.name}").inc(batch.num_rows)

    def finish_bundle(self):
        for partition in list(self._open):
            yield GlobalWindows.windowed_value(self._close(partition))

    def _close(self, partition) -> dict:
        return self._open.pop(partition).close().to_json()


class DropDuplicatePagesFn(beam.DoFn):
    """Rewrites the (rare) staged files that hold pages another split holds too."""

    def __init__(self, staging: str):
        self._staging = staging

    def process(self, staged: dict, dropped: dict):
        info = StagedFile.from_json(staged)
        page_ids = dropped.get((info.wiki_db, info.snapshot, info.split_key))
        if page_ids:
            info = filter_staged_file(info, self._staging, set(page_ids))
        yield info.to_json()


def save_staged_list(items: list, path: str) -> None:
    write_json(path, sorted(items, key=lambda item: item["path"]))


@dataclass
class WriteToDataset(beam.PTransform):
    """Writes `(Partition, split_key, RecordBatch)` elements of one dataset to the staging area.

    Attributes:
        schema: the dataset's declared schema.
        staging: the run's staging folder.
        dropped_pages: optional `((wiki_db, snapshot, split_key), [page_id, ...])` whose rows must go.
    """

    schema: DatasetSchema
    staging: str
    dropped_pages: beam.PCollection | None = None

    def expand(self, batches):
        staged = batches | "WriteStagedFiles" >> beam.ParDo(WriteStagedFilesFn(self.schema, self.staging))
        if self.dropped_pages is not None and "page_id" in self.schema.file_columns and self.schema.name != "errors":
            staged = staged | "DropDuplicatePages" >> beam.ParDo(
                DropDuplicatePagesFn(self.staging), dropped=beam.pvalue.AsDict(self.dropped_pages)
            )
        listing = join(self.staging, f"{self.schema.name}.staged.json")
        return (
            staged
            | "ListStagedFiles" >> beam.combiners.ToList()
            | "SaveStagedList" >> beam.Map(save_staged_list, listing)
        )
