"""`events`: event dumps (EventStreams JSON, Avro, MediaWiki history TSV) into `revisions`, `events`,
`page_events`, `errors`."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from pipelines.driver import Balance, describe_records
from schemas import ERRORS, EVENTS, PAGE_EVENTS, REVISIONS
from schemas.layout import Partition
from transforms import ReadFromEventDump, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.staged import Staging
from transforms.events.inputs import EventInput, describe_input

NAME = "events"
DATASETS = (REVISIONS, EVENTS, PAGE_EVENTS, ERRORS)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """The event dumps to read, as the driver planned them."""

    inputs: tuple[EventInput, ...]

    @property
    def partitions(self) -> set[Partition]:
        return {source.partition for source in self.inputs}


def plan(paths: list[str], *, snapshot: str | None = None, wiki_db: str | None = None) -> Config:
    """The job's Config for the given event dumps (UnusableInputError names a file it cannot use).

    Args:
        paths: the event dumps, in the order they are read.
        snapshot: the snapshot of every input (default: the date in each file name).
        wiki_db: the wiki of errors of records that name none (default: the first wiki of each file).
    """
    inputs = tuple(describe_input(path, order, snapshot=snapshot, wiki_db=wiki_db) for order, path in enumerate(paths))
    # A snapshot is what the indices are computed over: one per run. Files named by different dates (the
    # hourly files of `wikidumps stream`, a day's events beside a history dump) would each become a
    # snapshot of their own, and editor-activity would count one hour's editors as a month's.
    dates = {source.snapshot: source.path for source in inputs}
    if len(dates) > 1:
        first, second = sorted(dates)[:2]
        raise UnusableInputError(dates[second], f"named for {second} where {posixpath.basename(dates[first])} is named for {first}; one run "
                                 "writes one snapshot: pass --snapshot YYYYMMDD (e.g. the date of the newest file)")
    return Config(inputs)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each record read gave a revision or an event (records-written), was dropped, or filtered (a known
    schema that gives no rows); each revision read is a `revisions` row (once: duplicates are counted
    apart), each event an `events` row, each page event also a `page_events` row."""
    return (Balance(counters.RECORDS, filtered=counters.RECORDS.filtered),
            Balance(counters.REVISIONS, written=REVISIONS, filtered=counters.REVISIONS_DUPLICATE),
            Balance(counters.EVENTS, written=EVENTS),
            Balance(counters.PAGE_EVENTS, written=PAGE_EVENTS))


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    datasets = root | "ReadEventDumps" >> ReadFromEventDump(NAME, inputs=config.inputs, progress_dir=staging.progress)
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
