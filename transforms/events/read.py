"""Beam wiring for event dumps: read each file into rows, then finish each page's revisions together.

Byte diffs and identity reverts need a page's other revisions, which a stream scatters over its whole
length (and over files), so readers ship their revisions' metadata (never texts: event dumps carry none)
to a GroupByKey by wiki, snapshot and a bucket of page ids, where each bucket is finished. The logic is
in reader.py (reading, converting) and transforms/revisions/buckets.py (the columns).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import KW_ONLY, dataclass
from typing import Iterator, Sequence

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import ERRORS, EVENTS, PAGE_EVENTS, REVISIONS
from schemas.layout import Partition
from transforms.common import counters
from transforms.datasets.progress import ProgressReporter
from transforms.datasets.rows import RowBatcher, error_row
from transforms.events.inputs import EventInput
from transforms.events.page_buckets import (
    BUCKET_SCHEMA,
    by_page_bucket,
    finish_alone,
    finish_page_revisions,
    metadata_batch,
)
from transforms.events.reader import read_event_blocks
from transforms.events.records import split_page_event

PAGE_METADATA = "page_metadata"
# Revisions a reader holds (as Arrow columns, a few hundred bytes each) before shipping them to the
# grouping step: the more it holds, the fewer and larger the pieces of each bucket.
PENDING_METADATA_ROWS = 100_000


class ReadEventFileFn(beam.DoFn):
    """Reads one event dump: events and errors as batches, revision metadata keyed by page bucket."""

    def __init__(self, job: str, progress_dir: str | None):
        self._job = job
        self._progress_dir = progress_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, source: EventInput) -> Iterator:
        split_key = f"{source.input_order:05d}"
        batchers: dict[Partition, RowBatcher] = {}
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        counts = defaultdict(int)
        first_order = source.input_order << 40
        for block in read_event_blocks(source, on_read=self._progress.add_input_bytes):
            counts[counters.RECORDS.read] += block.records
            counts[counters.RECORDS.written] += block.written
            counts[counters.RECORDS.filtered] += block.filtered
            counts[counters.EVENTS.read] += len(block.events)
            counts[counters.REVISIONS.read] += len(block.revisions)
            for number, problem in block.problems:
                counts[counters.RECORDS.dropped] += problem.record_dropped
                Metrics.counter(counters.NAMESPACE, counters.error(problem.error_type)).inc()
                row = error_row(problem, pipeline=self._job, stage="read", source_file=source.path,
                                stream_offset=None, line=number)
                yield from self._add(batchers, Partition(source.wiki_db, source.snapshot), ERRORS, row, split_key)
            for row in block.events:
                page = split_page_event(row)
                partition = Partition(row.pop("wiki_db"), source.snapshot)
                yield from self._add(batchers, partition, EVENTS, row, split_key)
                if page is not None:
                    del page["wiki_db"]
                    counts[counters.PAGE_EVENTS.read] += 1
                    yield from self._add(batchers, partition, PAGE_EVENTS, page, split_key)
            if block.revisions:
                pending.append(metadata_batch(block.revisions, [first_order | n for n in block.revision_records]))
                pending_rows += len(block.revisions)
            if pending_rows >= PENDING_METADATA_ROWS:
                yield from self._ship(pending, source.snapshot, split_key)
                pending, pending_rows = [], 0
            self._progress.add(records=block.records)
        yield from self._ship(pending, source.snapshot, split_key)
        for partition, batcher in batchers.items():
            for dataset, batch in batcher.flush():
                yield TaggedOutput(dataset, (partition, split_key, batch))
        self._progress.add(records=0, force=True)
        Metrics.counter(counters.NAMESPACE, counters.FILES_READ).inc()
        for name, value in counts.items():
            Metrics.counter(counters.NAMESPACE, name).inc(value)

    @staticmethod
    def _add(batchers: dict, partition: Partition, dataset: str, row: dict, split_key: str) -> Iterator:
        batcher = batchers.get(partition)
        if batcher is None:
            batcher = batchers[partition] = RowBatcher()
        batch = batcher.add(dataset, row)
        if batch is not None:
            yield TaggedOutput(dataset, (partition, split_key, batch))

    @staticmethod
    def _ship(pending: list[pa.RecordBatch], snapshot: str, split_key: str) -> Iterator:
        """Revisions with a page to their bucket's group; those without one (recentchange) finished here."""
        if not pending:
            return
        buckets, alone = by_page_bucket(pa.Table.from_batches(pending))
        for (wiki_db, bucket), rows in buckets:
            for batch in rows.to_batches():
                yield TaggedOutput(PAGE_METADATA, ((wiki_db, snapshot, bucket), batch))
        for wiki_db, rows in alone:
            for batch in finish_alone(rows):
                yield TaggedOutput(REVISIONS, (Partition(wiki_db, snapshot), split_key, batch))


class FinishPagesFn(beam.DoFn):
    """One bucket of pages: all their revisions' metadata in, final `revisions` batches out."""

    def __init__(self, progress_dir: str | None):
        self._progress_dir = progress_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, element) -> Iterator:
        (wiki_db, snapshot, _bucket), batches = element
        finished, duplicates = finish_page_revisions(pa.Table.from_batches(list(batches), schema=BUCKET_SCHEMA))
        if duplicates:
            Metrics.counter(counters.NAMESPACE, counters.REVISIONS_DUPLICATE).inc(duplicates)
        partition = Partition(wiki_db, snapshot)
        for batch in finished:
            yield partition, "pages", batch  # the split key: these rows come from no one split
        self._progress.add(revisions=sum(batch.num_rows for batch in finished), force=True)


@dataclass
class ReadAllFromEventDump(beam.PTransform):
    """Reads a PCollection of `EventInput`s into `revisions`, `events`, `page_events` and `errors` batches.

    Each output element is `(Partition, split_key, pyarrow.RecordBatch)`; partitions come from the wiki
    each event names and the input's snapshot.

    Attributes:
        job: job name recorded in the `pipeline` column of `errors` rows.
        progress_dir: where workers leave progress reports for the command line; None to skip.
    """

    job: str
    _: KW_ONLY
    progress_dir: str | None = None

    def expand(self, inputs):
        read = (
            inputs
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFiles" >> beam.ParDo(ReadEventFileFn(self.job, self.progress_dir)).with_outputs(
                PAGE_METADATA, REVISIONS, EVENTS, PAGE_EVENTS, ERRORS)
        )
        finished = (
            read[PAGE_METADATA]
            | "GroupByPageBucket" >> beam.GroupByKey()
            | "FinishPages" >> beam.ParDo(FinishPagesFn(self.progress_dir))
        )
        revisions = (finished, read[REVISIONS]) | "MergeRevisions" >> beam.Flatten()
        return {REVISIONS: revisions, EVENTS: read[EVENTS], PAGE_EVENTS: read[PAGE_EVENTS], ERRORS: read[ERRORS]}


@dataclass
class ReadFromEventDump(ReadAllFromEventDump):
    """Reads the given event dump files (`inputs`, after the arguments of `ReadAllFromEventDump`, which gives
    the outputs)."""

    inputs: Sequence[EventInput]

    def expand(self, root):
        return super().expand(root | "ListInputs" >> beam.Create(list(self.inputs)))
