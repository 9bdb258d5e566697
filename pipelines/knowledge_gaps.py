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

from pipelines.editor_activity import BatchRowsFn
from schemas import DATASETS
from transforms import knowledge_gaps as kg
from transforms.geography import ReverseGeocoder
from transforms.progress import ProgressReporter
from transforms.read_dataset import ReadFromDataset
from transforms.rows import Partition, error_row, to_record_batch

NAME = "knowledge-gaps"
DATASETS_WRITTEN = ("article_gaps", "knowledge_gaps", "errors")
NAMESPACE = "wikidumps"
BATCH_ROWS = 5_000


@dataclass(frozen=True)
class KnowledgeGapsConfig:
    """What the driver decided: where the datasets are, which pages are articles, the time coverage.

    Attributes:
        pages_root, revisions_root, links_root, quality_root, wikidata_root: output folders holding the
            pages, revisions, links, article_quality and wikidata_entities datasets.
        pageviews_root: output folder holding the pageviews dataset, or None.
        wikis: wikis of the pages; other wikis' partitions and sitelinks are skipped.
        covered_months: per wiki, the months (YYYY-MM) the pageviews dataset holds.
        namespaces: content namespaces, each with its title prefix (empty for the main namespace).
        standard_quality: quality score at or above which an article is of standard quality.
        buckets: hash buckets of each shuffle, per wiki.
        progress_dir: where workers leave progress reports.
    """

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
    progress_dir: str | None = None


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


def articles_of(partition: Partition, batch, config: KnowledgeGapsConfig, counters: Counter):
    """A pages batch -> its articles, by page bucket."""
    articles = kg.pick_articles(rows_of(batch, kg.PAGE_COLUMNS), config.namespaces, counters)
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, {a["page_id"]: a for a in articles},
                              config.buckets)


def revisions_of(partition: Partition, batch, config: KnowledgeGapsConfig, counters: Counter):
    """A revisions batch -> revisions per page and month, and first revisions, by page bucket."""
    values = columns(batch, kg.REVISION_COLUMNS)
    summaries = kg.summarise_revisions(values["page_id"], values["revision_parent_id"], values["revision_timestamp"],
                                       kg.last_time_bucket(partition.snapshot), counters)
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, summaries, config.buckets)


def media_of(partition: Partition, batch, config: KnowledgeGapsConfig, counters: Counter):
    """A links batch -> its (page_id, revision_id) pairs with a media link, by page bucket."""
    values = columns(batch, kg.LINK_COLUMNS)
    counters["links-read"] += batch.num_rows
    pairs = defaultdict(set)
    for page_id, revision_id in kg.media_revisions(values["page_id"], values["revision_id"], values["link_type"]):
        pairs[kg.page_bucket(partition.wiki_db, page_id, config.buckets)].add((page_id, revision_id))
    for key, part in pairs.items():
        yield key, (partition.snapshot, part)


def quality_of(partition: Partition, batch, config: KnowledgeGapsConfig, counters: Counter):
    """An article_quality batch -> each page's latest scanned revision per month, by page bucket."""
    values = columns(batch, kg.QUALITY_COLUMNS)
    counters["quality-rows-read"] += batch.num_rows
    summaries = kg.summarise_quality(values["page_id"], values["revision_id"], values["revision_timestamp"],
                                     values["quality_score"], kg.last_time_bucket(partition.snapshot))
    yield from by_page_bucket(partition.wiki_db, partition.snapshot, summaries, config.buckets)


def pageviews_of(partition: Partition, batch, config: KnowledgeGapsConfig, counters: Counter):
    """Tagged ("id", page bucket key, {page_id: views}) and ("title", title bucket key, {title: views})."""
    counters["pageview-rows-read"] += batch.num_rows
    by_id, by_title = kg.summarise_pageviews(rows_of(batch, kg.PAGEVIEW_COLUMNS))
    for key, part in by_page_bucket(partition.wiki_db, None, by_id, config.buckets):
        yield "id", key, part
    grouped = defaultdict(dict)
    for title, months in by_title.items():
        grouped[kg.title_bucket(partition.wiki_db, title, config.buckets)][title] = months
    for key, part in grouped.items():
        yield "title", key, part


class SummariseFn(beam.DoFn):
    """One dataset's (Partition, RecordBatch) -> whatever `summarise(partition, batch, config, counters)` yields,
    with its counters reported to Beam."""

    def __init__(self, summarise, config: KnowledgeGapsConfig):
        self._summarise = summarise
        self._config = config

    def setup(self):
        self._progress = ProgressReporter(self._config.progress_dir)

    def process(self, element):
        partition, batch = element
        counters: Counter = Counter()
        yield from self._summarise(partition, batch, self._config, counters)
        for name, count in counters.items():
            Metrics.counter(NAMESPACE, name).inc(count)
        self._progress.add(records=batch.num_rows)


class CategoriseItemsFn(beam.DoFn):
    """wikidata_entities batches -> ((wiki_db, title bucket), [(title, item), ...]), one reverse geocoder per worker."""

    def __init__(self, config: KnowledgeGapsConfig):
        self._config = config

    def setup(self):
        self._geocoder = ReverseGeocoder()
        self._progress = ProgressReporter(self._config.progress_dir)

    def process(self, element):
        _, batch = element
        counters: Counter = Counter()
        grouped = defaultdict(list)
        rows = rows_of(batch, kg.ENTITY_COLUMNS)
        for (wiki_db, title), item in kg.items_of_entities(rows, self._config.wikis, self._geocoder, counters):
            grouped[kg.title_bucket(wiki_db, title, self._config.buckets)].append((title, item))
        yield from grouped.items()
        for name, count in counters.items():
            Metrics.counter(NAMESPACE, name).inc(count)
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

    def __init__(self, config: KnowledgeGapsConfig):
        self._config = config

    def process(self, element):
        (wiki_db, _), parts = element
        partials = [pair for part in parts["articles"] for pair in part]
        if not partials:
            return
        counters: Counter = Counter()
        items = [pair for part in parts["items"] for pair in part]
        rows, problems = kg.join_by_title(wiki_db, partials, items, parts["views"],
                                          self._config.covered_months.get(wiki_db, frozenset()),
                                          self._config.standard_quality, counters)
        for name, count in counters.items():
            Metrics.counter(NAMESPACE, name).inc(count)
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
            yield beam.pvalue.TaggedOutput("errors", (Partition(wiki_db, snapshot), "errors",
                                                      to_record_batch(DATASETS["errors"], error_rows)))


def cells_of_articles(element):
    """(Partition, article_gaps rows) -> ((wiki_db, snapshot, gap, category), cells) per category met."""
    partition, rows = element
    for (gap, category), cells in kg.cells_of_rows(rows).items():
        yield (partition.wiki_db, partition.snapshot, gap, category), cells


def index_of_category(element, config: KnowledgeGapsConfig):
    """A category's summed cells -> (Partition, knowledge_gaps row) per month."""
    (wiki_db, snapshot, gap, category), cells = element
    covered = config.covered_months.get(wiki_db, frozenset())
    for row in kg.index_rows(cells, gap, category, snapshot, covered, config.standard_quality):
        yield Partition(wiki_db, snapshot), row


def build(root, config: KnowledgeGapsConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch)."""

    def summarised(label: str, root_dir: str, dataset: str, names, summarise):
        return (root
                | f"Read{label}" >> ReadFromDataset(root_dir, dataset, columns=names, wiki_dbs=config.wikis)
                | f"Summarise{label}" >> beam.ParDo(SummariseFn(summarise, config)))

    by_page = {
        "pages": summarised("Pages", config.pages_root, "pages", kg.PAGE_COLUMNS, articles_of),
        "revisions": summarised("Revisions", config.revisions_root, "revisions", kg.REVISION_COLUMNS, revisions_of),
        "media": summarised("Links", config.links_root, "links", kg.LINK_COLUMNS, media_of),
        "quality": summarised("Quality", config.quality_root, "article_quality", kg.QUALITY_COLUMNS, quality_of),
    }
    by_title = {}
    if config.pageviews_root:
        views = summarised("Pageviews", config.pageviews_root, "pageviews", kg.PAGEVIEW_COLUMNS, pageviews_of)
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
        | "ReadEntities" >> ReadFromDataset(config.wikidata_root, "wikidata_entities", columns=kg.ENTITY_COLUMNS)
        | "CategoriseItems" >> beam.ParDo(CategoriseItemsFn(config))
    )
    joined = (
        by_title
        | "GroupByTitle" >> beam.CoGroupByKey()
        | "JoinByTitle" >> beam.ParDo(JoinTitlesFn(config)).with_outputs("errors", main="articles")
    )
    articles = (
        joined.articles
        | "ArticleRows" >> beam.FlatMap(lambda item: [(item[0], row) for row in item[1]])
        | "BatchArticleRows" >> beam.BatchElements(min_batch_size=BATCH_ROWS, max_batch_size=BATCH_ROWS)
        | "ArticleBatches" >> beam.ParDo(BatchRowsFn("article_gaps"))
    )
    index = (
        joined.articles
        | "CellsPerCategory" >> beam.FlatMap(cells_of_articles)
        | "SumCells" >> beam.CombinePerKey(kg.merge_cells)
        | "IndexRows" >> beam.FlatMap(index_of_category, config)
        | "BatchIndexRows" >> beam.BatchElements(min_batch_size=BATCH_ROWS, max_batch_size=BATCH_ROWS)
        | "IndexBatches" >> beam.ParDo(BatchRowsFn("knowledge_gaps"))
    )
    return {"article_gaps": articles, "knowledge_gaps": index, "errors": joined.errors}
