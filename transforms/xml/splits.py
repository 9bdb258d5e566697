"""Splits: the parts of input files that workers read in parallel, and how one split is read.

A multistream .bz2 with its index splits at stream offsets: each split decompresses only its own
streams, behind the header stream (stream 0, the <siteinfo>) so every split knows the namespaces.

Any other .bz2 splits into byte ranges of the compressed file: a range owns the bz2 blocks that start
in it, and a split reads the pages whose `<page>` tag starts in its blocks. It decodes from its first
block (behind the file's header, up to the first <page>, for the namespaces), skips the end of the page
that began before, and reads on into the next range's blocks only to finish its last page. Offsets in
`errors` rows of such a split count from the start of its first block's data, and
`source_stream_offset` is the byte in which that block starts.

Other compressions cannot start mid-file: one split per file.
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from typing import Callable, Iterator

from transforms.common import bz2blocks
from transforms.common.files import iter_bz2_range, iter_decompressed, open_raw
from transforms.xml.feeder import PAGE_TAG
from transforms.defaults import XML_SPLIT_BYTES as DEFAULT_SPLIT_BYTES
from transforms.xml.inputs import XmlInput
from transforms.xml.multistream import plan_stream_ranges, read_stream_offsets
from transforms.xml.reader import DumpReader
from transforms.xml.records import Item, Page

CLOSING_TAG = b"\n</mediawiki>\n"
FIRST_BLOCK_BIT = 32  # a bz2 file's first block follows its 4-byte header
# Reading a split allocates millions of short-lived containers (pages, rows, scanner frames). At CPython's
# default threshold (700 allocations) the cyclic collector runs thousands of times per split and its full
# passes took 10-15% of the content job's CPU; this many young objects between passes costs little memory.
GC_YOUNG_OBJECTS = 50_000


@dataclass(frozen=True)
class XmlSplit:
    """A compressed byte range of one input whose pages one worker reads.

    For multistream inputs, `start` and `end` are stream offsets and `header_end` is where the header
    stream ends; with `blocks`, [start, end) is a byte range whose bz2 blocks the split reads; for
    whole-file splits start is 0, end is None and header_end is None.
    """

    source: XmlInput
    start: int
    end: int | None
    header_end: int | None
    blocks: bool = False

    @property
    def key(self) -> str:
        """Sorts the splits of a job in input order, then file order; names staged files."""
        return f"{self.source.input_order:05d}-{self.start:015d}"


def raise_gc_threshold(young_objects: int = GC_YOUNG_OBJECTS) -> None:
    """Lets the cyclic garbage collector wait for `young_objects` new containers (never lowers it)."""
    young, *older = gc.get_threshold()
    if young < young_objects:
        gc.set_threshold(young_objects, *older)


def plan_splits(source: XmlInput, split_bytes: int = DEFAULT_SPLIT_BYTES) -> list[XmlSplit]:
    if source.multistream_index:
        offsets = read_stream_offsets(source.multistream_index)
        if offsets:
            return [XmlSplit(source, start, end, offsets[0])
                    for start, end in plan_stream_ranges(offsets, source.size, split_bytes)]
    if source.compression == "bz2" and source.size > split_bytes:
        cuts = list(range(0, source.size, split_bytes)) + [source.size]
        return [XmlSplit(source, start, end, None, blocks=True) for start, end in zip(cuts, cuts[1:])]
    return [XmlSplit(source, 0, None, None)]


@contextlib.contextmanager
def read_split(
    split: XmlSplit,
    process_page: Callable[[Page, XmlInput], Iterator[Item]],
    on_read: Callable[[int], None] | None = None,
    texts: bool = True,
) -> Iterator[DumpReader]:
    """Opens a split and yields a DumpReader over exactly the pages that start in it (with revision texts
    unless `texts` is False, see DumpReader)."""
    source = split.source

    def process(page: Page) -> Iterator[Item]:
        return process_page(page, source)

    with open_raw(source.path) as raw:
        if split.blocks:
            yield _block_split_reader(raw, split, process, on_read, texts)
            return
        if split.header_end is None:
            chunks = iter_decompressed(raw, source.compression, on_read=on_read)
            yield DumpReader(chunks, process, siteinfo=source.siteinfo, texts=texts)
            return
        header = b"".join(iter_decompressed(raw, "bz2", end=split.header_end))
        raw.seek(split.start)
        chunks = iter_bz2_range(raw, split.end, on_read=on_read)
        # Only the split holding the file's last stream sees the real </mediawiki>.
        suffix = CLOSING_TAG if split.end < source.size else b""
        yield DumpReader(chunks, process, prefix=header, suffix=suffix, siteinfo=source.siteinfo,
                         stream_offset=split.start, texts=texts)


def _block_split_reader(raw, split: XmlSplit, process, on_read, texts: bool) -> DumpReader:
    """A reader over the pages that start in the bz2 blocks starting in the split's byte range."""
    source = split.source
    start = bz2blocks.first_block_at_or_after(raw, split.start * 8)
    stop = bz2blocks.first_block_at_or_after(raw, split.end * 8) if split.end < source.size else None
    if start is None or (stop is not None and start >= stop):
        # No block starts in this range: a document with the header and no page.
        return DumpReader((), process, prefix=read_header(raw), suffix=CLOSING_TAG, siteinfo=source.siteinfo,
                          texts=texts)
    from_file_start = start == FIRST_BLOCK_BIT
    header = b"" if from_file_start else read_header(raw)
    decoded = bz2blocks.iter_from_block(raw, start, stop, on_read)
    own, overrun = _until_range_end(decoded), decoded
    return DumpReader(own, process, prefix=header, overrun=overrun, skip_to_page=not from_file_start,
                      siteinfo=source.siteinfo, stream_offset=None if from_file_start else start // 8, texts=texts)


def _until_range_end(decoded: Iterator) -> Iterator[bytes]:
    """The decoded bytes up to the RANGE_END marker; the same iterator then goes on past it."""
    for item in decoded:
        if item is bz2blocks.RANGE_END:
            return
        yield item


def read_header(raw) -> bytes:
    """The decompressed bytes of a bz2 file before its first <page> tag: the root and <siteinfo>."""
    raw.seek(0)
    head = b""
    for chunk in iter_decompressed(raw, "bz2"):
        head += chunk
        found = head.find(PAGE_TAG)
        if found >= 0:
            return head[:found]
    return head
