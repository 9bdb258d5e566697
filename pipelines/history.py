"""`history`: any XML dump into the `pages`, `revisions` and `errors` datasets."""
from __future__ import annotations

from dataclasses import dataclass

from transforms.dump_inputs import DumpInput
from transforms.history import history_rows
from transforms.read_dump import ReadFromXmlDump
from transforms.splits import DEFAULT_SPLIT_BYTES
from transforms.xml_dump import Page

NAME = "history"
DATASETS = ("pages", "revisions", "errors")


@dataclass(frozen=True)
class HistoryConfig:
    """Inputs planned by the driver, and how finely to split them."""

    inputs: tuple[DumpInput, ...]
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None


def page_rows(page: Page, source: DumpInput):
    return history_rows(page, is_history=source.is_history)


def build(root, config: HistoryConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), plus `dropped_pages`."""
    return root | "ReadDumps" >> ReadFromXmlDump(
        config.inputs, page_rows, NAME, ("pages", "revisions"),
        split_bytes=config.split_bytes, progress_dir=config.progress_dir,
    )
