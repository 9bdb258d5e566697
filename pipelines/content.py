"""`content`: XML dumps into plain_text, sections, citations, links, article_quality and errors, with
one scan of each page's wikitext."""
from __future__ import annotations

from dataclasses import dataclass

from transforms.article_quality import ScoreArticleQuality
from transforms.content import CONTENT_DATASETS, TEXT_COLUMNS, ContentOptions, ContentPages
from transforms.dump_inputs import DumpInput
from transforms.read_dump import ReadFromXmlDump

NAME = "content"
DATASETS = CONTENT_DATASETS + ("errors",)
# Scanning costs about one CPU second per compressed MB, far more than other XML jobs spend: small splits
# keep every worker busy to the end (the local runner deals its workers splits from a queue, and the last
# bundles are single splits; 1 MB splits were 0.3 s faster on the 150 MB benchmark but double the files).
SPLIT_BYTES = 2 * 2**20


@dataclass(frozen=True)
class ContentConfig:
    """Inputs planned by the driver, what to read of them, and how finely to split them."""

    inputs: tuple[DumpInput, ...]
    options: ContentOptions = ContentOptions()
    split_bytes: int = SPLIT_BYTES
    progress_dir: str | None = None


def build(root, config: ContentConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), plus `dropped_pages`."""
    outputs = root | "ReadDumps" >> ReadFromXmlDump(
        config.inputs, ContentPages(config.options), NAME, CONTENT_DATASETS,
        split_bytes=config.split_bytes, progress_dir=config.progress_dir, text_columns=TEXT_COLUMNS,
    )
    outputs["article_quality"] = outputs["article_quality"] | "ScoreArticleQuality" >> ScoreArticleQuality()
    return outputs
