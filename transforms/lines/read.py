"""Beam wiring for line-based inputs: plan byte-range splits, spread them, read each with a plain function.

The reading logic lives in splits.py, reader.py and the format modules (wikidata.py, pageviews.py); this
module only connects it. A split reader is `read_split(split, counts) -> iterator of (tag, value)`: each
value goes to the output of that tag, and the counters it bumps in `counts` become Beam counters.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import KW_ONLY, dataclass
from typing import Callable, Iterator, Sequence

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms.common import counters
from transforms.datasets.progress import ProgressReporter
from transforms.lines.inputs import LineInput
from transforms.lines.splits import DEFAULT_SPLIT_BYTES, LineSplit, plan_splits

SplitReader = Callable[[LineSplit, Counter], Iterator[tuple[str, object]]]


class ReadLineSplitFn(beam.DoFn):
    """Reads one split with the given plain reader and tags what it yields."""

    def __init__(self, read_split: SplitReader, progress_dir: str | None, records_counter: str):
        self._read_split = read_split
        self._progress_dir = progress_dir
        self._records_counter = records_counter

    def setup(self):
        self._progress = ProgressReporter(self._progress_dir)

    def process(self, split: LineSplit):
        counts: Counter = Counter()
        reported = 0
        for tag, value in self._read_split(split, counts):
            yield TaggedOutput(tag, value)
            records = counts[self._records_counter]
            if records - reported >= 1000:
                self._progress.add(records=records - reported)
                reported = records
        self._progress.add(records=counts[self._records_counter] - reported, force=True)
        counts[counters.SPLITS_READ] += 1
        for name, value in sorted(counts.items()):
            if value:
                Metrics.counter(counters.NAMESPACE, name).inc(value)


@dataclass
class ReadAllFromLineDump(beam.PTransform):
    """Reads a PCollection of `LineInput`s split by byte ranges; returns one PCollection per tag.

    Attributes:
        read_split: plain function reading one split (see the module docstring).
        tags: every tag `read_split` yields.
        split_bytes: bytes per split of a plain file (compressed files are one split each).
        progress_dir: where workers leave progress reports for the command line; None to skip.
        records_counter: the counter `read_split` bumps per record, reported as progress.
    """

    read_split: SplitReader
    tags: Sequence[str]
    _: KW_ONLY
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None
    records_counter: str = counters.LINES.read

    def expand(self, inputs):
        split_bytes = self.split_bytes
        return (
            inputs
            | "PlanSplits" >> beam.FlatMap(lambda source: plan_splits(source, split_bytes))
            | "SpreadSplits" >> beam.Reshuffle()
            | "ReadSplits" >> beam.ParDo(ReadLineSplitFn(self.read_split, self.progress_dir, self.records_counter)
                                         ).with_outputs(*self.tags)
        )


@dataclass
class ReadFromLineDump(ReadAllFromLineDump):
    """Reads the given files (`inputs`, after the arguments of `ReadAllFromLineDump`, which gives the outputs)."""

    inputs: Sequence[LineInput]

    def expand(self, root):
        return super().expand(root | "ListInputs" >> beam.Create(list(self.inputs)))
