"""Beam wiring for event dumps: read each file into rows, then finish each page's revisions together.

Events are not grouped by page in the files (a stream interleaves every page of several wikis), so
byte diffs and identity reverts, which need a page's other revisions, are computed after a GroupByKey of
the revisions' metadata (never texts: event dumps carry none) by wiki, snapshot and a bucket of page ids.
The rules are the XML path's (transforms/revision_metadata.py). Revisions without a page id
(recentchange events) cannot be grouped; they are finished alone while reading.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import KW_ONLY, dataclass
from typing import Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import DATASETS
from transforms.event_inputs import EventInput, iter_event_records
from transforms.progress import ProgressReporter
from transforms.revision_metadata import add_byte_diffs, add_identity_reverts
from transforms.rows import DEFAULT_BATCH_ROWS, Partition, RowBatcher, error_row, to_record_batch

NAMESPACE = "wikidumps"
REVISIONS, EVENTS, ERRORS = "revisions", "events", "errors"
PAGE_METADATA = "page_metadata"
PAGE_BUCKET_BITS = 10  # 1,024 consecutive page ids are finished together
PENDING_METADATA_ROWS = 50_000  # rows a reader holds before shipping them to the grouping step
COMPUTED = ("revision_text_bytes_diff", "revision_is_identity_revert", "revision_is_identity_reverted",
            "revision_first_identity_reverting_revision_id", "revision_seconds_to_identity_revert")
# What travels to the grouping step: a revision's metadata, the parent size the event stated, and where
# it came from (earlier input, then earlier record, wins when a revision appears twice).
# Timestamps stay epoch seconds (int64) there, as the revert and diff functions take them.
METADATA_SCHEMA = pa.schema(
    [f.with_type(pa.int64()) if f.name == "revision_timestamp" else f
     for f in DATASETS[REVISIONS].file_schema if f.name not in COMPUTED]
    + [pa.field("parent_text_bytes", pa.int64()), pa.field("source_order", pa.int64())]
)


def finish_page_revisions(rows: list[dict]) -> tuple[list[dict], int]:
    """Final `revisions` rows from the metadata rows of some pages, and how many duplicates were dropped.

    Per page: a revision seen twice keeps its first copy (by source_order); every row takes the page's
    latest title and namespace (the title "at dump time", as XML dumps give it); then byte diffs and
    identity reverts as for XML. Rows come back by page, then timestamp and revision id.
    """
    pages: dict[int, list[dict]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r["source_order"]):
        pages[row["page_id"]].append(row)
    finished, duplicates = [], 0
    for page_id in sorted(pages):
        page_rows = pages[page_id]
        unique: dict[int, dict] = {}
        for row in page_rows:
            if row["revision_id"] in unique:
                duplicates += 1
            else:
                unique[row["revision_id"]] = row
        page_rows = sorted(unique.values(), key=lambda r: (r["revision_timestamp"], r["revision_id"]))
        latest = page_rows[-1]
        for row in page_rows:
            row["page_title"], row["page_namespace"] = latest["page_title"], latest["page_namespace"]
        finished.extend(_finish(page_rows))
    return finished, duplicates


def _finish(page_rows: list[dict]) -> list[dict]:
    add_byte_diffs(page_rows, {r["revision_id"]: r["parent_text_bytes"] for r in page_rows
                               if r["parent_text_bytes"] is not None})
    add_identity_reverts(page_rows)
    return page_rows


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
        pending: dict[tuple, list[dict]] = defaultdict(list)
        pending_rows = 0
        counts = defaultdict(int)
        reported = 0
        for number, converted in iter_event_records(source, on_read=self._progress.add_input_bytes):
            counts["records-read"] += converted.problem is None or converted.problem.record_kind != "file"
            if converted.problem is not None:
                problem = converted.problem
                if problem.record_dropped:
                    counts["records-dropped"] += 1
                Metrics.counter(NAMESPACE, f"error:{problem.error_type}").inc()
                row = error_row(problem, pipeline=self._job, stage="read", source_file=source.path,
                                stream_offset=None, line=number)
                yield from self._add(batchers, Partition(source.wiki_db, source.snapshot), ERRORS, row, split_key)
                continue
            if converted.filtered:
                counts["records-filtered"] += 1
            for row in converted.events:
                counts["events-read"] += 1
                yield from self._add(batchers, Partition(row.pop("wiki_db"), source.snapshot), EVENTS, row, split_key)
            for row in converted.revisions:
                counts["revisions-read"] += 1
                partition = Partition(row.pop("wiki_db"), source.snapshot)
                if row["page_id"] is None:  # recentchange: nothing to group by, finished alone
                    yield from self._add(batchers, partition, REVISIONS, _finish([row])[0], split_key)
                    continue
                row["source_order"] = (source.input_order << 40) | number
                pending[(partition.wiki_db, partition.snapshot, row["page_id"] >> PAGE_BUCKET_BITS)].append(row)
                pending_rows += 1
            if pending_rows >= PENDING_METADATA_ROWS:
                yield from self._ship(pending)
                pending_rows = 0
            if counts["records-read"] - reported >= 5_000:
                self._progress.add(records=counts["records-read"] - reported)
                reported = counts["records-read"]
        yield from self._ship(pending)
        for partition, batcher in batchers.items():
            for dataset, batch in batcher.flush():
                yield TaggedOutput(dataset, (partition, split_key, batch))
        self._progress.add(records=counts["records-read"] - reported, force=True)
        Metrics.counter(NAMESPACE, "files-read").inc()
        for name, value in counts.items():
            Metrics.counter(NAMESPACE, name).inc(value)

    @staticmethod
    def _add(batchers: dict, partition: Partition, dataset: str, row: dict, split_key: str) -> Iterator:
        batcher = batchers.get(partition)
        if batcher is None:
            batcher = batchers[partition] = RowBatcher()
        batch = batcher.add(dataset, row)
        if batch is not None:
            yield TaggedOutput(dataset, (partition, split_key, batch))

    @staticmethod
    def _ship(pending: dict) -> Iterator:
        for key, rows in pending.items():
            for start in range(0, len(rows), DEFAULT_BATCH_ROWS):
                yield TaggedOutput(PAGE_METADATA, (key, pa.RecordBatch.from_pylist(rows[start:start + DEFAULT_BATCH_ROWS],
                                                                                     schema=METADATA_SCHEMA)))
        pending.clear()


class FinishPagesFn(beam.DoFn):
    """One bucket of pages: all their revisions' metadata in, final `revisions` batches out."""

    def __init__(self, progress_dir: str | None):
        self._progress_dir = progress_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, element) -> Iterator:
        (wiki_db, snapshot, _bucket), batches = element
        rows = [row for batch in batches for row in batch.to_pylist()]
        finished, duplicates = finish_page_revisions(rows)
        if duplicates:
            Metrics.counter(NAMESPACE, "revisions-duplicate").inc(duplicates)
        partition = Partition(wiki_db, snapshot)
        for start in range(0, len(finished), DEFAULT_BATCH_ROWS):
            yield partition, "pages", to_record_batch(DATASETS[REVISIONS], finished[start:start + DEFAULT_BATCH_ROWS])
        self._progress.add(revisions=len(finished), force=True)


@dataclass
class ReadAllFromEventDumps(beam.PTransform):
    """Reads a PCollection of `EventInput`s into `revisions`, `events` and `errors` batches.

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
                PAGE_METADATA, REVISIONS, EVENTS, ERRORS)
        )
        finished = (
            read[PAGE_METADATA]
            | "GroupByPageBucket" >> beam.GroupByKey()
            | "FinishPages" >> beam.ParDo(FinishPagesFn(self.progress_dir))
        )
        revisions = (finished, read[REVISIONS]) | "MergeRevisions" >> beam.Flatten()
        return {REVISIONS: revisions, EVENTS: read[EVENTS], ERRORS: read[ERRORS]}


@dataclass
class ReadFromEventDumps(beam.PTransform):
    """Reads the given event dump files; see `ReadAllFromEventDumps` for the outputs."""

    inputs: Iterable[EventInput]
    job: str
    _: KW_ONLY
    progress_dir: str | None = None

    def expand(self, root):
        return (
            root
            | "ListInputs" >> beam.Create(list(self.inputs))
            | "ReadInputs" >> ReadAllFromEventDumps(self.job, progress_dir=self.progress_dir)
        )
