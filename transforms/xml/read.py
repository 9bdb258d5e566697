"""Beam wiring for reading XML dumps: plan splits, spread them, read them into dataset batches.

The logic lives in splits.py, reader.py and dedupe.py; the PTransforms here only connect it.
Outputs are keyed by dataset name; each element is `(Partition, split_key, pyarrow.RecordBatch)`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import KW_ONLY, dataclass
from typing import Callable, Iterator, Sequence

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import ERRORS
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.problems import Filtered, Problem
from transforms.datasets.progress import ProgressReporter
from transforms.datasets.rows import RowBatcher, error_row
from transforms.xml import dedupe
from transforms.xml.dedupe import DROPPED_PAGES
from transforms.xml.inputs import XmlInput
from transforms.xml.records import Item, Page
from transforms.xml.splits import DEFAULT_SPLIT_BYTES, XmlSplit, plan_splits, raise_gc_threshold, read_split

PAGE_IDS = "page_ids"


class ReadSplitFn(beam.DoFn):
    """Reads one split and emits its rows as record batches, tagged by dataset."""

    def __init__(self, process_page, pipeline: str, progress_dir: str | None,
                 text_columns: dict[str, str] | None = None):
        self._process_page = process_page
        self._pipeline = pipeline
        self._progress_dir = progress_dir
        self._text_columns = text_columns or {}

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)
        raise_gc_threshold()  # for the whole worker process: it is where the reading happens

    def process(self, split: XmlSplit) -> Iterator:
        source = split.source
        partition = Partition(source.wiki_db, source.snapshot)
        batcher = RowBatcher(text_column=self._text_columns)
        counts = {counters.PAGES.dropped: 0, counters.REVISIONS.dropped: 0}
        filtered = Counter()
        filtered_pages: set[int] = set()
        reported = {"pages": 0, "revisions": 0, "bytes": 0}
        with read_split(split, self._process_page, on_read=self._progress.add_input_bytes) as reader:
            for item in reader:
                if isinstance(item, Filtered):
                    records = counters.BY_RECORD_KIND[item.record_kind]
                    filtered[records.filtered] += item.count
                    filtered[records.filtered_because(item.reason)] += item.count
                    if item.record_kind == "page":
                        filtered_pages.add(item.page_id)
                    continue
                if isinstance(item, Problem):
                    dataset, row = ERRORS, self._error_row(item, split, reader)
                    records = counters.BY_RECORD_KIND.get(item.record_kind)
                    if item.record_dropped and records is not None:
                        counts[records.dropped] += 1
                    Metrics.counter(counters.NAMESPACE, counters.error(item.error_type)).inc()
                else:
                    dataset, row = item
                batch = batcher.add(dataset, row)
                if batch is not None:
                    yield TaggedOutput(dataset, (partition, split.key, batch))
                self._report(reader, reported)
            for dataset, batch in batcher.flush():
                yield TaggedOutput(dataset, (partition, split.key, batch))
            self._report(reader, reported, force=True)
            self._count(reader, counts, filtered)
            # A filtered page has no rows to remove, so it is no candidate in the duplicate check.
            yield TaggedOutput(PAGE_IDS, (partition, split.key, source.path, sorted(reader.page_ids - filtered_pages)))

    def _error_row(self, problem: Problem, split: XmlSplit, reader) -> dict:
        return error_row(problem, pipeline=self._pipeline, stage="read", source_file=split.source.path,
                         stream_offset=reader.stream_offset)

    def _report(self, reader, reported: dict, force: bool = False) -> None:
        stats = reader.stats
        if force or stats.pages - reported["pages"] >= 200:
            self._progress.add(stats.pages - reported["pages"], stats.revisions - reported["revisions"],
                               stats.decompressed_bytes - reported["bytes"], force=force)
            reported.update(pages=stats.pages, revisions=stats.revisions, bytes=stats.decompressed_bytes)

    def _count(self, reader, counts: dict, filtered: Counter) -> None:
        stats = reader.stats
        for name, value in (
            (counters.SPLITS_READ, 1),
            (counters.PAGES.read, stats.pages),
            (counters.REVISIONS.read, stats.revisions),
            (counters.XML_BYTES_READ, stats.decompressed_bytes),
            (counters.EMPTY_TEXTS, stats.empty_texts),
            (counters.PAGES_WITHOUT_REVISIONS, stats.pages_without_revisions),
            (counters.SHA1_COMPUTED, stats.sha1_computed),
            (counters.UNKNOWN_TAGS, sum(stats.unknown_tags.values())),
            *counts.items(),
            *filtered.items(),
        ):
            if value:
                Metrics.counter(counters.NAMESPACE, name).inc(value)
        # Name the first few unknown tags so a new export version's additions show up in the manifest.
        for tag, value in stats.unknown_tags.most_common(20):
            Metrics.counter(counters.NAMESPACE, counters.unknown_tag(tag)).inc(value)


@dataclass
class ReadAllFromXmlDump(beam.PTransform):
    """Reads a PCollection of `XmlInput`s into dataset batches, splitting files where they allow it.

    Attributes:
        process_page: `(page, source) -> iterator of (dataset, row), Problem or Filtered`, run while a page
            streams; Filtered items are counted (`pages-filtered`, `pages-filtered:<reason>`, and the same for
            revisions), and filtered pages are left out of the duplicate-page check.
        job: job name recorded in the `pipeline` column of `errors` rows.
        datasets: names of the datasets `process_page` yields rows for.
        split_bytes: compressed bytes per split of a multistream or plain .bz2 file.
        progress_dir: where workers leave progress reports for the command line; None to skip.
        text_columns: per dataset, a large text column that also bounds batch size.
    """

    process_page: Callable[[Page, XmlInput], Iterator[Item]]
    job: str
    datasets: Sequence[str]
    _: KW_ONLY
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None
    text_columns: dict | None = None

    def expand(self, inputs):
        split_bytes = self.split_bytes
        results = (
            inputs
            | "PlanSplits" >> beam.FlatMap(lambda source: plan_splits(source, split_bytes))
            | "SpreadSplits" >> beam.Reshuffle()
            | "ReadSplits" >> beam.ParDo(
                ReadSplitFn(self.process_page, self.job, self.progress_dir, self.text_columns)
            ).with_outputs(*self.datasets, ERRORS, PAGE_IDS)
        )
        duplicates = results[PAGE_IDS] | "FindDuplicatePages" >> dedupe.FindDuplicatePages(self.job)
        outputs = {name: results[name] for name in self.datasets}
        outputs[ERRORS] = (results[ERRORS], duplicates[ERRORS]) | "MergeErrors" >> beam.Flatten()
        outputs[DROPPED_PAGES] = duplicates[DROPPED_PAGES]
        return outputs


@dataclass
class ReadFromXmlDump(ReadAllFromXmlDump):
    """Reads the given dump files (`inputs`, after the arguments of `ReadAllFromXmlDump`, which gives the
    outputs)."""

    inputs: Sequence[XmlInput]

    def expand(self, root):
        return super().expand(root | "ListInputs" >> beam.Create(list(self.inputs)))
