"""`wikidata`: a Wikidata JSON entity dump into the `wikidata_entities` and `errors` datasets."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

from pipelines.driver import Balance, describe_records
from schemas import ERRORS, WIKIDATA_ENTITIES
from schemas.layout import Partition
from transforms import ReadFromLineDump, WriteToDatasets
from transforms.common import counters
from transforms.datasets.staged import Staging
from transforms.lines.inputs import LineInput
from transforms.lines.splits import DEFAULT_SPLIT_BYTES, LineSplit
from transforms.lines.wikidata import WIKIDATA_WIKI, describe_inputs, read_entities

NAME = "wikidata"
DATASETS = (WIKIDATA_ENTITIES, ERRORS)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """The dumps to read, as the driver planned them, the wikis whose sitelinks to keep (None: all), split size."""

    inputs: tuple[LineInput, ...]
    wiki_dbs: frozenset[str] | None = None
    split_bytes: int = DEFAULT_SPLIT_BYTES

    @property
    def partitions(self) -> set[Partition]:
        return {partition_of(source) for source in self.inputs}


def plan(paths: list[str], *, snapshot: str | None = None, wiki_dbs: frozenset[str] | None = None,
         split_bytes: int = DEFAULT_SPLIT_BYTES) -> Config:
    """The job's Config for the given entity dumps (UnusableInputError names a file it cannot use).

    Args:
        paths: the dumps, in the order they are read.
        snapshot: the dump date, for file names without one (latest-all.json).
        wiki_dbs: the wikis whose sitelinks to keep (None: all).
        split_bytes: bytes per split of an uncompressed file.
    """
    return Config(tuple(describe_inputs(paths, snapshot)), wiki_dbs, split_bytes)


def partition_of(source: LineInput) -> Partition:
    """Entities of every wiki go to Wikidata's own partition."""
    return Partition(WIKIDATA_WIKI, source.snapshot)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Every entity read is a `wikidata_entities` row or an error."""
    return (Balance(counters.ENTITIES, written=WIKIDATA_ENTITIES),)


def read_split(split: LineSplit, counts: Counter, wiki_dbs: frozenset[str] | None):
    return read_entities(split, wiki_dbs, counts, pipeline=NAME)


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    read = root | "ReadEntities" >> ReadFromLineDump(
        partial(read_split, wiki_dbs=config.wiki_dbs), DATASETS, inputs=config.inputs, split_bytes=config.split_bytes,
        progress_dir=staging.progress, records_counter=counters.ENTITIES.read)
    datasets = {name: read[name] for name in DATASETS}
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
