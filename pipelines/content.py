"""`content`: XML dumps into plain_text, sections, citations, links, article_quality, infoboxes, tables and
errors, with one scan of each page's wikitext; Enterprise HTML dumps into the same datasets from each page's rendered
HTML, plus `pages` from the records' metadata."""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.driver import Balance, describe_pages
import posixpath

import apache_beam as beam

from schemas import ARTICLE_QUALITY, ERRORS, PAGES, PLAIN_TEXT
from schemas.layout import Partition
from transforms import ReadFromXmlDump, ScoreArticleQuality, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.staged import Staging
from transforms.defaults import CONTENT_SPLIT_BYTES as SPLIT_BYTES
from transforms.wikitext.content import CONTENT_DATASETS, TEXT_COLUMNS, ContentOptions, ContentPages
from transforms.enterprise import inputs as html_inputs
from transforms.enterprise.inputs import EnterpriseInput
from transforms.enterprise.read import ReadFromEnterpriseDump
from transforms.xml.inputs import XmlInput, describe_input
from transforms.xml.read import DROPPED_PAGES

NAME = "content"
DATASETS = CONTENT_DATASETS + (ERRORS,)
PROGRESS = describe_pages


@dataclass(frozen=True)
class Config:
    """The dumps to read, as the driver planned them, what to read of them, and how finely to split them.

    Raises:
        UnusableInputError: for a stub dump, which carries no text to scan.
    """

    inputs: tuple[XmlInput | EnterpriseInput, ...]
    options: ContentOptions = ContentOptions()
    split_bytes: int = SPLIT_BYTES

    def __post_init__(self):
        for source in self.xml_inputs:
            if source.kind.startswith("stub-"):
                raise UnusableInputError(source.path, "a stub dump carries no page text; the content job needs "
                                                      "pages-articles, pages-meta-current or pages-meta-history")

    @property
    def partitions(self) -> set[Partition]:
        return {source.partition for source in self.inputs}

    @property
    def xml_inputs(self) -> tuple[XmlInput, ...]:
        return tuple(source for source in self.inputs if isinstance(source, XmlInput))

    @property
    def html_inputs(self) -> tuple[EnterpriseInput, ...]:
        return tuple(source for source in self.inputs if isinstance(source, EnterpriseInput))

    @property
    def datasets(self) -> tuple[str, ...]:
        """The datasets the run publishes: the content datasets asked for and errors, and `pages` too when it
        reads Enterprise records (an XML run leaves the pages of the history job alone)."""
        return self.options.datasets + (ERRORS,) + ((PAGES,) if self.html_inputs else ())


def plan(paths: list[str], options: ContentOptions = ContentOptions(), *, wiki_db: str | None = None,
         snapshot: str | None = None, kind: str | None = None, split_bytes: int = SPLIT_BYTES) -> Config:
    """The job's Config for the given dump files (UnusableInputError names a file it cannot use).

    Args:
        paths: the dumps, local paths or gs:// URLs, in the order their rows are read.
        options: what to read of them.
        wiki_db, snapshot, kind: for dumps that do not tell (see pipelines.history.plan).
        split_bytes: compressed bytes per split of a .bz2 file.
    """
    return Config(tuple(_describe(path, order, wiki_db=wiki_db, snapshot=snapshot, kind=kind)
                        for order, path in enumerate(paths)), options, split_bytes)


def _describe(path: str, order: int, *, wiki_db: str | None, snapshot: str | None,
              kind: str | None) -> XmlInput | EnterpriseInput:
    """An XML dump, or an Enterprise HTML dump: a file named as one is refused as one; any other is tried as
    XML first and refused as XML when it is neither."""
    if _named_as_html_dump(path):
        return html_inputs.describe_input(path, order, snapshot=snapshot, wiki_db=wiki_db)
    try:
        return describe_input(path, order, wiki_db=wiki_db, snapshot=snapshot, kind=kind)
    except UnusableInputError as refused:
        try:
            return html_inputs.describe_input(path, order, snapshot=snapshot, wiki_db=wiki_db)
        except UnusableInputError:
            raise refused from None


def _named_as_html_dump(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return bool(html_inputs.DUMP_NAME.match(name)) or name.endswith((".ndjson", ".ndjson.gz", ".json.tar.gz"))


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each revision read is a plain_text row, an error, or filtered (with its page, or superseded by the
    page's latest revision); so is each page read, except with --all-revisions, where a page is no one
    record (its revisions are). An Enterprise record is a page and its latest revision."""
    revisions = Balance(counters.REVISIONS, written=PLAIN_TEXT, filtered=counters.REVISIONS.filtered)
    if config.options.all_revisions:
        return (revisions,)
    return Balance(counters.PAGES, written=PLAIN_TEXT, filtered=counters.PAGES.filtered), revisions


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    reads = []
    dropped_pages = None
    if config.xml_inputs:
        xml = root | "ReadDumps" >> ReadFromXmlDump(
            ContentPages(config.options), NAME, config.options.datasets, inputs=config.xml_inputs,
            split_bytes=config.split_bytes, progress_dir=staging.progress, text_columns=TEXT_COLUMNS,
            revision_rows=PLAIN_TEXT,
        )
        reads.append(xml)
        dropped_pages = xml[DROPPED_PAGES]
    if config.html_inputs:
        reads.append(root | "ReadHtmlDumps" >> ReadFromEnterpriseDump(
            NAME, config.options.datasets + (PAGES,), config.html_inputs, staging.record_batches, config.options,
            staging.progress, TEXT_COLUMNS))
    datasets = {name: tuple(read[name] for read in reads if name in read)
                | f"Merge{name.title().replace('_', '')}" >> beam.Flatten()
                for name in config.datasets}
    if ARTICLE_QUALITY in datasets:
        datasets[ARTICLE_QUALITY] = datasets[ARTICLE_QUALITY] | "ScoreArticleQuality" >> ScoreArticleQuality()
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs, dropped_pages=dropped_pages,
                                                      revision_rows=PLAIN_TEXT)
    return datasets
