"""`editor-activity`: published `revisions` (and `events`, `page_events`) into `editor_months`, `editor_activity`,
`newcomer_cohorts` and `article_survival`.

The logic is in transforms/indices/editor_activity.py and newcomers.py; here it is wired so that memory
follows editors and months, never revisions: each batch of revisions is summarised per editor, partial
summaries are combined per editor (Beam lifts the combine into each bundle), and the index and the cohorts
are sums of small per-month cells. Article survival joins each created article with its page's events.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

from pipelines.driver import Balance, describe_records
from schemas import ARTICLE_SURVIVAL, EDITOR_ACTIVITY, EDITOR_MONTHS, EVENTS, NEWCOMER_COHORTS, PAGE_EVENTS, REVISIONS
from schemas.layout import Partition
from transforms import BatchRows, ReadFromDataset, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.progress import ProgressReporter
from transforms.datasets.read import DatasetFile, require_dataset_files
from transforms.datasets.staged import Staging
from transforms.datasets.storage import current_version
from transforms.indices import editor_activity as ea
from transforms.indices import newcomers as nc
from transforms.indices.namespaces import read_namespace_map

NAME = "editor-activity"
DATASETS = (EDITOR_MONTHS, EDITOR_ACTIVITY, NEWCOMER_COHORTS, ARTICLE_SURVIVAL)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """What the driver decided: where the datasets are, which namespaces count as content, privacy.

    Attributes:
        inputs: the files of the revisions dataset (recorded in the manifests).
        partitions: the partitions of the revisions dataset, each an editor_months and editor_activity one.
        revisions_root: output folder holding the `revisions` dataset.
        events_root: output folder holding the `events` and `page_events` datasets, or None (then article
            survival, which needs deletions, is not computed).
        content_namespaces: per wiki, its content namespaces; wikis not listed use `default_content`.
        default_content: content namespaces of unlisted wikis (MediaWiki's default: the main namespace).
        cross_wiki_snapshots: snapshots with several wikis, which get a `wiki_db=all` total.
        public: apply WMF's public thresholds.
    """

    inputs: tuple[DatasetFile, ...]
    partitions: frozenset[Partition]
    revisions_root: str
    events_root: str | None = None
    content_namespaces: dict = field(default_factory=dict)
    default_content: frozenset = frozenset({0})
    cross_wiki_snapshots: frozenset = frozenset()
    public: bool = False


def plan(revisions_root: str, *, events_root: str | None = None, namespace_map: str | None = None,
         default_content: frozenset = frozenset({0}), public: bool = False) -> Config:
    """The job's Config for the datasets in the given output folders (UnusableInputError when one is missing).

    Args:
        revisions_root: output folder holding the revisions dataset.
        events_root: output folder holding the events dataset (user events), if any.
        namespace_map: WMF's mediawiki_project_namespace_map as JSON lines, for the content namespaces of
            each wiki; wikis it does not list (or all, without it) use `default_content`.
        public: apply WMF's public thresholds.
    """
    files = require_dataset_files(revisions_root, REVISIONS)
    if events_root:
        require_dataset_files(events_root, EVENTS)
        if current_version(events_root, PAGE_EVENTS) is None:
            raise UnusableInputError(events_root, "no page_events dataset here (article survival needs deletions): "
                                     "run `wikidumps run events` on the event dumps again to write it")
    partitions = frozenset(f.partition for f in files)
    wikis_per_snapshot = defaultdict(set)
    for partition in partitions:
        wikis_per_snapshot[partition.snapshot].add(partition.wiki_db)
    return Config(
        inputs=tuple(files), partitions=partitions, revisions_root=revisions_root, events_root=events_root,
        content_namespaces=read_namespace_map(namespace_map, {p.wiki_db for p in partitions}) if namespace_map else {},
        default_content=default_content,
        cross_wiki_snapshots=frozenset(s for s, wikis in wikis_per_snapshot.items() if len(wikis) > 1),
        public=public,
    )


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each revision read is summed into its editor's months, or filtered (its editor is hidden)."""
    return (Balance(counters.REVISIONS, filtered=counters.EDITS_UNATTRIBUTED),)


class SummariseRevisionsFn(beam.DoFn):
    """A batch of revisions -> (editor key, partial EditorHistory) per editor in it."""

    def __init__(self, config: Config, progress_dir: str):
        self._config = config
        self._progress_dir = progress_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, element):
        partition, batch = element
        columns = {name: batch.column(name) for name in ea.REVISION_COLUMNS}
        columns["revision_timestamp"] = columns["revision_timestamp"].cast(pa.int64())
        columns = {name: column.to_pylist() for name, column in columns.items()}
        content = self._config.content_namespaces.get(partition.wiki_db, self._config.default_content)
        histories, hidden = ea.summarise_revisions(partition.wiki_db, partition.snapshot, columns, content)
        Metrics.counter(counters.NAMESPACE, counters.REVISIONS.read).inc(batch.num_rows)
        Metrics.counter(counters.NAMESPACE, counters.REVISIONS.written).inc(batch.num_rows - hidden)
        if hidden:
            Metrics.counter(counters.NAMESPACE, counters.EDITS_UNATTRIBUTED).inc(hidden)
        self._progress.add(revisions=batch.num_rows, records=batch.num_rows)
        yield from histories.items()


def user_events(element):
    """((wiki_db, user name), (event fields, snapshot end, user_id)) for each user create or group change."""
    partition, batch = element
    end = ea.snapshot_end(partition.snapshot)
    timestamps = batch.column("event_timestamp").cast(pa.int64()).to_pylist()
    for row, timestamp in zip(batch.to_pylist(), timestamps):
        if row["event_entity"] == "user" and row["event_type"] in ("create", "altergroups") and row["user_text"]:
            event = {"event_type": row["event_type"], "event_timestamp": timestamp, "user_groups": row["user_groups"]}
            yield (partition.wiki_db, row["user_text"]), (event, end, row["user_id"])


def resolve_account_ids(element):
    """Events of one user name -> ((wiki_db, user_id), (event, end)). Some sources (recentchange rights
    logs) name the account only; its id is then the one the name's create event gives."""
    (wiki_db, _), items = element
    items = list(items)
    ids = {user_id for _, _, user_id in items if user_id is not None}
    if len(ids) != 1:
        Metrics.counter(counters.NAMESPACE, counters.USER_EVENTS_UNMATCHED).inc(len(items))
        return
    (user_id,) = ids
    for event, end, _ in items:
        yield (wiki_db, user_id), (event, end)


def account_info(element):
    key, items = element
    items = list(items)
    return key, ea.user_info([event for event, _ in items], max(end for _, end in items))


def by_account(element):
    """Accounts with an id are joined with their user events; other editors go on alone."""
    (wiki_db, snapshot, ident), history = element
    return (wiki_db, ident if isinstance(ident, int) else f"{snapshot}:{ident}"), (snapshot, history)


def rows_of_editor(element) -> list:
    """A joined editor -> [(Partition, editor_months row)] for each month."""
    (wiki_db, _), groups = element
    infos = list(groups.get("users", ()))
    out = []
    for snapshot, history in groups.get("histories", ()):
        partition = Partition(wiki_db, snapshot)
        out.append([(partition, row) for row in ea.editor_month_rows(history, infos[0] if infos else None)])
    return out


def cells_of_editor(editor_rows: list) -> list:
    """((wiki_db, snapshot, month), {cell: counts}) contributions of one editor's months and cohort."""
    out = []
    months = {(partition, row["month"]) for partition, row in editor_rows}
    for partition, row in editor_rows:
        cells = {}
        for cell, counts in ea.cell_contributions(row, (partition, ea.previous_month(row["month"])) in months):
            cells[cell] = counts
        out.append(((partition.wiki_db, partition.snapshot, row["month"]), cells))
    if editor_rows:
        partition, first = editor_rows[0]
        cohort = ea.cohort_contribution(first)
        if cohort is not None:
            out.append(((partition.wiki_db, partition.snapshot, cohort[0]), {(None, None): cohort[1]}))
    return out


def sum_cells_of_counts(counts) -> dict:
    total: dict = {}
    for item in counts:
        ea.add_counts(total, item)
    return total


def sum_cells(cell_maps) -> dict:
    total: dict = {}
    for cells in cell_maps:
        for cell, counts in cells.items():
            ea.add_counts(total.setdefault(cell, {}), counts)
    return total


def newcomer_cells(element):
    """((wiki_db, snapshot, month of first edit), counts) of a joined editor who is a newcomer."""
    (wiki_db, _), groups = element
    infos = list(groups.get("users", ()))
    for snapshot, history in groups.get("histories", ()):
        rows = ea.editor_month_rows(history, infos[0] if infos else None)
        contribution = nc.newcomer_contribution(history, rows[0])
        if contribution is not None:
            yield (wiki_db, snapshot, contribution[0]), contribution[1]


def cohort_of_month(element, public: bool):
    (wiki_db, snapshot, month), counts = element
    for row in nc.cohort_rows(month, counts, ea.snapshot_end(snapshot), public=public):
        yield Partition(wiki_db, snapshot), row


def article_creations(element):
    """((wiki_db, page_id), (snapshot, created, experience bucket, creator)) of each article a joined editor created."""
    (wiki_db, ident), groups = element
    for snapshot, history in groups.get("histories", ()):
        for page_id, created, bucket in nc.creations_of(history):
            yield (wiki_db, page_id), (snapshot, created, bucket, ident)


def page_event_items(element):
    """((wiki_db, page_id), (event_timestamp, event_type, page_is_redirect)) of each page event with a page id."""
    partition, batch = element
    for page_id, event in nc.page_events_of(batch):
        yield (partition.wiki_db, page_id), event


def survival_cells(element):
    """((wiki_db, snapshot, month, bucket), counts) of the articles created on one page (usually one)."""
    (wiki_db, _), groups = element
    events = list(groups.get("events", ()))
    for snapshot, created, bucket, creator in groups.get("creations", ()):
        is_article, deleted = nc.survival_outcome(created, events)
        if is_article:
            (month, bucket), counts = nc.survival_contribution(created, bucket, creator, deleted)
            yield (wiki_db, snapshot, month, bucket), counts


def sum_survival(cell_counts) -> dict:
    total: dict = {}
    for counts in cell_counts:
        nc.add_survival(total, counts)
    return total


def survival_of_cell(element, public: bool):
    (wiki_db, snapshot, month, bucket), counts = element
    for row in nc.survival_rows(month, bucket, counts, ea.snapshot_end(snapshot), public=public):
        yield Partition(wiki_db, snapshot), row


def index_of_month(element, public: bool):
    (wiki_db, snapshot, month), cells = element
    for row in ea.index_rows(month, cells, ea.snapshot_end(snapshot), public=public, cross_wiki=wiki_db == ea.ALL_WIKIS):
        yield Partition(wiki_db, snapshot), row


def public_editor_month(item, public: bool):
    """--privacy public: no IP editors, counts rounded up to tens."""
    partition, row = item
    if not public:
        yield item
    elif not row["user_is_anonymous"]:
        row = dict(row)
        for name in ("edits", "content_edits", "identity_reverted_edits", "identity_reverted_48h_edits",
                     "edits_first_30_days", "edits_days_30_to_60"):
            if row[name] is not None:
                row[name] = ea.round_up(row[name])
        yield partition, row


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    histories = (
        root
        | "ReadRevisions" >> ReadFromDataset(config.revisions_root, REVISIONS, columns=ea.REVISION_COLUMNS)
        | "SummariseBatches" >> beam.ParDo(SummariseRevisionsFn(config, staging.progress))
        | "CombinePerEditor" >> beam.CombinePerKey(ea.merge_histories)
        | "KeyByAccount" >> beam.Map(by_account)
    )
    joined = {"histories": histories}
    if config.events_root:
        joined["users"] = (
            root
            | "ReadEvents" >> ReadFromDataset(config.events_root, EVENTS,
                                              columns=("event_entity", "event_type", "event_timestamp", "user_id",
                                                       "user_text", "user_groups"))
            | "PickUserEvents" >> beam.FlatMap(user_events)
            | "GroupPerUserName" >> beam.GroupByKey()
            | "ResolveAccountIds" >> beam.FlatMap(resolve_account_ids)
            | "GroupPerAccount" >> beam.GroupByKey()
            | "DescribeAccounts" >> beam.Map(account_info)
        )
    accounts = joined | "JoinAccounts" >> beam.CoGroupByKey()
    editors = accounts | "EditorMonths" >> beam.FlatMap(rows_of_editor)
    per_wiki_cells = editors | "CellsPerEditor" >> beam.FlatMap(cells_of_editor)
    cross_wiki = config.cross_wiki_snapshots
    global_cells = (
        editors
        | "FlattenEditorMonths" >> beam.FlatMap(lambda rows: rows)
        | "KeyByUserName" >> beam.FlatMap(
            lambda item: [((item[0].snapshot, item[1]["month"], item[1]["user_is_anonymous"], item[1]["user_text"]),
                           item[1])] if item[0].snapshot in cross_wiki else [])
        | "MergeAcrossWikis" >> beam.CombinePerKey(ea.merge_across_wikis)
        | "CellsPerUserName" >> beam.FlatMap(
            lambda kv: [((ea.ALL_WIKIS, kv[0][0], kv[0][1]), dict(ea.cell_contributions(kv[1])))])
    )
    index = (
        (per_wiki_cells, global_cells)
        | "MergeCellStreams" >> beam.Flatten()
        | "SumCells" >> beam.CombinePerKey(sum_cells)
        | "IndexRows" >> beam.FlatMap(index_of_month, config.public)
        | "BatchIndexRows" >> BatchRows(EDITOR_ACTIVITY)
    )
    editor_months = (
        editors
        | "EditorMonthRows" >> beam.FlatMap(lambda rows: rows)
        | "ApplyPrivacy" >> beam.FlatMap(public_editor_month, config.public)
        | "BatchEditorMonths" >> BatchRows(EDITOR_MONTHS)
    )
    cohorts = (
        accounts
        | "NewcomerCells" >> beam.FlatMap(newcomer_cells)
        | "SumCohorts" >> beam.CombinePerKey(sum_cells_of_counts)
        | "CohortRows" >> beam.FlatMap(cohort_of_month, config.public)
        | "BatchCohortRows" >> BatchRows(NEWCOMER_COHORTS)
    )
    datasets = {EDITOR_MONTHS: editor_months, EDITOR_ACTIVITY: index, NEWCOMER_COHORTS: cohorts}
    if not config.events_root:  # no deletions to judge survival by: article_survival gets no rows
        datasets[ARTICLE_SURVIVAL] = root | "NoPageEvents" >> beam.Create([])
    else:
        pages = {
            "creations": accounts | "ArticleCreations" >> beam.FlatMap(article_creations),
            "events": (root
                       | "ReadPageEvents" >> ReadFromDataset(config.events_root, PAGE_EVENTS,
                                                             columns=("page_id", "event_type", "event_timestamp",
                                                                      "page_is_redirect"))
                       | "KeyByPage" >> beam.FlatMap(page_event_items)),
        }
        datasets[ARTICLE_SURVIVAL] = (
            pages
            | "JoinPages" >> beam.CoGroupByKey()
            | "SurvivalCells" >> beam.FlatMap(survival_cells)
            | "SumSurvival" >> beam.CombinePerKey(sum_survival)
            | "SurvivalRows" >> beam.FlatMap(survival_of_cell, config.public)
            | "BatchSurvivalRows" >> BatchRows(ARTICLE_SURVIVAL)
        )
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
