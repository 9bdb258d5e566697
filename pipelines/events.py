"""`events`: event dumps (EventStreams JSON, Avro, MediaWiki history TSV) into `revisions`, `events`, `errors`."""
from __future__ import annotations

from dataclasses import dataclass

from transforms.event_inputs import EventInput
from transforms.read_events import ReadFromEventDumps

NAME = "events"
DATASETS = ("revisions", "events", "errors")


@dataclass(frozen=True)
class EventsConfig:
    """Inputs planned by the driver."""

    inputs: tuple[EventInput, ...]
    progress_dir: str | None = None


def build(root, config: EventsConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch)."""
    return root | "ReadEventDumps" >> ReadFromEventDumps(config.inputs, NAME, progress_dir=config.progress_dir)
