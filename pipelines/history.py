"""`history`: any XML dump into the `pages`, `revisions` and `errors` datasets."""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.driver import Balance, describe_pages
from schemas import ERRORS, PAGES, REVISIONS
from schemas.layout import Partition
from transforms import ReadFromXmlDump, WriteToDatasets
from transforms.common import counters
from transforms.datasets.staged import Staging
from transforms.revisions.history import history_rows
from transforms.xml.inputs import XmlInput, describe_input
from transforms.xml.read import DROPPED_PAGES, DROPPED_REVISIONS
from transforms.xml.records import Page
from transforms.xml.splits import DEFAULT_SPLIT_BYTES

NAME = "history"
DATASETS = (PAGES, REVISIONS, ERRORS)
PROGRESS = describe_pages


@dataclass(frozen=True)
class Config:
    """The dumps to read, as the driver planned them, and how finely to split them."""

    inputs: tuple[XmlInput, ...]
    split_bytes: int = DEFAULT_SPLIT_BYTES

    @property
    def partitions(self) -> set[Partition]:
        return {source.partition for source in self.inputs}


def plan(paths: list[str], *, wiki_db: str | None = None, snapshot: str | None = None, kind: str | None = None,
         split_bytes: int = DEFAULT_SPLIT_BYTES) -> Config:
    """The job's Config for the given dump files (UnusableInputError names a file it cannot use).

    Args:
        paths: the dumps, local paths or gs:// URLs, in the order their rows are read.
        wiki_db: the wiki, for dumps whose <siteinfo> names none.
        snapshot: the dump date, for file names without one.
        kind: the dump kind, for file names that do not tell it.
        split_bytes: compressed bytes per split of a .bz2 file.
    """
    return Config(tuple(describe_input(path, order, wiki_db=wiki_db, snapshot=snapshot, kind=kind)
                        for order, path in enumerate(paths)), split_bytes)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Every page read is a `pages` row or an error; every revision read is a `revisions` row or an error
    (those of a dropped page, and a repeated revision id, included)."""
    return Balance(counters.PAGES, written=PAGES), Balance(counters.REVISIONS, written=REVISIONS)


def page_rows(page: Page, source: XmlInput):
    return history_rows(page, is_history=source.is_history)


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    read = root | "ReadDumps" >> ReadFromXmlDump(page_rows, NAME, (PAGES, REVISIONS), inputs=config.inputs,
                                                 split_bytes=config.split_bytes, progress_dir=staging.progress,
                                                 revision_rows=REVISIONS, unique_revisions=True, texts=False)
    datasets = {name: read[name] for name in DATASETS}
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs, dropped_pages=read[DROPPED_PAGES],
                                                      dropped_revisions=read[DROPPED_REVISIONS],
                                                      revision_rows=REVISIONS)
    return datasets
