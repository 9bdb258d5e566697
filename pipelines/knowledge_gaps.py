"""`knowledge-gaps`: published pages, revisions, links, article_quality, wikidata_entities (and pageviews)
into `article_gaps` and the `knowledge_gaps` index.

The logic is in transforms/knowledge_gaps.py. Every input is summarised batch by batch into small
per-page rows, which travel in lists keyed by (wiki, hash bucket): first by page id, where an article
meets its revisions, scores, media links and views; then by title, where it meets its Wikidata item and
the views given without a page id. The index is a sum of per-category cells over the article rows.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

import schemas
from pipelines.driver import Balance, describe_records
from schemas import (
    ARTICLE_GAPS,
    ARTICLE_QUALITY,
    ERRORS,
    KNOWLEDGE_GAPS,
    LINKS,
    PAGES,
    PAGEVIEWS,
    REVISIONS,
    WIKIDATA_ENTITIES,
)
from schemas.layout import Partition
from transforms import BatchRows, ReadFromDataset, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.progress import ProgressReporter
from transforms.datasets.read import DatasetFile, require_dataset_files
from transforms.datasets.rows import error_row, to_record_batch
from transforms.datasets.staged import Staging
from transforms.indices import knowledge_gaps as kg
from transforms.indices.geography import ReverseGeocoder

NAME = "knowledge-gaps"
DATASETS = (ARTICLE_GAPS, KNOWLEDGE_GAPS, ERRORS)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """What the driver decided: where the datasets are, which pages are articles, the time coverage.

    Attributes:
        inputs: every file of the datasets read (recorded in the manifests).
        partitions: the partitions of the pages dataset, each an article_gaps and knowledge_gaps one.
        pages_root, revisions_root, links_root, quality_root, wikidata_root: output folders holding the
            pages, revisions, links, article_quality and wikidata_entities datasets.
        pageviews_root: output folder holding the pageviews dataset, or None.
        wikis: wikis of the pages; other wikis' partitions and sitelinks are skipped.
        covered_months: per wiki, the months (YYYY-MM) the pageviews dataset holds.
        namespaces: content namespaces, each with its title prefix (empty for the main namespace).
        standard_quality: quality score at or above which an article is of standard quality.
        buckets: hash buckets of each shuffle, per wiki.
    """

    inputs: tuple[DatasetFile, ...]
    partitions: frozenset[Partition]
    pages_root: str
    revisions_root: str
    links_root: str
    quality_root: str
    wikidata_root: str
    pageviews_root: str | None = None
    wikis: frozenset = frozenset()
    covered_months: dict = field(default_factory=dict)
    namespaces: dict = field(default_factory=lambda: {0: ""})
    standard_quality: float = kg.DEFAULT_STANDARD_QUALITY
    buckets: int = kg.DEFAULT_BUCKETS


# Datasets that must hold a partition for every partition of pages: they come from the same dumps.
SAME_DUMP = (REVISIONS, LINKS, ARTICLE_QUALITY)


def plan(pages_root: str, revisions_root: str, links_root: str, quality_root: str, wikidata_root: str, *,
         pageviews_root: str | None = None, namespaces: dict[int, str] | None = None,
         standard_quality: float = kg.DEFAULT_STANDARD_QUALITY) -> Config:
    """The job's Config for the datasets in the given output folders (UnusableInputError when one is missing
    or they do not fit together).

    Args:
        pages_root, revisions_root, links_root, quality_root: output folders holding the pages, revisions,
            links and article_quality datasets of the same dumps.
        wikidata_root: output folder holding the wikidata_entities dataset of one Wikidata dump.
        pageviews_root: output folder holding the pageviews dataset, if any.
        namespaces: content namespaces, each with the title prefix sitelinks and pageview dumps write
            (empty for the main namespace); default: the main namespace only.
        standard_quality: article_quality score at or above which an article is of standard quality.
    """
    if not 0 <= standard_quality <= 1:
        raise UnusableInputError(str(standard_quality), "--standard-quality is a score between 0 and 1")
    pages = require_dataset_files(pages_root, PAGES)
    partitions = frozenset(f.partition for f in pages)
    wikis = frozenset(p.wiki_db for p in partitions)
    inputs = list(pages)
    for dataset, root in zip(SAME_DUMP, (revisions_root, links_root, quality_root)):
        files = require_dataset_files(root, dataset)
        present = {f.partition for f in files}
        missing = sorted(p.path for p in partitions if p not in present)
        if missing:
            raise UnusableInputError(root, f"{dataset} has no partition {missing[0]}: pages, revisions, links and "
                                           "article_quality must come from dumps of the same wiki and date")
        inputs += [f for f in files if f.partition.wiki_db in wikis]
    entities = require_dataset_files(wikidata_root, WIKIDATA_ENTITIES)
    snapshots = sorted({f.partition.snapshot for f in entities})
    if len(snapshots) > 1:
        raise UnusableInputError(wikidata_root, f"wikidata_entities of several dumps ({', '.join(snapshots)}); "
                                                "give a folder holding one")
    inputs += entities
    covered = defaultdict(set)
    if pageviews_root:
        views = [f for f in require_dataset_files(pageviews_root, PAGEVIEWS) if f.partition.wiki_db in wikis]
        for file in views:
            covered[file.partition.wiki_db].add(f"{file.partition.snapshot[:4]}-{file.partition.snapshot[4:6]}")
        inputs += views
    return Config(
        inputs=tuple(inputs), partitions=partitions, pages_root=pages_root, revisions_root=revisions_root,
        links_root=links_root, quality_root=quality_root, wikidata_root=wikidata_root, pageviews_root=pageviews_root,
        wikis=wikis, covered_months={wiki: frozenset(months) for wiki, months in covered.items()},
        namespaces=namespaces if namespaces is not None else {0: ""}, standard_quality=standard_quality,
    )


def accounting(config: Config) -> tuple[Balance, ...]:
    """Every page read is an `article_gaps` row, an error, or filtered (not an article); every entity read
    gave its articles their Wikidata gaps (entities-written), could not (dropped), or links none of the
    wikis (filtered)."""
    return (Balance(counters.PAGES, written=ARTICLE_GAPS, filtered=counters.PAGES.filtered),
            Balance(counters.ENTITIES, filtered=counters.ENTITIES_WITHOUT_SITELINK))


def columns(batch: pa.RecordBatch, names) -> dict[str, list]:
    """Columns as Python lists; timestamps as epoch seconds."""
    out = {}
    for name in names:
        column = batch.column(name)
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.int64())
        out[name] = column.to_pylist()
    return out


def rows_of(batch: pa.RecordBatch, names) -> list[dict]:
    """Rows as dicts of the named columns (timestamps as epoch seconds)."""
    values = columns(batch, names)
    return [dict(zip(values, row)) for row in zip(*values.values())]


def by_page_bucket(wiki_db: str, snapshot, items: dict, buckets: int):
    """{page_id: summary} -> ((wiki_db, bucket), (snapshot, {page_id: summary})) per touched bucket."""
    grouped = defaultdict(dict)
    for page_id, summary in items.items():
        grouped[kg.page_bucket(wiki_db, page_id, buckets)][page_id] = summary
    for key, part in grouped.items():
        yield key, part if snapshot is None else (snapshot, part)


def articles_of(partition: Partition, batch, config: Config, counts: Counter):
    """A pages batch -> its articles, by page bucket."""
    articles = kg.pick_articles(rows_of(batch, kg.PAGE_COLUMNS), config.namespaces, counts)
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, {a["page_id"]: a for a in articles},
                              config.buckets)


def revisions_of(partition: Partition, batch, config: Config, counts: Counter):
    """A revisions batch -> revisions per page and month, and first revisions, by page bucket."""
    values = columns(batch, kg.REVISION_COLUMNS)
    summaries = kg.summarise_revisions(values["page_id"], values["revision_parent_id"], values["revision_timestamp"],
                                       kg.last_time_bucket(partition.snapshot), counts)
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, summaries, config.buckets)


def media_of(partition: Partition, batch, config: Config, counts: Counter):
    """A links batch -> its (page_id, revision_id) pairs with a media link, by page bucket."""
    values = columns(batch, kg.LINK_COLUMNS)
    counts[counters.LINKS_READ] += batch.num_rows
    pairs = defaultdict(set)
    for page_id, revision_id in kg.media_revisions(values["page_id"], values["revision_id"], values["link_type"]):
        pairs[kg.page_bucket(partition.wiki_db, page_id, config.buckets)].add((page_id, revision_id))
    for key, part in pairs.items():
        yield key, (partition.snapshot, part)


def quality_of(partition: Partition, batch, config: Config, counts: Counter):
    """An article_quality batch -> each page's latest scanned revision per month, by page bucket."""
    values = columns(batch, kg.QUALITY_COLUMNS)
    counts[counters.QUALITY_ROWS_READ] += batch.num_rows
    summaries = kg.summarise_quality(values["page_id"], values["revision_id"], values["revision_timestamp"],
                                     values["quality_score"], kg.last_time_bucket(partition.snapshot))
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, summaries, config.buckets)


def pageviews_of(partition: Partition, batch, config: Config, counts: Counter):
    """Tagged ("id", page bucket key, {page_id: views}) and ("title", title bucket key, {title: views})."""
    counts[counters.PAGEVIEW_ROWS_READ] += batch.num_rows
    by_id, by_title = kg.summarise_pageviews(rows_of(batch, kg.PAGEVIEW_COLUMNS))
    for key, part in by_page_bucket(partition.wiki_db, None, by_id, config.buckets):
        yield "id", key, part
    grouped = defaultdict(dict)
    for title, months in by_title.items():
        grouped[kg.title_bucket(partition.wiki_db, title, config.buckets)][title] = months
    for key, part in grouped.items():
        yield "title", key, part


class SummariseFn(beam.DoFn):
    """One dataset's (Partition, RecordBatch) -> whatever `summarise(partition, batch, config, counts)` yields,
    with the counters it bumps reported to Beam."""

    def __init__(self, summarise, config: Config, progress_dir: str):
        self._summarise = summarise
        self._config = config
        self._progress_dir = progress_dir

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, element):
        partition, batch = element
        counts: Counter = Counter()
        yield from self._summarise(partition, batch, self._config, counts)
        for name, count in counts.items():
            Metrics.counter(counters.NAMESPACE, name).inc(count)
        self._progress.add(records=batch.num_rows)


class CategoriseItemsFn(beam.DoFn):
    """wikidata_entities batches -> ((wiki_db, title bucket), [(title, item), ...]), one reverse geocoder per worker."""

    def __init__(self, config: Config, progress_dir: str):
        self._config = config
        self._progress_dir = progress_dir

    def setup(self):
        self._geocoder = ReverseGeocoder()
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, element):
        _, batch = element
        counts: Counter = Counter()
        grouped = defaultdict(list)
        rows = rows_of(batch, kg.ENTITY_COLUMNS)
        for (wiki_db, title), item in kg.items_of_entities(rows, self._config.wikis, self._geocoder, counts):
            grouped[kg.title_bucket(wiki_db, title, self._config.buckets)].append((title, item))
        yield from grouped.items()
        for name, count in counts.items():
            Metrics.counter(counters.NAMESPACE, name).inc(count)
        self._progress.add(records=batch.num_rows)


def join_page_bucket(element, buckets: int):
    """A page-id bucket's inputs -> ((wiki_db, title bucket), [(snapshot, facts), ...]) per title bucket."""
    (wiki_db, _), parts = element
    facts = kg.join_by_page(parts["pages"], parts["revisions"], parts["media"], parts["quality"], parts["views"])
    grouped = defaultdict(list)
    for snapshot, article in facts:
        grouped[kg.title_bucket(wiki_db, article["full_title"], buckets)].append((snapshot, article))
    return list(grouped.items())


class JoinTitlesFn(beam.DoFn):
    """A title bucket's inputs -> (Partition, [article_gaps row, ...]); errors rows on the `errors` output."""

    def __init__(self, config: Config):
        self._config = config

    def process(self, element):
        (wiki_db, _), parts = element
        partials = [pair for part in parts["articles"] for pair in part]
        if not partials:
            return
        counts: Counter = Counter()
        items = [pair for part in parts["items"] for pair in part]
        rows, problems = kg.join_by_title(wiki_db, partials, items, parts["views"],
                                          self._config.covered_months.get(wiki_db, frozenset()),
                                          self._config.standard_quality, counts)
        for name, count in counts.items():
            Metrics.counter(counters.NAMESPACE, name).inc(count)
        by_snapshot = defaultdict(list)
        for snapshot, row in rows:
            by_snapshot[snapshot].append(row)
        for snapshot, article_rows in by_snapshot.items():
            yield Partition(wiki_db, snapshot), article_rows
        errors = defaultdict(list)
        for snapshot, problem in problems:
            errors[snapshot].append(error_row(problem, pipeline=NAME, stage="join-items",
                                              source_file=self._config.wikidata_root, stream_offset=None))
        for snapshot, error_rows in errors.items():
            yield beam.pvalue.TaggedOutput(ERRORS, (Partition(wiki_db, snapshot), ERRORS,
                                                    to_record_batch(schemas.DATASETS[ERRORS], error_rows)))


def cells_of_articles(element):
    """(Partition, article_gaps rows) -> ((wiki_db, snapshot, gap, category), cells) per category met."""
    partition, rows = element
    for (gap, category), cells in kg.cells_of_rows(rows).items():
        yield (partition.wiki_db, partition.snapshot, gap, category), cells


def index_of_category(element, config: Config):
    """A category's summed cells -> (Partition, knowledge_gaps row) per month."""
    (wiki_db, snapshot, gap, category), cells = element
    covered = config.covered_months.get(wiki_db, frozenset())
    for row in kg.index_rows(cells, gap, category, snapshot, covered, config.standard_quality):
        yield Partition(wiki_db, snapshot), row


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""

    def summarised(label: str, root_dir: str, dataset: str, names, summarise):
        return (root
                | f"Read{label}" >> ReadFromDataset(root_dir, dataset, columns=names, wiki_dbs=config.wikis)
                | f"Summarise{label}" >> beam.ParDo(SummariseFn(summarise, config, staging.progress)))

    by_page = {
        "pages": summarised("Pages", config.pages_root, PAGES, kg.PAGE_COLUMNS, articles_of),
        "revisions": summarised("Revisions", config.revisions_root, REVISIONS, kg.REVISION_COLUMNS, revisions_of),
        "media": summarised("Links", config.links_root, LINKS, kg.LINK_COLUMNS, media_of),
        "quality": summarised("Quality", config.quality_root, ARTICLE_QUALITY, kg.QUALITY_COLUMNS, quality_of),
    }
    by_title = {}
    if config.pageviews_root:
        views = summarised("Pageviews", config.pageviews_root, PAGEVIEWS, kg.PAGEVIEW_COLUMNS, pageviews_of)
        by_page["views"] = views | "ViewsById" >> beam.FlatMap(lambda v: [v[1:]] if v[0] == "id" else [])
        by_title["views"] = views | "ViewsByTitle" >> beam.FlatMap(lambda v: [v[1:]] if v[0] == "title" else [])
    else:
        by_page["views"] = root | "NoViewsById" >> beam.Create([])
        by_title["views"] = root | "NoViewsByTitle" >> beam.Create([])
    by_title["articles"] = (
        by_page
        | "GroupByPage" >> beam.CoGroupByKey()
        | "JoinByPage" >> beam.FlatMap(join_page_bucket, config.buckets)
    )
    by_title["items"] = (
        root
        | "ReadEntities" >> ReadFromDataset(config.wikidata_root, WIKIDATA_ENTITIES, columns=kg.ENTITY_COLUMNS)
        | "CategoriseItems" >> beam.ParDo(CategoriseItemsFn(config, staging.progress))
    )
    joined = (
        by_title
        | "GroupByTitle" >> beam.CoGroupByKey()
        | "JoinByTitle" >> beam.ParDo(JoinTitlesFn(config)).with_outputs(ERRORS, main="articles")
    )
    articles = (
        joined.articles
        | "ArticleRows" >> beam.FlatMap(lambda item: [(item[0], row) for row in item[1]])
        | "BatchArticleRows" >> BatchRows(ARTICLE_GAPS)
    )
    index = (
        joined.articles
        | "CellsPerCategory" >> beam.FlatMap(cells_of_articles)
        | "SumCells" >> beam.CombinePerKey(kg.merge_cells)
        | "IndexRows" >> beam.FlatMap(index_of_category, config)
        | "BatchIndexRows" >> BatchRows(KNOWLEDGE_GAPS)
    )
    datasets = {ARTICLE_GAPS: articles, KNOWLEDGE_GAPS: index, ERRORS: joined[ERRORS]}
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
