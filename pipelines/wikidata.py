"""`wikidata`: a Wikidata JSON entity dump into the `wikidata_entities` and `errors` datasets."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

from transforms.lines import DEFAULT_SPLIT_BYTES, LineSplit, TextInput
from transforms.read_lines import ReadLineFiles
from transforms.wikidata_json import ENTITY_DATASET, ERRORS, read_entities

NAME = "wikidata"
DATASETS = (ENTITY_DATASET, ERRORS)


@dataclass(frozen=True)
class WikidataConfig:
    """Inputs planned by the driver, the wikis whose sitelinks to keep (None: all), split size."""

    inputs: tuple[TextInput, ...]
    wiki_dbs: frozenset[str] | None = None
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None


def read_split(split: LineSplit, counters: Counter, wiki_dbs: frozenset[str] | None):
    return read_entities(split, wiki_dbs, counters, pipeline=NAME)


def build(root, config: WikidataConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch)."""
    outputs = root | "ReadEntities" >> ReadLineFiles(
        config.inputs, partial(read_split, wiki_dbs=config.wiki_dbs), DATASETS, split_bytes=config.split_bytes,
        progress_dir=config.progress_dir, records_counter="entities-read")
    return {name: outputs[name] for name in DATASETS}
