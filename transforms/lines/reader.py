"""Reading the lines of a split: pure functions over bytes, no Beam.

A line starts at offset 0 or right after a newline; the line that starts before a split's end is read
to its newline even past that end, and a line that started before the split's start is left to the
split before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from transforms.common.files import DamagedInputError, TruncatedInputError, iter_decompressed, open_raw
from transforms.lines.splits import LineSplit

# A line longer than this is not held in memory: its first bytes are kept and the line is flagged.
MAX_LINE_BYTES = 128 * 1024 * 1024


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
