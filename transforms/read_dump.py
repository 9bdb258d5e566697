"""Beam wiring for reading XML dumps: plan splits, spread them, read them into dataset batches.

The logic lives in splits.py, xml_dump.py and dedupe.py; the PTransforms here only connect it.
Outputs are keyed by dataset name; each element is `(Partition, split_key, pyarrow.RecordBatch)`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import KW_ONLY, dataclass
from typing import Callable, Iterator, Sequence

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms import dedupe
from transforms.dump_inputs import DumpInput
from transforms.progress import ProgressReporter
from transforms.rows import Partition, RowBatcher, error_row
from transforms.splits import DEFAULT_SPLIT_BYTES, DumpSplit, plan_splits, raise_gc_threshold, read_split
from transforms.problems import Filtered, Problem
from transforms.xml_dump import Item, Page

NAMESPACE = "wikidumps"
ERRORS = "errors"
PAGE_IDS = "page_ids"
DROPPED_PAGES = "dropped_pages"


class ReadSplitFn(beam.DoFn):
    """Reads one split and emits its rows as record batches, tagged by dataset."""

    def __init__(self, process_page, pipeline: str, datasets: Sequence[str], progress_dir: str | None,
                 text_columns: dict[str, str] | None = None):
        self._process_page = process_page
        self._pipeline = pipeline
        self._datasets = tuple(datasets)
        self._progress_dir = progress_dir
        self._text_columns = text_columns or {}

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)
        raise_gc_threshold()  # for the whole worker process: it is where the reading happens

    def process(self, split: DumpSplit) -> Iterator:
        source = split.source
        partition = Partition(source.wiki_db, source.snapshot)
        batcher = RowBatcher(text_column=self._text_columns)
        counts = {"pages-dropped": 0, "revisions-dropped": 0}
        filtered = Counter()
        filtered_pages: set[int] = set()
        reported = {"pages": 0, "revisions": 0, "bytes": 0}
        with read_split(split, self._process_page, on_read=self._progress.add_input_bytes) as reader:
            for item in reader:
                if isinstance(item, Filtered):
                    filtered[f"{item.record_kind}s-filtered"] += item.count
                    filtered[f"{item.record_kind}s-filtered:{item.reason}"] += item.count
                    if item.record_kind == "page":
                        filtered_pages.add(item.page_id)
                    continue
                if isinstance(item, Problem):
                    dataset, row = ERRORS, self._error_row(item, split, reader)
                    counter = f"{item.record_kind}s-dropped"
                    if item.record_dropped and counter in counts:
                        counts[counter] += 1
                    Metrics.counter(NAMESPACE, f"error:{item.error_type}").inc()
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

    def _error_row(self, problem: Problem, split: DumpSplit, reader) -> dict:
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
            ("splits-read", 1),
            ("pages-read", stats.pages),
            ("revisions-read", stats.revisions),
            ("xml-bytes-read", stats.decompressed_bytes),
            ("empty-texts", stats.empty_texts),
            ("pages-without-revisions", stats.pages_without_revisions),
            ("sha1-computed", stats.sha1_computed),
            ("unknown-tags", sum(stats.unknown_tags.values())),
            *counts.items(),
            *filtered.items(),
        ):
            if value:
                Metrics.counter(NAMESPACE, name).inc(value)
        # Name the first few unknown tags so a new export version's additions show up in the manifest.
        for tag, value in stats.unknown_tags.most_common(20):
            Metrics.counter(NAMESPACE, f"unknown-tag:{tag}").inc(value)


@dataclass
class ReadAllFromXmlDump(beam.PTransform):
    """Reads a PCollection of `DumpInput`s into dataset batches, splitting files where they allow it.

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

    process_page: Callable[[Page, DumpInput], Iterator[Item]]
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
                ReadSplitFn(self.process_page, self.job, self.datasets, self.progress_dir, self.text_columns)
            ).with_outputs(*self.datasets, ERRORS, PAGE_IDS)
        )
        duplicates = results[PAGE_IDS] | "FindDuplicatePages" >> dedupe.FindDuplicatePages(self.job)
        outputs = {name: results[name] for name in self.datasets}
        outputs[ERRORS] = (results[ERRORS], duplicates[ERRORS]) | "MergeErrors" >> beam.Flatten()
        outputs[DROPPED_PAGES] = duplicates[DROPPED_PAGES]
        return outputs


@dataclass
class ReadFromXmlDump(beam.PTransform):
    """Reads the given dump files; see `ReadAllFromXmlDump` for the outputs."""

    inputs: Sequence[DumpInput]
    process_page: Callable[[Page, DumpInput], Iterator[Item]]
    job: str
    datasets: Sequence[str]
    _: KW_ONLY
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None
    text_columns: dict | None = None

    def expand(self, root):
        return (
            root
            | "ListInputs" >> beam.Create(list(self.inputs))
            | "ReadInputs" >> ReadAllFromXmlDump(
                self.process_page, self.job, self.datasets, split_bytes=self.split_bytes,
                progress_dir=self.progress_dir, text_columns=self.text_columns,
            )
        )
