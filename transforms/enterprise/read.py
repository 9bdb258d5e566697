"""Beam wiring for reading Enterprise HTML dumps: the logic is in reader.py (records), batches.py (the
records' way to the parsing workers) and html.py (rows).

A gzip file cannot be entered mid-way, so each file is decompressed once, by one worker, which cuts its
records into batches, writes each batch to the run's staging folder (batches.py says why not through the
runner) and notes every record's page and version; the batches are spread over every worker for the
HTML parsing, where the time goes (both cores busy on one big file). A page can have several records
(Enterprise adds one per edit): the parsing workers leave out every copy but the highest version, counted
as filtered (`superseded`), which they learn from the versions the reading worker noted.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import AsDict, TaggedOutput

from schemas import ERRORS
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.files import iter_decompressed, open_raw, read_ahead
from transforms.common.problems import Problem, excerpt_of
from transforms.datasets.progress import ProgressReporter
from transforms.datasets.rows import RowBatcher, Rows, each_row, error_row
from transforms.enterprise.batches import BatchWriter, RecordBatch, read_batch
from transforms.enterprise.html import extract_html
from transforms.enterprise.inputs import EnterpriseInput
from transforms.enterprise.reader import RawRecord, iter_records, parse_record, record_version
from transforms.wikitext.content import ContentOptions

BATCH_BYTES = 8 << 20  # records handed to a parsing worker at a time
BATCH_RECORDS = 200
VERSIONS = "versions"  # the reading step's side output: ((wiki, page id), (version, path, member, line))


def _records(source: EnterpriseInput, on_read=None) -> Iterator[RawRecord | Problem]:
    with open_raw(source.path) as raw:
        yield from iter_records(read_ahead(iter_decompressed(raw, source.compression, on_read=on_read)), source.tar)


def superseded_copies(element):
    """(path, (member, line)) of each copy of a page but the one of highest version (the first of equals)."""
    _, copies = element
    copies = sorted(copies, key=lambda copy: (-copy[0], copy[1], copy[2] or "", copy[3]))
    for _, path, member, line in copies[1:]:
        yield path, (member, line)


class BatchRecordsFn(beam.DoFn):
    """Reads one file into batch files for the parsing workers, and notes the page and version of each
    record (VERSIONS); the end of a file cut short becomes an errors row."""

    def __init__(self, job: str, progress_dir: str | None, batch_dir: str):
        self._job = job
        self._progress_dir = progress_dir
        self._batch_dir = batch_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, source: EnterpriseInput) -> Iterator:
        writer = BatchWriter(self._batch_dir)
        try:
            yield from self._cut(source, writer)
        finally:
            writer.close()

    def _cut(self, source: EnterpriseInput, writer: BatchWriter) -> Iterator:
        batch: list[RawRecord] = []
        size = 0
        read = 0
        for raw in _records(source, on_read=self._progress.add_input_bytes):
            if isinstance(raw, Problem):
                Metrics.counter(counters.NAMESPACE, counters.error(raw.error_type)).inc()
                row = error_row(raw, pipeline=self._job, stage="read", source_file=source.path,
                                stream_offset=raw.offset)
                yield TaggedOutput(ERRORS, (source.partition, f"{source.input_order:05d}-end", _one_batch(ERRORS, row)))
                continue
            read += 1
            noted = record_version(raw)
            if noted is not None:  # a record that does not parse is the parsing worker's to report
                page, version = noted
                yield TaggedOutput(VERSIONS, (page, (version, source.path, raw.member, raw.line)))
            batch.append(raw)
            size += len(raw.data)
            if size >= BATCH_BYTES or len(batch) >= BATCH_RECORDS:
                yield from self._written(source, writer.write(_batch_name(source, batch), batch))
                batch, size = [], 0
        if batch:
            yield from self._written(source, writer.write(_batch_name(source, batch), batch))
        yield from self._written(source, writer.finish())
        for records in (counters.PAGES, counters.REVISIONS):  # a record is a page and its latest revision
            Metrics.counter(counters.NAMESPACE, records.read).inc(read)
        Metrics.counter(counters.NAMESPACE, counters.FILES_READ).inc()

    @staticmethod
    def _written(source: EnterpriseInput, batches: list[RecordBatch]) -> Iterator[tuple[EnterpriseInput, RecordBatch]]:
        for batch in batches:
            yield source, batch


def _batch_name(source: EnterpriseInput, records: list[RawRecord]) -> str:
    return f"{source.input_order:05d}-{records[0].offset:015d}"


def _one_batch(dataset: str, row: dict):
    batcher = RowBatcher()
    batcher.add(dataset, row)
    return next(batch for _, batch in batcher.flush())


class ExtractRecordsFn(beam.DoFn):
    """Parses a batch of records into the content datasets and `pages`, tagged by dataset."""

    def __init__(self, job: str, datasets: Sequence[str], options: ContentOptions, progress_dir: str | None,
                 text_columns: dict[str, str]):
        self._job = job
        self._datasets = datasets
        self._options = options
        self._progress_dir = progress_dir
        self._text_columns = text_columns

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)
        self._resolvers: dict = {}
        self._skipped: dict[str, frozenset] = {}  # per file, the (member, line) of its superseded copies

    def start_bundle(self):
        self._split_key: str | None = None

    def process(self, element, superseded: dict) -> Iterator:
        source, record_batch = element
        skipped = self._skipped.get(source.path)
        if skipped is None:
            skipped = self._skipped[source.path] = frozenset(superseded.get(source.path, ()))
        # The batches of a bundle share the key of its first one, so that the writer puts their rows in one
        # staged file per dataset and wiki rather than one per batch: a Parquet file costs about 2 ms of CPU
        # whatever its size (a zstd context for every page, the footer), a fifth of the job at 640 records.
        # Enterprise rows need no split of their own: superseded copies are left out before parsing.
        if self._split_key is None:
            self._split_key = f"{source.input_order:05d}-{record_batch.first_offset:015d}"
        split_key = self._split_key
        batchers: dict[Partition, RowBatcher] = {}  # a record's rows go to its own wiki's partition
        records = read_batch(record_batch)
        for raw in records:
            if (raw.member, raw.line) in skipped:
                self._filtered("superseded")
                continue
            partition, rows = self._rows(raw, source)
            batcher = batchers.setdefault(partition, RowBatcher(text_column=self._text_columns))
            for dataset, row in rows:
                batch = batcher.add(dataset, row)
                if batch is not None:
                    yield TaggedOutput(dataset, (partition, split_key, batch))
        for partition, batcher in batchers.items():
            for dataset, batch in batcher.flush():
                yield TaggedOutput(dataset, (partition, split_key, batch))
        self._progress.add(len(records), len(records), sum(len(raw.data) for raw in records), force=False)

    def _rows(self, raw: RawRecord, source: EnterpriseInput) -> tuple[Partition, Iterator[tuple[str, dict | Rows]]]:
        record = parse_record(raw)
        if isinstance(record, Problem):
            return source.partition, iter([self._dropped(record, source)])
        return Partition(record["is_part_of"]["identifier"], source.snapshot), self._record_rows(raw, record, source)

    def _record_rows(self, raw: RawRecord, record: dict, source: EnterpriseInput) -> Iterator[tuple[str, dict | Rows]]:
        options = self._options
        namespace = record["namespace"]["identifier"]
        if namespace not in options.namespaces:
            self._filtered("namespace")
            return
        html_bytes = len(record["article_body"]["html"])
        page = (record["identifier"], record["version"]["identifier"], excerpt_of(record["name"]))
        if html_bytes > options.max_page_bytes:
            yield self._dropped(Problem("page-too-large", f"the record's HTML has {html_bytes:,} characters, more "
                                        f"than the {options.max_page_bytes:,} allowed (--max-page-mb); it was not "
                                        "parsed", "page", True, raw.offset, *page), source)
            return
        started = time.perf_counter()
        try:
            rows = extract_html(record, self._resolvers)
        except Exception as exc:  # noqa: BLE001 (one unreadable record must not cost the rest of the file)
            yield self._dropped(Problem("content-extraction", f"{type(exc).__name__}: {exc}", "page", True,
                                        raw.offset, *page), source)
            return
        if time.perf_counter() - started > options.page_seconds:
            yield self._dropped(Problem("page-timeout", f"parsing took longer than {options.page_seconds:g} s "
                                        "(--page-timeout); the record was left out", "page", True, raw.offset,
                                        *page), source)
            return
        yield from each_row(rows, self._datasets)

    def _dropped(self, problem: Problem, source: EnterpriseInput) -> tuple[str, dict]:
        Metrics.counter(counters.NAMESPACE, counters.error(problem.error_type)).inc()
        for records in (counters.PAGES, counters.REVISIONS):
            Metrics.counter(counters.NAMESPACE, records.dropped).inc()
        return ERRORS, error_row(problem, pipeline=self._job, stage="read", source_file=source.path,
                                 stream_offset=problem.offset)

    @staticmethod
    def _filtered(reason: str) -> None:
        """A record left out by a rule: a page and its latest revision."""
        for records in (counters.PAGES, counters.REVISIONS):
            Metrics.counter(counters.NAMESPACE, records.filtered).inc()
            Metrics.counter(counters.NAMESPACE, records.filtered_because(reason)).inc()


@dataclass
class ReadFromEnterpriseDump(beam.PTransform):
    """Reads Enterprise HTML dump files into dataset batches `(Partition, split_key, RecordBatch)`.

    Attributes:
        job: job name recorded in the `pipeline` column of `errors` rows.
        datasets: the datasets to give rows for (each a name of `extract_html`'s result).
        inputs: the planned files.
        batch_dir: where the reading worker leaves batches of records for the parsing workers (a folder of
            the run's staging).
        options: which namespaces to read, and how large or slow a page may be.
        progress_dir: where workers leave progress reports for the command line; None to skip.
        text_columns: per dataset, a large text column that also bounds batch size.
    """

    job: str
    datasets: Sequence[str]
    inputs: Sequence[EnterpriseInput]
    batch_dir: str
    options: ContentOptions = ContentOptions()
    progress_dir: str | None = None
    text_columns: dict | None = None

    def expand(self, root):
        files = root | "ListHtmlInputs" >> beam.Create(list(self.inputs)) | "SpreadHtmlInputs" >> beam.Reshuffle()
        read = files | "BatchRecords" >> beam.ParDo(
            BatchRecordsFn(self.job, self.progress_dir, self.batch_dir)).with_outputs(ERRORS, VERSIONS, main="batches")
        superseded = (
            read[VERSIONS]
            | "GroupCopies" >> beam.GroupByKey()
            | "FindSuperseded" >> beam.FlatMap(superseded_copies)
            | "GroupSupersededByFile" >> beam.GroupByKey()
        )
        parsed = (
            read.batches
            | "SpreadBatches" >> beam.Reshuffle()
            | "ParseHtml" >> beam.ParDo(ExtractRecordsFn(self.job, self.datasets, self.options, self.progress_dir,
                                                         self.text_columns or {}), AsDict(superseded)
                                        ).with_outputs(*self.datasets, ERRORS)
        )
        outputs = {name: parsed[name] for name in self.datasets}
        outputs[ERRORS] = (read[ERRORS], parsed[ERRORS]) | "MergeHtmlErrors" >> beam.Flatten()
        return outputs
