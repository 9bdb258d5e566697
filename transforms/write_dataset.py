"""Beam wiring for writing datasets: batches to staged Parquet files, then a list the driver publishes.

Staged files are reported only through the writer's output, so a retried bundle's orphan files are
never published. The driver (runners/job.py) moves the listed files into place when the job succeeds.
"""
from __future__ import annotations

from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

from schemas import DATASETS
from schemas.dataset import DatasetSchema
from transforms.datasets import StagedFile, StagedFileWriter, filter_staged_file, join, write_json

NAMESPACE = "wikidumps"
STAGED_LIST = "staged.json"  # in the staging folder: every staged file of the run


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
        if page_ids and has_page_rows(DATASETS[info.dataset]):
            info = filter_staged_file(info, self._staging, set(page_ids))
        yield info.to_json()


def has_page_rows(schema: DatasetSchema) -> bool:
    """Whether a dataset's rows belong to pages, and go when their page turns out to be a duplicate."""
    return "page_id" in schema.file_columns and schema.name != "errors"


def save_staged_list(items: list, path: str) -> None:
    write_json(path, sorted(items, key=lambda item: item["path"]))


@dataclass
class WriteToDatasets(beam.PTransform):
    """Writes `(Partition, split_key, RecordBatch)` elements of each dataset to the staging area and lists
    every staged file in `staged.json` there. The listing is one step for all datasets: on the local
    runner each step after the reading costs a few hundredths of a second, whatever its size.

    Attributes:
        schemas: the declared schema of each dataset, by name.
        staging: the run's staging folder.
        dropped_pages: optional `((wiki_db, snapshot, split_key), [page_id, ...])` whose rows must go.
    """

    schemas: dict[str, DatasetSchema]
    staging: str
    dropped_pages: beam.PCollection | None = None

    def expand(self, batches: dict):
        staged = tuple(
            batches[name] | f"Write_{name}" >> beam.ParDo(WriteStagedFilesFn(schema, self.staging))
            for name, schema in self.schemas.items()
        ) | "MergeStagedFiles" >> beam.Flatten()
        if self.dropped_pages is not None:
            staged = staged | "DropDuplicatePages" >> beam.ParDo(
                DropDuplicatePagesFn(self.staging), dropped=beam.pvalue.AsDict(self.dropped_pages)
            )
        return (
            staged
            | "ListStagedFiles" >> beam.combiners.ToList()
            | "SaveStagedList" >> beam.Map(save_staged_list, join(self.staging, STAGED_LIST))
        )
