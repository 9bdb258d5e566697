"""Line-based text inputs (JSON lines, pageview dumps): describing them, splitting them, reading lines.

A plain (uncompressed) file is split into byte ranges; a split reads exactly the lines that START in
its range, reading past its end to finish its last line, so any set of ranges that covers a file reads
every line once. Compressed files (.gz, .bz2, ...) are read whole, one split per file: their streams
cannot be entered at an arbitrary byte.

Everything here is plain Python over paths and bytes; transforms/read_lines.py wires it into Beam.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from transforms.dumpfiles import (
    DamagedInputError,
    TruncatedInputError,
    file_size,
    iter_decompressed,
    open_raw,
    sniff_compression,
)

DEFAULT_SPLIT_BYTES = 64 * 1024 * 1024
# A line longer than this is not held in memory: its first bytes are kept and the line is flagged.
MAX_LINE_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class TextInput:
    """One line-based input file of a job, planned by the driver. Plain values only: it travels to workers.

    Attributes:
        path: local path or URL.
        input_order: position among the job's inputs (orders splits and staged files).
        size: size in bytes as stored.
        compression: "none", "gzip", "bz2", "xz", "lzma" (see dumpfiles.sniff_compression).
        kind: what the file holds (wikidata-json, pageviews-hourly, pageviews-complete).
        snapshot: the date the file is about, YYYYMMDD.
    """

    path: str
    input_order: int
    size: int
    compression: str
    kind: str
    snapshot: str

    def to_json(self) -> dict:
        return {"path": self.path, "size": self.size, "compression": self.compression, "kind": self.kind,
                "snapshot": self.snapshot}


@dataclass(frozen=True)
class LineSplit:
    """The lines of `source` that start in the decompressed byte range [start, end) (end None: to EOF)."""

    source: TextInput
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


@dataclass(frozen=True)
class Line:
    """One line of a text input.

    Attributes:
        offset: byte offset of the line's first byte in the decompressed file.
        number: 1-based line number when the split started at the file's beginning; None otherwise
            (a split in the middle of a file cannot know how many lines came before it).
        data: the line without its newline (only its first MAX_LINE_BYTES when `oversized`).
        complete: False when the input ended before the line's newline (the last line of a file).
        oversized: the line was longer than the reader's limit and was cut.
    """

    offset: int
    number: int | None
    data: bytes
    complete: bool = True
    oversized: bool = False


class DamagedLinesError(Exception):
    """The compressed data of a line input stops being readable (cut short or corrupt) part-way.

    Attributes:
        offset: decompressed offset of the line that was being read when the data ended.
        pending: the first bytes of that unfinished line.
        truncated: True when the stream simply ended early (a file cut short).
    """

    def __init__(self, message: str, offset: int, pending: bytes, truncated: bool):
        super().__init__(message)
        self.offset = offset
        self.pending = pending
        self.truncated = truncated


def describe_text_input(path: str, input_order: int, kind: str, snapshot: str) -> TextInput:
    """Size and compression of a line-based input (UnusableInputError when it cannot be opened)."""
    size = file_size(path)
    with open_raw(path) as raw:
        head = raw.read(8)
    return TextInput(path, input_order, size, sniff_compression(path, head), kind, snapshot)


def plan_line_ranges(size: int, compression: str, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[tuple[int, int | None]]:
    """Byte ranges [start, end) that cover a file: about `split_bytes` each for plain files, else one."""
    if compression != "none" or size <= split_bytes:
        return [(0, None)]
    starts = list(range(0, size, split_bytes))
    return [(start, min(start + split_bytes, size)) for start in starts]


def plan_line_splits(source: TextInput, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[LineSplit]:
    return [LineSplit(source, start, end) for start, end in plan_line_ranges(source.size, source.compression, split_bytes)]


def read_split_lines(split: LineSplit, *, max_line_bytes: int = MAX_LINE_BYTES,
                     on_read: Callable[[int], None] | None = None) -> Iterator[Line]:
    """Opens a split's file and yields the lines that start in the split's range."""
    source = split.source
    with open_raw(source.path) as raw:
        yield from iter_lines(raw, compression=source.compression, start=split.start, end=split.end,
                              max_line_bytes=max_line_bytes, on_read=on_read)


def iter_lines(raw: BinaryIO, *, compression: str = "none", start: int = 0, end: int | None = None,
               max_line_bytes: int = MAX_LINE_BYTES, on_read: Callable[[int], None] | None = None) -> Iterator[Line]:
    """Yields the lines of `raw` that start in the decompressed byte range [start, end).

    A line starts at offset 0 or right after a newline. The line that starts before `end` is read to
    its newline even past `end`; a line that started before `start` is skipped.

    Raises:
        ValueError: when a compressed input is asked for a range other than the whole file.
        DamagedLinesError: after the last complete line, when compressed data ends early or is corrupt.
    """
    if start and compression != "none":
        raise ValueError("compressed inputs are read whole: start must be 0")
    position = 0
    skipping = False
    if start > 0:
        # Start one byte early: if that byte is a newline, a line begins exactly at `start`.
        raw.seek(start - 1)
        position = start - 1
        skipping = True
    line_start = position
    number = 1 if start == 0 else None
    parts: list[bytes] = []
    kept = 0  # bytes of the current line held in `parts`
    length = 0  # full length of the current line so far
    try:
        for chunk in iter_decompressed(raw, compression, on_read=on_read):
            i = 0
            if skipping:
                j = chunk.find(b"\n")
                if j < 0:
                    position += len(chunk)
                    continue
                skipping = False
                i = j + 1
                line_start = position + i
                if end is not None and line_start >= end:
                    return
            size = len(chunk)
            while i < size:
                j = chunk.find(b"\n", i)
                stop = size if j < 0 else j
                if stop > i:
                    if kept < max_line_bytes:
                        piece = chunk[i:min(stop, i + max_line_bytes - kept)]
                        parts.append(piece)
                        kept += len(piece)
                    length += stop - i
                if j < 0:
                    break
                yield Line(line_start, number, b"".join(parts), True, length > max_line_bytes)
                line_start += length + 1
                if number is not None:
                    number += 1
                parts, kept, length = [], 0, 0
                if end is not None and line_start >= end:
                    return
                i = j + 1
            position += size
    except DamagedInputError as exc:
        raise DamagedLinesError(str(exc), line_start, b"".join(parts)[:1000],
                                isinstance(exc, TruncatedInputError)) from exc
    if length and not skipping:
        yield Line(line_start, number, b"".join(parts), False, length > max_line_bytes)



def read_head(source: TextInput, size: int = 1 << 16) -> bytes:
    """The first decompressed bytes of an input, to tell what it is before any worker starts.

    Raises:
        DamagedInputError: when the beginning cannot be decompressed.
    """
    head = b""
    with open_raw(source.path) as raw:
        for chunk in iter_decompressed(raw, source.compression):
            head += chunk
            if len(head) >= size:
                break
    return head[:size]
