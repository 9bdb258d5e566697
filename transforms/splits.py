"""Splits: the parts of input files that workers read in parallel, and how one split is read.

A multistream .bz2 with its index splits at stream offsets: each split decompresses only its own
streams, behind the header stream (stream 0, the <siteinfo>) so every split knows the namespaces.
Other files are one split each for now.
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from typing import Callable, Iterator

from transforms.dump_inputs import DumpInput
from transforms.dumpfiles import (
    align_to_streams,
    iter_decompressed,
    open_raw,
    plan_stream_ranges,
    read_stream_offsets,
)
from transforms.xml_dump import DumpReader, Item, Page

DEFAULT_SPLIT_BYTES = 64 * 1024 * 1024
CLOSING_TAG = b"\n</mediawiki>\n"
# Reading a split allocates millions of short-lived containers (pages, rows, scanner frames). At CPython's
# default threshold (700 allocations) the cyclic collector runs thousands of times per split and its full
# passes took 10-15% of the content job's CPU; this many young objects between passes costs little memory.
GC_YOUNG_OBJECTS = 50_000


@dataclass(frozen=True)
class DumpSplit:
    """A compressed byte range of one input whose pages one worker reads.

    For multistream inputs, `start` and `end` are stream offsets and `header_end` is where the header
    stream ends; for whole-file splits start is 0, end is None and header_end is None.
    """

    source: DumpInput
    start: int
    end: int | None
    header_end: int | None

    @property
    def key(self) -> str:
        """Sorts the splits of a job in input order, then file order; names staged files."""
        return f"{self.source.input_order:05d}-{self.start:015d}"

    @property
    def stream_offset(self) -> int | None:
        return self.start if self.header_end is not None else None


def raise_gc_threshold(young_objects: int = GC_YOUNG_OBJECTS) -> None:
    """Lets the cyclic garbage collector wait for `young_objects` new containers (never lowers it)."""
    young, *older = gc.get_threshold()
    if young < young_objects:
        gc.set_threshold(young_objects, *older)


def plan_splits(source: DumpInput, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[DumpSplit]:
    if source.multistream_index:
        offsets = read_stream_offsets(source.multistream_index)
        if offsets:
            return [DumpSplit(source, start, end, offsets[0])
                    for start, end in plan_stream_ranges(offsets, source.size, split_bytes)]
    return [DumpSplit(source, 0, None, None)]


def split_for_range(source: DumpInput, offsets: list[int], start: int, end: int) -> DumpSplit | None:
    """The split reading the streams that start in an arbitrary byte range [start, end)."""
    aligned = align_to_streams(offsets, source.size, start, end)
    if aligned is None:
        return None
    return DumpSplit(source, aligned[0], aligned[1], offsets[0])


@contextlib.contextmanager
def read_split(
    split: DumpSplit,
    process_page: Callable[[Page, DumpInput], Iterator[Item]],
    on_read: Callable[[int], None] | None = None,
) -> Iterator[DumpReader]:
    """Opens a split and yields a DumpReader over exactly the pages that start in it."""
    source = split.source

    def process(page: Page) -> Iterator[Item]:
        return process_page(page, source)

    with open_raw(source.path) as raw:
        if split.header_end is None:
            chunks = iter_decompressed(raw, source.compression, on_read=on_read)
            yield DumpReader(chunks, process, siteinfo=source.siteinfo)
            return
        header = b"".join(iter_decompressed(raw, "bz2", end=split.header_end))
        raw.seek(split.start)
        chunks = iter_decompressed(raw, "bz2", end=split.end, on_read=on_read)
        # Only the split holding the file's last stream sees the real </mediawiki>.
        suffix = CLOSING_TAG if split.end < source.size else b""
        yield DumpReader(chunks, process, prefix=header, suffix=suffix, siteinfo=source.siteinfo)
