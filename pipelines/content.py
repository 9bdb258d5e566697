"""`content`: XML dumps into plain_text, sections, citations, links, article_quality and errors, with
one scan of each page's wikitext."""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.driver import Balance, describe_pages
from schemas import ARTICLE_QUALITY, ERRORS, PLAIN_TEXT
from schemas.layout import Partition
from transforms import ReadFromXmlDump, ScoreArticleQuality, WriteToDatasets
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.datasets.staged import Staging
from transforms.defaults import CONTENT_SPLIT_BYTES as SPLIT_BYTES
from transforms.wikitext.content import CONTENT_DATASETS, TEXT_COLUMNS, ContentOptions, ContentPages
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

    inputs: tuple[XmlInput, ...]
    options: ContentOptions = ContentOptions()
    split_bytes: int = SPLIT_BYTES

    def __post_init__(self):
        for source in self.inputs:
            if source.kind.startswith("stub-"):
                raise UnusableInputError(source.path, "a stub dump carries no page text; the content job needs "
                                                      "pages-articles, pages-meta-current or pages-meta-history")

    @property
    def partitions(self) -> set[Partition]:
        return {source.partition for source in self.inputs}


def plan(paths: list[str], options: ContentOptions = ContentOptions(), *, wiki_db: str | None = None,
         snapshot: str | None = None, kind: str | None = None, split_bytes: int = SPLIT_BYTES) -> Config:
    """The job's Config for the given dump files (UnusableInputError names a file it cannot use).

    Args:
        paths: the dumps, local paths or gs:// URLs, in the order their rows are read.
        options: what to read of them.
        wiki_db, snapshot, kind: for dumps that do not tell (see pipelines.history.plan).
        split_bytes: compressed bytes per split of a .bz2 file.
    """
    return Config(tuple(describe_input(path, order, wiki_db=wiki_db, snapshot=snapshot, kind=kind)
                        for order, path in enumerate(paths)), options, split_bytes)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each revision read is a plain_text row, an error, or filtered (with its page, or superseded by the
    page's latest revision); so is each page read, except with --all-revisions, where a page is no one
    record (its revisions are)."""
    revisions = Balance(counters.REVISIONS, written=PLAIN_TEXT, filtered=counters.REVISIONS.filtered)
    if config.options.all_revisions:
        return (revisions,)
    return Balance(counters.PAGES, written=PLAIN_TEXT, filtered=counters.PAGES.filtered), revisions


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    read = root | "ReadDumps" >> ReadFromXmlDump(
        ContentPages(config.options), NAME, CONTENT_DATASETS, inputs=config.inputs,
        split_bytes=config.split_bytes, progress_dir=staging.progress, text_columns=TEXT_COLUMNS,
        revision_rows=PLAIN_TEXT,
    )
    datasets = {name: read[name] for name in DATASETS}
    datasets[ARTICLE_QUALITY] = read[ARTICLE_QUALITY] | "ScoreArticleQuality" >> ScoreArticleQuality()
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs, dropped_pages=read[DROPPED_PAGES],
                                                      revision_rows=PLAIN_TEXT)
    return datasets
