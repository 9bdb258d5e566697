"""`campaign`: an editing campaign's participants and totals from published `revisions` (and `page_events`).

The logic is in transforms/indices/campaign.py; here each batch of the wiki's revisions is summarised per
participant, partial summaries are combined per participant, the articles they created are joined with
their pages' events (as article survival does), and each wiki's participant rows make its summary.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

from pipelines.driver import Balance, describe_records
from schemas import CAMPAIGN_PARTICIPANTS, CAMPAIGN_SUMMARY, LINKS, PAGE_EVENTS, REVISIONS
from schemas.layout import Partition
from transforms import BatchRows, ReadFromDataset, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.read import DatasetFile, require_dataset_files
from transforms.datasets.staged import Staging
from transforms.datasets.storage import current_version
from transforms.indices import campaign as cp
from transforms.indices import newcomers as nc
from transforms.indices.editor_activity import snapshot_end

NAME = "campaign"
DATASETS = (CAMPAIGN_PARTICIPANTS, CAMPAIGN_SUMMARY)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """The campaign as planned.

    Attributes:
        inputs: the files of the wiki's revisions (recorded in the manifests).
        partitions: the wiki's partitions of the revisions dataset.
        revisions_root: output folder holding the `revisions` dataset.
        events_root: output folder holding `page_events` (article survival), or None.
        wiki_db: the wiki of the campaign.
        participants: the participants' user names (from a file; empty when `source` finds them).
        window: the campaign's start and end (epoch seconds).
        content_namespaces: namespaces whose edits are content edits and whose new pages are articles.
        public: apply WMF's public thresholds.
        source: ("category", name) or ("linked-from", page title): participants found in the `links` dataset
            of `links_root`; None for a participants file.
        links_root: output folder holding the `links` dataset, or None.
    """

    inputs: tuple[DatasetFile, ...]
    partitions: frozenset[Partition]
    revisions_root: str
    events_root: str | None
    wiki_db: str
    participants: frozenset[str]
    window: cp.Window
    content_namespaces: frozenset = frozenset({0})
    public: bool = False
    source: tuple[str, str] | None = None
    links_root: str | None = None


def plan(revisions_root: str, participants_text: str, start: int, end: int, wiki_db: str, *,
         events_root: str | None = None, content_namespaces: frozenset = frozenset({0}), public: bool = False,
         links_root: str | None = None, source: tuple[str, str] | None = None) -> Config:
    """The job's Config (UnusableInputError names what cannot be used).

    Args:
        revisions_root: output folder holding the revisions dataset.
        participants_text: the participants file's text: user names, one per line.
        start, end: the campaign, from `start` to before `end` (epoch seconds).
        wiki_db: the wiki of the campaign.
        events_root: output folder of `run events` holding `page_events`, for article survival.
        links_root, source: the `links` dataset's folder and what finds the participants in it (Config.source);
            `participants_text` is not read then.
    """
    files = [f for f in require_dataset_files(revisions_root, REVISIONS) if f.partition.wiki_db == wiki_db]
    if not files:
        raise UnusableInputError(revisions_root, f"the revisions dataset here has no partition of {wiki_db}")
    if events_root and current_version(events_root, PAGE_EVENTS) is None:
        raise UnusableInputError(events_root, "no page_events dataset here: run `wikidumps run events` to write it")
    participants = frozenset()
    if source is not None:
        if not [f for f in require_dataset_files(links_root, LINKS) if f.partition.wiki_db == wiki_db]:
            raise UnusableInputError(links_root, f"the links dataset here has no partition of {wiki_db}")
    else:
        participants = cp.read_participants(participants_text)
        if not participants:
            raise UnusableInputError("--participants", "the participants file names nobody (one user name per line)")
    if end <= start:
        raise UnusableInputError("--end", "the campaign must end after it starts")
    return Config(tuple(files), frozenset(f.partition for f in files), revisions_root, events_root, wiki_db,
                  participants, cp.Window(start, end), content_namespaces, public, source, links_root)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each revision read is a participant's (summed into its row) or filtered (another editor's)."""
    return (Balance(counters.REVISIONS, filtered=counters.REVISIONS.filtered),)


class SummariseParticipantsFn(beam.DoFn):
    """A batch of revisions -> ((snapshot, user name), partial Participation) per participant in it."""

    def __init__(self, config: Config):
        self._config = config

    def process(self, element, names):
        partition, batch = element
        participants = frozenset(names)
        columns = {name: batch.column(name) for name in cp.REVISION_COLUMNS}
        columns["revision_timestamp"] = columns["revision_timestamp"].cast(pa.int64())
        columns = {name: column.to_pylist() for name, column in columns.items()}
        found = cp.summarise_participants(columns, participants, self._config.window, self._config.content_namespaces)
        mine = sum(1 for name, hidden in zip(columns["user_text"], columns["user_is_deleted"])
                   if name in participants and not hidden)
        Metrics.counter(counters.NAMESPACE, counters.REVISIONS.read).inc(batch.num_rows)
        Metrics.counter(counters.NAMESPACE, counters.REVISIONS.written).inc(mine)
        Metrics.counter(counters.NAMESPACE, counters.REVISIONS.filtered).inc(batch.num_rows - mine)
        for name, item in found.items():
            yield (partition.snapshot, name), item


def article_creations(element):
    """((wiki_db, page_id), (snapshot, user name, created)) of each article a participant created."""
    key, item = element
    for page_id, created in item.creations:
        yield page_id, (key, created)


def page_event_items(element):
    _, batch = element
    return nc.page_events_of(batch)


def survivals(element):
    """(participant key, 1 or 0) per article created on one page: 1 when it survived 30 days."""
    _, groups = element
    events = list(groups.get("events", ()))
    for key, created in groups.get("creations", ()):
        _, deleted = nc.survival_outcome(created, events)
        yield key, int(not deleted)


def participant_rows(element, config: Config, with_events: bool):
    (snapshot, _), groups = element
    (item,) = groups["participations"]
    surviving = sum(groups.get("surviving", ())) if with_events else None
    row = cp.participant_row(item, surviving, config.window, snapshot_end(snapshot))
    yield Partition(config.wiki_db, snapshot), row


def public_participant(item, public: bool):
    partition, row = item
    if not public:
        yield item
    elif row["user_id"] is not None:
        yield partition, cp.public_participant(row)


def summary_of_snapshot(element, config: Config, names):
    snapshot, rows = element
    row = cp.summary_row(list(rows), len(set(names)), config.window, snapshot_end(snapshot))
    row = cp.public_summary(row) if config.public else row
    if row is not None:
        row.update(campaign_start=_iso(config.window.start), campaign_end=_iso(config.window.end))
        yield Partition(config.wiki_db, snapshot), row


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rows_of(element):
    _, batch = element
    return batch.to_pylist()


def participant_names(root, config: Config):
    """The participants' user names: the file's, or found in the links (and revisions) datasets."""
    if config.source is None:
        return root | "ListParticipants" >> beam.Create(sorted(config.participants))
    kind, value = config.source
    links = (root
             | "ReadLinks" >> ReadFromDataset(config.links_root, LINKS, columns=cp.LINK_COLUMNS,
                                              wiki_dbs=frozenset({config.wiki_db}))
             | "LinkRows" >> beam.FlatMap(rows_of))
    if kind == "category":
        names = links | "CategoryMembers" >> beam.FlatMap(lambda row: cp.category_members([row], value))
    else:
        pages = links | "LinkedPages" >> beam.FlatMap(lambda row: cp.linked_pages([row], value))
        names = (
            root
            | "ReadPageRevisions" >> ReadFromDataset(config.revisions_root, REVISIONS, columns=cp.PAGE_COLUMNS,
                                                     wiki_dbs=frozenset({config.wiki_db}))
            | "EditorsOfLinkedPages" >> beam.FlatMap(_editors_of_batch, config.window, beam.pvalue.AsList(pages))
        )
    return names | "DistinctParticipants" >> beam.Distinct()


def _editors_of_batch(element, window: cp.Window, pages):
    _, batch = element
    columns = {name: batch.column(name) for name in cp.PAGE_COLUMNS}
    columns["revision_timestamp"] = columns["revision_timestamp"].cast(pa.int64())
    return sorted(cp.editors_of({name: column.to_pylist() for name, column in columns.items()}, frozenset(pages),
                                window))


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    names = beam.pvalue.AsList(participant_names(root, config))
    participations = (
        root
        | "ReadRevisions" >> ReadFromDataset(config.revisions_root, REVISIONS, columns=cp.REVISION_COLUMNS,
                                             wiki_dbs=frozenset({config.wiki_db}))
        | "SummariseBatches" >> beam.ParDo(SummariseParticipantsFn(config), names)
        | "CombinePerParticipant" >> beam.CombinePerKey(cp.merge_participations)
    )
    joined = {"participations": participations}
    if config.events_root:
        pages = {
            "creations": participations | "ArticleCreations" >> beam.FlatMap(article_creations),
            "events": (root
                       | "ReadPageEvents" >> ReadFromDataset(config.events_root, PAGE_EVENTS,
                                                             columns=("page_id", "event_type", "event_timestamp",
                                                                      "page_is_redirect"),
                                                             wiki_dbs=frozenset({config.wiki_db}))
                       | "KeyByPage" >> beam.FlatMap(page_event_items)),
        }
        joined["surviving"] = pages | "JoinPages" >> beam.CoGroupByKey() | "Survivals" >> beam.FlatMap(survivals)
    rows = (
        joined
        | "JoinParticipants" >> beam.CoGroupByKey()
        | "ParticipantRows" >> beam.FlatMap(participant_rows, config, bool(config.events_root))
    )
    summary = (
        rows
        | "KeyBySnapshot" >> beam.Map(lambda item: (item[0].snapshot, item[1]))
        | "GroupPerSnapshot" >> beam.GroupByKey()
        | "SummaryRows" >> beam.FlatMap(summary_of_snapshot, config, names)
        | "BatchSummary" >> BatchRows(CAMPAIGN_SUMMARY)
    )
    participants = (
        rows
        | "ApplyPrivacy" >> beam.FlatMap(public_participant, config.public)
        | "BatchParticipants" >> BatchRows(CAMPAIGN_PARTICIPANTS)
    )
    datasets = {CAMPAIGN_PARTICIPANTS: participants, CAMPAIGN_SUMMARY: summary}
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
