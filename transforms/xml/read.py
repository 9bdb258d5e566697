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
from transforms.datasets.rows import Appended, RowBatcher, Rows, error_row
from transforms.xml import dedupe
from transforms.xml.dedupe import DROPPED_PAGES, DROPPED_REVISIONS
from transforms.xml.inputs import XmlInput
from transforms.xml.records import Item, Page
from transforms.xml.splits import DEFAULT_SPLIT_BYTES, XmlSplit, plan_splits, raise_gc_threshold, read_split

PAGE_IDS = "page_ids"
REVISION_IDS = "revision_ids"
SPLIT_DROPS = "split_drops"


class RevisionTally:
    """How many revisions of the page being read its processor has accounted for one by one (a row of the
    dataset with a row per revision, a filtered or a dropped revision), so that those a dropped page still
    holds are counted as dropped with it."""

    def __init__(self):
        self.page_id = None
        self.count = 0

    def add(self, page_id: int | None, count: int = 1) -> None:
        if page_id != self.page_id:
            self.page_id, self.count = page_id, 0
        self.count += count

    def of(self, page_id: int | None) -> int:
        return self.count if page_id == self.page_id else 0


class ReadSplitFn(beam.DoFn):
    """Reads one split and emits its rows as record batches, tagged by dataset."""

    def __init__(self, process_page, pipeline: str, progress_dir: str | None,
                 text_columns: dict[str, str] | None = None, revision_rows: str | None = None,
                 unique_revisions: bool = False, texts: bool = True):
        self._process_page = process_page
        self._pipeline = pipeline
        self._progress_dir = progress_dir
        self._text_columns = text_columns or {}
        self._revision_rows = revision_rows
        self._unique_revisions = unique_revisions
        self._texts = texts

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
        tally = RevisionTally()
        revision_ids = dedupe.SplitRevisions() if self._unique_revisions else None
        reported = {"pages": 0, "revisions": 0, "bytes": 0}
        with read_split(split, self._process_page, on_read=self._progress.add_input_bytes, texts=self._texts) as reader:
            for item in reader:
                if isinstance(item, Filtered):
                    records = counters.BY_RECORD_KIND[item.record_kind]
                    filtered[records.filtered] += item.count
                    filtered[records.filtered_because(item.reason)] += item.count
                    if item.record_kind == "page":
                        filtered_pages.add(item.page_id)
                    else:
                        tally.add(item.page_id, item.count)
                    continue
                if isinstance(item, tuple) and item[0] == self._revision_rows:
                    self._account_revisions(item[1], tally, revision_ids)
                if isinstance(item, Problem):
                    dataset, row = ERRORS, self._error_row(item, split, reader)
                    self._count_dropped(item, counts, tally)
                    Metrics.counter(counters.NAMESPACE, counters.error(item.error_type)).inc()
                else:
                    dataset, row = item
                batch = batcher.add(dataset, row)
                if batch is not None:
                    yield TaggedOutput(dataset, (partition, split.key, batch))
                self._report(reader, reported)
            if revision_ids is not None:
                yield from self._own_copies(partition, split, revision_ids, batcher)
            for dataset, batch in batcher.flush():
                yield TaggedOutput(dataset, (partition, split.key, batch))
            self._report(reader, reported, force=True)
            self._count(reader, counts, filtered)
            # A filtered page has no rows to remove, so it is no candidate in the duplicate check.
            yield TaggedOutput(PAGE_IDS, (partition, split.key, source.path, sorted(reader.page_ids - filtered_pages)))

    @staticmethod
    def _account_revisions(rows: dict | Rows | Appended, tally: RevisionTally,
                           revision_ids: dedupe.SplitRevisions | None) -> None:
        """Counts the revision rows of a page (a row, or a block of them) and notes their ids."""
        if isinstance(rows, Appended):
            for _ in range(rows.count):
                tally.add(rows.page_id)
                if revision_ids is not None:
                    revision_ids.add(rows.revision_id, rows.page_id)
            return
        if isinstance(rows, Rows):
            for page_id, revision_id in zip(rows.columns["page_id"], rows.columns["revision_id"]):
                tally.add(page_id)
                if revision_ids is not None:
                    revision_ids.add(revision_id, page_id)
            return
        tally.add(rows["page_id"])
        if revision_ids is not None:
            revision_ids.add(rows["revision_id"], rows["page_id"])

    def _own_copies(self, partition: Partition, split: XmlSplit, revision_ids: dedupe.SplitRevisions,
                   batcher: RowBatcher) -> Iterator:
        """The split's distinct revision ids, for the check across splits; and for each later copy of one of
        them in the split, an errors row and the row to remove (the writer removes it; it counts as
        dropped there)."""
        ids, pages, later = dedupe.later_copies(*revision_ids.arrays())
        yield TaggedOutput(REVISION_IDS, (partition, split.key, split.source.path, ids, pages))
        for revision_id, page_id, first_page in later:
            problem = dedupe.duplicate_revision(revision_id, page_id, first_page, split.source.path)
            Metrics.counter(counters.NAMESPACE, counters.error(problem.error_type)).inc()
            yield TaggedOutput(SPLIT_DROPS, ((partition.wiki_db, partition.snapshot, split.key), (revision_id, page_id)))
            row = error_row(problem, pipeline=self._pipeline, stage="read", source_file=split.source.path,
                            stream_offset=None)
            batch = batcher.add(ERRORS, row)
            if batch is not None:
                yield TaggedOutput(ERRORS, (partition, split.key, batch))

    @staticmethod
    def _count_dropped(problem: Problem, counts: dict, tally: RevisionTally) -> None:
        """A dropped page takes along the revisions it had read that were not accounted for one by one."""
        if not problem.record_dropped:
            return
        if problem.record_kind == "page":
            counts[counters.PAGES.dropped] += 1
            counts[counters.REVISIONS.dropped] += problem.revisions_read - tally.of(problem.page_id)
        elif problem.record_kind == "revision":
            counts[counters.REVISIONS.dropped] += 1
            tally.add(problem.page_id)

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
        revision_rows: the dataset with one row per revision read and kept, by which revisions are
            accounted for (each read revision is such a row, filtered or dropped).
        unique_revisions: a revision id appears once in `revision_rows`: a later copy in another page, of
            the split or of another split or file, is dropped (`dropped_revisions` lists them, for the writer
            to remove).
        texts: `process_page` reads revision texts; without, the reader drops each once it measured it
            (`Revision.text` is None; size, sha1 and redirect line are there).

    Returns:
        Each dataset's PCollection, `errors`, `dropped_pages` and, with `unique_revisions`,
        `dropped_revisions`.
    """

    process_page: Callable[[Page, XmlInput], Iterator[Item]]
    job: str
    datasets: Sequence[str]
    _: KW_ONLY
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None
    text_columns: dict | None = None
    revision_rows: str | None = None
    unique_revisions: bool = False
    texts: bool = True

    def expand(self, inputs):
        split_bytes = self.split_bytes
        results = (
            inputs
            | "PlanSplits" >> beam.FlatMap(lambda source: plan_splits(source, split_bytes))
            | "SpreadSplits" >> beam.Reshuffle()
            | "ReadSplits" >> beam.ParDo(
                ReadSplitFn(self.process_page, self.job, self.progress_dir, self.text_columns, self.revision_rows,
                            self.unique_revisions, self.texts)
            ).with_outputs(*self.datasets, ERRORS, PAGE_IDS, REVISION_IDS, SPLIT_DROPS)
        )
        duplicates = results[PAGE_IDS] | "FindDuplicatePages" >> dedupe.FindDuplicatePages(self.job)
        outputs = {name: results[name] for name in self.datasets}
        errors = [results[ERRORS], duplicates[ERRORS]]
        outputs[DROPPED_PAGES] = duplicates[DROPPED_PAGES]
        if self.unique_revisions:
            revisions = results[REVISION_IDS] | "FindDuplicateRevisions" >> dedupe.FindDuplicateRevisions(
                self.job, results[SPLIT_DROPS])
            errors.append(revisions[ERRORS])
            outputs[DROPPED_REVISIONS] = revisions[DROPPED_REVISIONS]
        outputs[ERRORS] = tuple(errors) | "MergeErrors" >> beam.Flatten()
        return outputs


@dataclass
class ReadFromXmlDump(ReadAllFromXmlDump):
    """Reads the given dump files (`inputs`, after the arguments of `ReadAllFromXmlDump`, which gives the
    outputs)."""

    inputs: Sequence[XmlInput]

    def expand(self, root):
        return super().expand(root | "ListInputs" >> beam.Create(list(self.inputs)))
