"""Line-based dump files (Wikidata JSON entity dumps, pageview dumps): what each input is, before reading.

The formats' own checks (wikidata.py, pageviews.py) look at a file's first lines through `first_lines`,
so that an unusable input is refused with a one-line reason before any worker starts.
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.common.files import (
    DamagedInputError,
    InputFile,
    UnusableInputError,
    compression_of,
    file_size,
    first_chunks,
)

# Enough decompressed bytes to see the first lines of any line-based dump.
SNIFF_BYTES = 1 << 16


@dataclass(frozen=True)
class LineInput(InputFile):
    """A line-based input file of a job, as planned by the driver.

    Attributes:
        kind: what the file holds (wikidata-json, pageviews-hourly, pageviews-complete).
        snapshot: the date the file is about, YYYYMMDD.
    """

    kind: str
    snapshot: str


def describe_input(path: str, input_order: int, kind: str, snapshot: str) -> LineInput:
    """Size and compression of a line-based input (UnusableInputError when it cannot be opened)."""
    return LineInput(path, input_order, file_size(path), compression_of(path), kind, snapshot)


def first_lines(source: LineInput, count: int = 3) -> list[str]:
    """The first non-blank lines of an input, decoded; UnusableInputError when unreadable or not text."""
    try:
        head = b"".join(first_chunks(source.path, source.compression, SNIFF_BYTES))[:SNIFF_BYTES]
    except (DamagedInputError, OSError, EOFError) as exc:
        raise UnusableInputError(source.path, f"cannot decompress as {source.compression}: {exc}") from None
    if b"\0" in head:
        raise UnusableInputError(source.path, "binary data, not a text dump")
    lines = head.decode("utf-8", "replace").split("\n")
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut by the sniffing window
    return [line for line in lines if line.strip()][:count]
