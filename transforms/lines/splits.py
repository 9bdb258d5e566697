"""Splits of line-based inputs: byte ranges of plain files, whole compressed files.

A plain (uncompressed) file is split into byte ranges; a split reads exactly the lines that START in
its range (reader.py), so any set of ranges that covers a file reads every line once. Compressed files
(.gz, .bz2, ...) are one split each: their streams cannot be entered at an arbitrary byte.
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.defaults import LINE_SPLIT_BYTES as DEFAULT_SPLIT_BYTES
from transforms.lines.inputs import LineInput



@dataclass(frozen=True)
class LineSplit:
    """The lines of `source` that start in the decompressed byte range [start, end) (end None: to EOF)."""

    source: LineInput
    start: int
    end: int | None

    @property
    def key(self) -> str:
        """Sorts the splits of a job in input order, then file order; names staged files."""
        return f"{self.source.input_order:05d}-{self.start:015d}"

    @property
    def is_last(self) -> bool:
        """Whether this split reads the end of its file."""
        return self.end is None or self.end >= self.source.size


def plan_line_ranges(size: int, compression: str, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[tuple[int, int | None]]:
    """Byte ranges [start, end) that cover a file: about `split_bytes` each for plain files, else one."""
    if compression != "none" or size <= split_bytes:
        return [(0, None)]
    starts = list(range(0, size, split_bytes))
    return [(start, min(start + split_bytes, size)) for start in starts]


def plan_splits(source: LineInput, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[LineSplit]:
    return [LineSplit(source, start, end) for start, end in plan_line_ranges(source.size, source.compression, split_bytes)]
