"""`update`: the datasets of one snapshot in an output folder brought to a later snapshot with Wikimedia's
daily adds/changes dumps and page_change events, equal row for row to a full build of the later snapshot.

What is read: the base partition (`wiki_db=W/snapshot=D1`) of `pages`, `revisions` and the content datasets
it has, the adds/changes dumps (new revisions, with text) and the events (deletions, restorations, moves,
revision deletion). What is written: the partition `snapshot=D2` of each, plus `errors` (bad increments,
malformed events, revisions announced but absent). The logic is in transforms/increments/.
"""
from __future__ import annotations

import calendar
import time
from dataclasses import dataclass

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from pipelines.driver import Balance, describe_pages
from schemas import ARTICLE_QUALITY, DATASETS as SCHEMAS, ERRORS, PAGES, REVISIONS
from schemas.layout import Partition
from transforms import ScoreArticleQuality, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.common.problems import Problem
from transforms.datasets.read import DatasetFile, list_dataset_files, read_dataset_file
from transforms.datasets.rows import RowBatcher, error_row, to_record_batch
from transforms.datasets import tables
from transforms.datasets.staged import Staging
from transforms.increments import apply, changes as increments
from transforms.increments.inputs import IncrementDay, describe_days
from transforms.wikitext.content import CONTENT_DATASETS, TEXT_COLUMNS, ContentOptions, ContentPages
from transforms.wikitext.score import CombineThresholds, score_batch

NAME = "update"
DATASETS = (PAGES, REVISIONS) + CONTENT_DATASETS + (ERRORS,)
PROGRESS = describe_pages
SPLIT_KEY = "update"


@dataclass(frozen=True)
class EventsFile:
    """A file of page_change events (JSON lines), as the manifests record an input."""

    path: str
    input_order: int

    def to_json(self) -> dict:
        return {"path": self.path, "kind": "page_change events"}


@dataclass(frozen=True)
class Config:
    """The base partition's files, the days and events that bring it to `snapshot`, and what failed to
    describe (errors rows)."""

    base: str  # the output folder
    base_datasets: tuple[str, ...]  # those of its datasets the update carries forward
    wiki_db: str
    base_snapshot: str
    snapshot: str
    days: tuple[IncrementDay, ...]
    events: tuple[EventsFile, ...]
    refused: tuple[Problem, ...] = ()
    options: ContentOptions = ContentOptions()
    table: bool = False  # write the changes into the Iceberg tables of `base` (seeded from it if new)
    table_buckets: int = tables.TABLE_BUCKETS  # page_id buckets of a table created by this run

    @property
    def partitions(self) -> set[Partition]:
        return {Partition(self.wiki_db, self.snapshot)}

    @property
    def inputs(self) -> tuple:
        return tuple(day.dump for day in self.days) + self.events

    @property
    def datasets(self) -> tuple[str, ...]:
        """The base's datasets (content ones only when it has them), and errors."""
        if self.table:  # the others are committed to their tables, not published as partitions
            return (ERRORS,)
        return tuple(name for name in DATASETS if name == ERRORS or name in self.base_datasets)

    def base_files(self) -> dict[str, list[DatasetFile]]:
        """The base partition's files of each dataset, listed when the run starts: after the driver has
        finished or undone what a killed run left, so that they are the current version's."""
        partition = Partition(self.wiki_db, self.base_snapshot)
        return {name: [f for f in list_dataset_files(self.base, name) if f.partition == partition]
                for name in self.base_datasets}


def _snapshot_seconds(snapshot: str) -> int:
    return calendar.timegm(time.strptime(snapshot, "%Y%m%d"))


def plan(base: str, increments: list[str], events: list[str], snapshot: str, *, base_snapshot: str | None = None,
         wiki_db: str | None = None, table: bool = False, table_buckets: int = tables.TABLE_BUCKETS) -> Config:
    """The job's Config (UnusableInputError when the base has no revisions partition to start from).

    Args:
        base: the output folder holding the base snapshot's datasets; the new snapshot is published there.
        increments: adds/changes day folders (or their pages-meta-hist-incr files).
        events: page_change event files (JSON lines, plain or .gz), e.g. the hourly files of `wikidumps stream`.
        snapshot: the snapshot to build (YYYYMMDD).
        base_snapshot: the snapshot to start from (default: the base's latest before `snapshot`).
        wiki_db: the wiki (default: the adds/changes dumps', else the base's only one).
        table: keep the datasets as Iceberg tables in `base` and commit only what changed (the base snapshot
            comes from the tables' tags, or, the first time, from the Parquet partition, which seeds them).
        table_buckets: page_id buckets of the tables this run creates.
    """
    days, refused = describe_days(increments, snapshot)
    files = {name: list_dataset_files(base, name) for name in DATASETS if name != ERRORS}
    wikis = {day.wiki_db for day in days} or {f.partition.wiki_db for f in files[REVISIONS]}
    wiki_db = wiki_db or (min(wikis) if len(wikis) == 1 else None)
    if wiki_db is None:
        raise UnusableInputError(base, f"the inputs are of {len(wikis)} wikis ({', '.join(sorted(wikis))}): "
                                 "pass --wiki-db NAME")
    earlier = sorted({f.partition.snapshot for f in files[REVISIONS]
                      if f.partition.wiki_db == wiki_db and f.partition.snapshot < snapshot} | set(
                     _table_snapshots(base, wiki_db, snapshot) if table else ()))
    base_snapshot = base_snapshot or (earlier[-1] if earlier else None)
    if base_snapshot is None or base_snapshot not in earlier:
        raise UnusableInputError(base, f"no revisions partition wiki_db={wiki_db}/snapshot={base_snapshot or '<before ' + snapshot + '>'} "
                                 "to start from: build one with `wikidumps run history` (and `run content`) first")
    partition = Partition(wiki_db, base_snapshot)
    present = tuple(name for name, found in files.items() if any(f.partition == partition for f in found)
                    or (table and _table_snapshots(base, wiki_db, snapshot, name)))
    return Config(base, present, wiki_db, base_snapshot, snapshot, tuple(days),
                  tuple(EventsFile(path, len(days) + i) for i, path in enumerate(events)), tuple(refused), table=table,
                  table_buckets=table_buckets)


def _table_snapshots(base: str, wiki_db: str, before: str, dataset: str = REVISIONS) -> list[str]:
    """The snapshots the dataset's table is tagged with before `before`."""
    found = tables.table_of(base, wiki_db, dataset)
    names = [] if found is None else [name[len(tables.TAG_PREFIX):] for name in found.metadata.refs
                                      if name.startswith(tables.TAG_PREFIX)]
    return sorted(name for name in names if name < before)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each base revision is carried (recomputed or not) or filtered (its page deleted); each revision of
    the adds/changes dumps is appended, dropped, or filtered (repeated, already in the base, page deleted);
    each event line is applied, dropped, or filtered (another wiki, outside the two snapshots)."""
    return (Balance(counters.BASE_REVISIONS, filtered=counters.BASE_REVISIONS.filtered),
            Balance(counters.INCREMENT_REVISIONS, filtered=counters.INCREMENT_REVISIONS.filtered),
            Balance(counters.CHANGE_EVENTS, filtered=counters.CHANGE_EVENTS.filtered))


class UpdateSnapshotFn(beam.DoFn):
    """The Config in; the new snapshot's batches out, tagged by dataset."""

    def process(self, config: Config):
        partition = Partition(config.wiki_db, config.snapshot)
        batcher = RowBatcher(text_column=TEXT_COLUMNS)
        found = increments.Changes()
        increments.read_increments(list(config.days), found)
        announced = increments.read_events([f.path for f in config.events], config.wiki_db,
                                           _snapshot_seconds(config.base_snapshot), _snapshot_seconds(config.snapshot),
                                           found)
        outcome = apply.Outcome()
        if config.table:
            yield from self._update_tables(config, found, announced, partition)
            return
        base = {name: _batches(files, name) for name, files in config.base_files().items()}
        # Streamed: the base's batches go out as they are read, so memory holds the touched pages only.
        for dataset, rows in apply.update_history(base, found, outcome):
            yield from _emit(dataset, rows, batcher, partition)
        increments.missing_revisions(found, announced)
        if any(name in base for name in CONTENT_DATASETS):
            for dataset, rows in apply.update_content(base, found, ContentPages(config.options), outcome):
                yield from _emit(dataset, rows, batcher, partition)
        problems = [(None, p) for p in config.refused] + found.problems + [(None, p) for p in outcome.problems]
        yield from _finish(batcher, problems, partition, {**found.counts, **outcome.counts})

    def _update_tables(self, config: Config, found, announced: set[int], partition: Partition):
        """The changes committed to each dataset's table: the touched pages' rows replaced."""
        base_files = config.base_files()
        for name in config.base_datasets:  # the first time, the full build's partition seeds the table
            if base_files.get(name):  # a no-op when the table already has the base snapshot's tag
                tables.seed_table(config.base, config.wiki_db, name, config.base_snapshot,
                                  _batches(base_files.get(name, []), name), config.table_buckets)
        touched = sorted(found.pages)
        content = sorted(apply.content_touched(found))

        def base_rows(name: str, pages):
            return tables.read_pages(config.base, config.wiki_db, name, config.base_snapshot, pages)

        outcome = apply.Outcome()
        base = {name: base_rows(name, touched) for name in (PAGES, REVISIONS)}
        items = list(apply.update_history(base, found, outcome))
        increments.missing_revisions(found, announced)
        contents = [name for name in CONTENT_DATASETS if name in config.base_datasets]
        scored_before = None
        if contents:
            # The content rows of the pages recomputed are replaced, never carried: none need reading, but
            # article_quality's, whose scores are relative to every article, are read to be scored again.
            base = {}
            if ARTICLE_QUALITY in contents:
                base[ARTICLE_QUALITY] = scored_before = list(base_rows(ARTICLE_QUALITY, None))
            items += apply.update_content(base, found, ContentPages(config.options), outcome)
        batcher = RowBatcher(text_column=TEXT_COLUMNS)
        added: dict[str, list] = {name: [] for name in config.base_datasets}
        for dataset, rows in items:
            if isinstance(rows, list):
                if rows:
                    added[dataset].append(to_record_batch(SCHEMAS[dataset], rows))
            elif hasattr(rows, "num_rows"):
                added[dataset].append(rows)
            elif (batch := batcher.add(dataset, rows)) is not None:
                added[dataset].append(batch)
        for dataset, batch in batcher.flush():
            added[dataset].append(batch)
        replaced = {name: touched if name in (PAGES, REVISIONS) else content for name in added}
        if ARTICLE_QUALITY in added:  # scores are relative to all the snapshot's articles: every row again,
            # but only the pages whose rows changed are committed (most scores stay as they were)
            replaced[ARTICLE_QUALITY], added[ARTICLE_QUALITY] = rescored_pages(
                scored_before or [], score_all(added[ARTICLE_QUALITY]), content)
        for name, batches in added.items():
            tables.commit_changes(config.base, config.wiki_db, name, config.base_snapshot, config.snapshot,
                                  replaced[name], batches)
            outcome.counts[counters.rows_committed(name)] += sum(b.num_rows for b in batches)
        problems = [(None, p) for p in config.refused] + found.problems + [(None, p) for p in outcome.problems]
        yield from _finish(RowBatcher(), problems, partition, {**found.counts, **outcome.counts})


def _emit(dataset: str, rows, batcher: RowBatcher, partition: Partition):
    """A list of rows or a batch as one batch; a row or `Rows` block through the batcher."""
    if isinstance(rows, list):
        if rows:
            yield TaggedOutput(dataset, (partition, SPLIT_KEY, to_record_batch(SCHEMAS[dataset], rows)))
    elif hasattr(rows, "num_rows"):
        if rows.num_rows:
            yield TaggedOutput(dataset, (partition, SPLIT_KEY, rows))
    elif (batch := batcher.add(dataset, rows)) is not None:
        yield TaggedOutput(dataset, (partition, SPLIT_KEY, batch))


def score_all(batches: list) -> list:
    """article_quality batches scored against the thresholds of all of them (ScoreArticleQuality's rule)."""
    combine = CombineThresholds()
    accumulator = combine.create_accumulator()
    for batch in batches:
        accumulator = combine.add_input(accumulator, batch)
    thresholds = combine.extract_output(accumulator)
    return [score_batch(batch, thresholds) for batch in batches]


def rescored_pages(before: list, after: list, recomputed: list[int]) -> tuple[list[int], list]:
    """(pages, their rows in `after`): the pages `recomputed` and those whose scored rows differ between
    `before` and `after` (the scores of untouched pages change when the thresholds do)."""
    def keyed(batches: list) -> set[tuple]:
        rows = set()
        for batch in batches:
            columns = [batch.column(name).to_pylist() for name in ("page_id", "revision_id", "quality_score")]
            rows.update(zip(*columns))
        return rows

    changed = {page for page, _, _ in keyed(after) ^ keyed(before)} | set(recomputed)
    wanted = pa.array(sorted(changed), pa.int64())
    return sorted(changed), [batch.filter(pc.is_in(batch.column("page_id"), value_set=wanted)) for batch in after]


def _finish(batcher: RowBatcher, problems: list, partition: Partition, counts: dict):
    """The errors rows of `problems`, what `batcher` still holds, and the counters."""
    for source, problem in problems:
        row = error_row(problem, pipeline=NAME, stage="update", source_file=source or "", stream_offset=None)
        if (batch := batcher.add(ERRORS, row)) is not None:
            yield TaggedOutput(ERRORS, (partition, SPLIT_KEY, batch))
    for dataset, batch in batcher.flush():
        yield TaggedOutput(dataset, (partition, SPLIT_KEY, batch))
    for name, value in counts.items():
        if value:
            Metrics.counter(counters.NAMESPACE, name).inc(value)


def _batches(files: list[DatasetFile], dataset: str):
    for file in files:
        yield from read_dataset_file(file, SCHEMAS[dataset])


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    names = config.datasets
    updated = (root | "Start" >> beam.Create([config])
               | "UpdateSnapshot" >> beam.ParDo(UpdateSnapshotFn()).with_outputs(*names))
    datasets = {name: updated[name] for name in names}
    if ARTICLE_QUALITY in datasets:  # scores are relative to the snapshot's articles: every row is scored again
        datasets[ARTICLE_QUALITY] = datasets[ARTICLE_QUALITY] | "ScoreArticleQuality" >> ScoreArticleQuality()
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
