"""Reading a .bz2 file from any of its blocks, so that one big single-stream file splits across workers.

A bzip2 stream is a 4-byte header (`BZh1`..`BZh9`) followed by blocks that each start with the 48-bit
magic 0x314159265359 and are compressed independently; the stream ends with the 48-bit magic
0x177245385090, a combined CRC and padding to a byte. Blocks start at any *bit*, not byte, offset.

To decode from a block in the middle, the bytes from that block on are shifted to a byte boundary and
put behind a fresh `BZh9` header (a level 9 header fits blocks of every level), which Python's bz2
module then decodes like any stream. The combined CRC at the stream's end would not match such a
stream, so feeding stops just before the end marker; the block CRCs are still checked.

Block magics are found by searching the bytes for the magic at each of the 8 bit alignments. A
48-bit pattern can also occur by chance inside compressed data, so a candidate must also have a
plausible block header; a wrong one would fail to decode and be reported as damaged input, never
read as data.
"""
from __future__ import annotations

import bz2
from typing import BinaryIO, Callable, Iterator

from transforms.common.files import READ_SIZE, DamagedInputError, TruncatedInputError

BLOCK_MAGIC = 0x314159265359
END_MAGIC = 0x177245385090
MAGIC_BITS = 48
# Magic, block CRC (32 bits), randomised flag (1) and origPtr (24): enough to judge a candidate.
BLOCK_HEADER_BITS = MAGIC_BITS + 32 + 1 + 24
# End magic, combined CRC (32 bits): then padding to a byte and the next stream's header.
END_BITS = MAGIC_BITS + 32
MAX_ORIG_PTR = 900_000  # the BWT origin pointer is below the block size, at most 900 kB at level 9
OVERLAP = 16  # bytes kept between windows so that a magic and its header straddling them are seen
DRAIN_BYTES = 1 << 20
SYNTHETIC_HEADER = b"BZh9"


class RangeEnd:
    """Marker yielded by `iter_from_block` once every block before the stop offset is decoded."""


RANGE_END = RangeEnd()


def _patterns(magic: int) -> list[tuple[int, bytes, int]]:
    """For each bit alignment r, the bytes that the magic fully covers and their offset in its window."""
    patterns = []
    for r in range(8):
        width = MAGIC_BITS + r
        size = (width + 7) // 8
        window = (magic << (size * 8 - width)).to_bytes(size, "big")
        # The first byte (when r > 0) and the last byte (when the magic ends mid-byte) hold other bits too.
        first = 1 if r else 0
        last = size - (1 if width % 8 else 0)
        patterns.append((r, window[first:last], first))
    return patterns


_PATTERNS = {BLOCK_MAGIC: _patterns(BLOCK_MAGIC), END_MAGIC: _patterns(END_MAGIC)}


def read_bits(data: bytes, bit: int, count: int) -> int | None:
    """`count` bits of `data` from bit offset `bit` (MSB first), or None when data ends before them."""
    first = bit // 8
    last = (bit + count + 7) // 8
    if last > len(data):
        return None
    value = int.from_bytes(data[first:last], "big")
    return (value >> (last * 8 - bit - count)) & ((1 << count) - 1)


def find_magic(data: bytes, magic: int, from_bit: int = 0) -> list[int]:
    """Bit offsets, ascending, at which the 48-bit `magic` starts in `data`, at or after `from_bit`."""
    found = set()
    for r, core, core_offset in _PATTERNS[magic]:
        position = data.find(core, max(from_bit // 8 - 1, 0))
        while position >= 0:
            bit = (position - core_offset) * 8 + r
            if bit >= from_bit and read_bits(data, bit, MAGIC_BITS) == magic:
                found.add(bit)
            position = data.find(core, position + 1)
    return sorted(found)


def plausible_block(data: bytes, bit: int) -> bool:
    """Whether a block magic at `bit` is followed by a header bzip2 could have written."""
    randomised = read_bits(data, bit + MAGIC_BITS + 32, 1)
    orig_ptr = read_bits(data, bit + MAGIC_BITS + 33, 24)
    return randomised == 0 and orig_ptr is not None and orig_ptr < MAX_ORIG_PTR


def first_block_at_or_after(raw: BinaryIO, bit: int) -> int | None:
    """The bit offset of the first bz2 block starting at or after `bit` in the file, or None."""
    position = max(bit // 8, 0)
    while True:
        raw.seek(position)
        window = raw.read(READ_SIZE + OVERLAP)
        if not window:
            return None
        for candidate in find_magic(window, BLOCK_MAGIC):
            absolute = position * 8 + candidate
            if absolute >= bit and read_bits(window, candidate, BLOCK_HEADER_BITS) is not None \
                    and plausible_block(window, candidate):
                return absolute
        if len(window) <= OVERLAP:
            return None
        position += len(window) - OVERLAP


class _ShiftedBytes:
    """The file's bytes from an arbitrary bit offset on, shifted so that that bit becomes bit 0."""

    def __init__(self, raw: BinaryIO, start_bit: int, on_read: Callable[[int], None] | None):
        self._raw = raw
        self._shift = start_bit % 8
        self._on_read = on_read
        raw.seek(start_bit // 8)
        self._carry = self._read(1)
        self._done = not self._carry

    def _read(self, size: int) -> bytes:
        block = self._raw.read(size)
        if block and self._on_read:
            self._on_read(len(block))
        return block

    def __iter__(self) -> Iterator[bytes]:
        while not self._done:
            block = self._read(READ_SIZE)
            if not block:
                self._done = True
                # The last byte's remaining bits, padded with zeros, like the end of any bz2 stream.
                yield bytes([(self._carry[0] << self._shift) & 0xFF])
                return
            if self._shift == 0:
                out, self._carry = self._carry + block[:-1], block[-1:]
            else:
                joined = int.from_bytes(self._carry + block, "big") >> (8 - self._shift)
                out = (joined & ((1 << (8 * len(block))) - 1)).to_bytes(len(block), "big")
                self._carry = block[-1:]
            yield out


def _drain(decompressor: bz2.BZ2Decompressor, data: bytes) -> Iterator[bytes]:
    """Decompresses `data` and everything the decoder can finish with it, in bounded pieces.

    Python's BZ2Decompressor hands out a finished block in 32 kB pieces once its input is used up,
    so it is asked again with no input until it has nothing more.
    """
    try:
        out = decompressor.decompress(data, max_length=DRAIN_BYTES)
        while out:
            yield out
            out = decompressor.decompress(b"", max_length=DRAIN_BYTES)
    except (OSError, EOFError) as exc:
        raise DamagedInputError(f"compressed data is damaged: {exc}") from exc


def _valid_stream_end(raw: BinaryIO, end_bit: int) -> tuple[bool, int]:
    """Whether an end magic at `end_bit` ends a stream (the file ends or a stream header follows).

    Returns (valid, byte offset where the next stream starts).
    """
    following = (end_bit + END_BITS + 7) // 8
    here = raw.tell()
    raw.seek(following)
    head = raw.read(4)
    raw.seek(here)
    valid = head.lstrip(b"\0") == b"" or (head[:3] == b"BZh" and head[3:4].isdigit() and head[3:4] != b"0")
    return valid, following


def iter_from_block(
    raw: BinaryIO, start_bit: int, stop_bit: int | None = None, on_read: Callable[[int], None] | None = None
) -> Iterator[bytes | RangeEnd]:
    """Decompressed bytes from the block at `start_bit` to the end of the file, across streams.

    When `stop_bit` (a block start) is given, `RANGE_END` is yielded once every block before it has
    been decoded and handed out: what came before the marker is exactly the data of the blocks that
    start in [start_bit, stop_bit).

    Raises:
        DamagedInputError: when a block does not decode (its CRC or structure is wrong).
        TruncatedInputError: when the file ends inside a stream.
    """
    segment_bit = start_bit
    while segment_bit is not None:
        if stop_bit is not None and segment_bit >= stop_bit:
            yield RANGE_END
            stop_bit = None
        segment_bit = yield from _iter_segment(raw, segment_bit, stop_bit, on_read)
        if stop_bit is not None and (segment_bit is None or segment_bit > stop_bit):
            stop_bit = None  # the stop block was in the segment just read, and reported there


def _iter_segment(raw, start_bit: int, stop_bit: int | None, on_read):
    """Decodes from `start_bit` to the end of its stream; returns the bit offset of the next stream's
    first block (or None at the end of the file)."""
    decompressor = bz2.BZ2Decompressor()
    yield from _drain(decompressor, SYNTHETIC_HEADER)
    stop = None if stop_bit is None else stop_bit - start_bit  # relative to the shifted bytes
    fed = 0  # shifted bytes fed so far
    tail = b""  # the last bytes fed, to see an end magic that straddles two pieces
    for piece in _ShiftedBytes(raw, start_bit, on_read):
        window = tail + piece
        window_bit = (fed - len(tail)) * 8
        cut = len(piece)
        next_stream = None
        for candidate in find_magic(window, END_MAGIC, max(len(tail) * 8 - MAGIC_BITS + 1, 0)):
            end_bit = window_bit + candidate
            valid, following = _valid_stream_end(raw, start_bit + end_bit)
            if valid:
                # Feed up to the end magic only: the combined CRC behind it cannot match a stream begun
                # in the middle. The last block ends in the magic's first byte at the latest.
                cut = max((end_bit + 7) // 8 - fed, 0)
                next_stream = following
                break
        if stop is not None and stop <= (fed + cut) * 8:
            before = max((stop + 7) // 8 - fed, 0)
            yield from _drain(decompressor, piece[:before])
            yield RANGE_END
            stop = None
            yield from _drain(decompressor, piece[before:cut])
        else:
            yield from _drain(decompressor, piece[:cut])
        fed += cut
        tail = window[-OVERLAP:]
        if next_stream is not None:
            return first_block_at_or_after(raw, next_stream * 8)
    raise TruncatedInputError("compressed data ends before the end-of-stream marker")
