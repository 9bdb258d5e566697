"""Input files as byte streams, for every input family: opening, compression, decompression, first bytes.

Everything here is plain functions over paths and bytes; Beam's FileSystems does the opening so that
local paths and gs:// URLs behave the same. `InputFile` is what every family's description of an input
starts with, and `UnusableInputError` how every family refuses one. Beam is imported when a file is
first opened, not with the module, so that the command line can refuse an input without importing it.
"""
from __future__ import annotations

import bz2
import io
import lzma
import os
import queue
import threading
import zlib
from dataclasses import dataclass, fields
from typing import BinaryIO, Callable, Iterator


try:  # decodes bzip2 with about a third less CPU than the bz2 module (docs/performance.md)
    import indexed_bzip2
except ImportError:  # only a speed-up: the bz2 module decodes the same
    indexed_bzip2 = None
try:  # decodes gzip in about a third of zlib's time (docs/performance.md), which matters where one worker
    # decompresses an Enterprise dump while the others wait for its batches
    from isal import isal_zlib as gzip_codec
except ImportError:  # only a speed-up: zlib decodes the same
    gzip_codec = zlib

READ_SIZE = 1 << 20  # compressed bytes per read: large reads keep gs:// round trips rare
CHUNK_SIZE = 1 << 16  # decompressed bytes handed to the XML parser at a time
# Largest compressed range that iter_bz2_range decodes in one go (pages-articles decompress about 4:1),
# and the most it decodes that way: bz2 reaches 1:1,000,000 on repeated bytes, so a range that decodes
# to more streams through the bz2 module in bounded pieces instead of filling memory.
FAST_BZ2_MAX_BYTES = 16 << 20
FAST_BZ2_MAX_DECODED = 256 << 20

MAGIC = (
    (b"BZh", "bz2"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)


class UnusableInputError(Exception):
    """The input cannot be read as a dump at all (not a dump, unreadable, refused)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DamagedInputError(Exception):
    """The bytes of an input stop being decodable part-way (corrupt compressed data)."""


class TruncatedInputError(DamagedInputError):
    """The compressed stream ended before its end-of-stream marker: the file was cut short."""


@dataclass(frozen=True)
class InputFile:
    """One input file of a job, as the driver planned it; each family's input type adds what it needs.

    Plain values only: it travels to workers.

    Attributes:
        path: local path or URL.
        input_order: position among the job's inputs (orders splits and names staged files).
        size: size in bytes as stored.
        compression: "none", "bz2", "gzip", "xz", "lzma" or "7z" (see `sniff_compression`).
    """

    path: str
    input_order: int
    size: int
    compression: str

    def to_json(self) -> dict:
        """What a manifest's run record keeps of the input: every field but its position among the inputs."""
        return {field.name: getattr(self, field.name) for field in fields(self) if field.name != "input_order"}


def open_raw(path: str) -> BinaryIO:
    """Opens a local path or URL for reading bytes exactly as stored."""
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    try:
        return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    except Exception as exc:  # FileSystems raises BeamIOError, IOError, or the GCS client's errors
        raise UnusableInputError(path, f"cannot open: {exc}") from exc


def file_size(path: str) -> int:
    """The size of an input as stored (UnusableInputError when it is missing, a folder or unreadable)."""
    if "://" not in path and os.path.isdir(path):
        raise UnusableInputError(path, "is a folder, not a dump file; give the files in it (e.g. with a shell glob)")
    from apache_beam.io.filesystems import FileSystems

    try:
        found = FileSystems.match([path])[0].metadata_list
    except Exception as exc:
        raise UnusableInputError(path, f"cannot stat: {exc}") from exc
    if not found:
        raise UnusableInputError(path, "no such file")
    return found[0].size_in_bytes


def sniff_compression(path: str, head: bytes) -> str:
    """Names the compression of a file from its first bytes.

    Legacy .lzma ("alone") files have no reliable magic number, so they are the one case decided by
    the extension.
    """
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return "lzma" if path.endswith(".lzma") else "none"


def compression_of(path: str) -> str:
    """The compression of a file, from its first bytes (UnusableInputError when it cannot be opened)."""
    with open_raw(path) as raw:
        return sniff_compression(path, raw.read(8))


def first_chunks(path: str, compression: str, limit: int) -> Iterator[bytes]:
    """The decompressed chunks of a file from its start, up to the one that reaches `limit` bytes in all.

    What every family reads to tell what a file is before any worker starts.

    Raises:
        UnusableInputError: when the file cannot be opened.
        DamagedInputError: when the data stops being decodable within the first `limit` bytes.
    """
    seen = 0
    with open_raw(path) as raw:
        for chunk in iter_decompressed(raw, compression):
            yield chunk
            seen += len(chunk)
            if seen >= limit:
                return


def iter_decompressed(
    raw: BinaryIO, compression: str, *, end: int | None = None, on_read: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yields the decompressed bytes of `raw` from its current position, in chunks.

    Args:
        raw: an open binary file positioned where decoding starts (a bz2 stream start for splits).
        compression: one of "none", "bz2", "gzip", "xz", "lzma", "7z".
        end: stop reading compressed bytes at this absolute offset (multistream splits).
        on_read: called with the number of compressed bytes read, for progress reports.

    Raises:
        TruncatedInputError: after the last complete chunk, when the data ends mid-stream.
    """
    if compression == "7z":
        yield from _iter_7z(raw, on_read)
        return
    blocks = _iter_blocks(raw, end, on_read)
    if compression == "none":
        yield from blocks
    elif compression == "bz2":
        yield from _iter_concatenated(blocks, bz2.BZ2Decompressor)
    elif compression == "gzip":
        # wbits=47 accepts gzip members; each member of a concatenated .gz needs a fresh decompressor.
        yield from _iter_concatenated(blocks, lambda: gzip_codec.decompressobj(47))
    elif compression in ("xz", "lzma"):
        fmt = lzma.FORMAT_XZ if compression == "xz" else lzma.FORMAT_ALONE
        yield from _iter_concatenated(blocks, lambda: lzma.LZMADecompressor(fmt))
    else:
        raise ValueError(f"unknown compression {compression!r}")


def read_ahead(chunks: Iterator[bytes], depth: int = 8) -> Iterator[bytes]:
    """The same chunks, made by a thread that keeps up to `depth` of them ready.

    zlib, bz2 and lzma release the GIL while they decompress, so where the consumer is a single Python
    loop (the one worker that cuts an Enterprise dump for the others, while they wait) decompressing on a
    second core overlaps with it instead of adding to it. An error in the thread is raised to the consumer at
    the point the thread reached; a consumer that stops early stops the thread.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for chunk in chunks:
                if stopped.is_set():
                    return
                ready.put(chunk)
            ready.put(done)
        except BaseException as exc:  # noqa: BLE001 (handed to the consumer, which re-raises it)
            ready.put(exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stopped.set()
        while producer.is_alive():  # empty the queue so that a blocked put returns and the thread sees the stop
            try:
                ready.get_nowait()
            except queue.Empty:
                producer.join(0.05)


def iter_bz2_range(raw: BinaryIO, end: int, on_read: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Yields the decompressed bytes of the whole bz2 streams in raw[raw.tell():end] (a multistream split).

    Where indexed_bzip2 is installed, it decodes a range of up to FAST_BZ2_MAX_BYTES in one go, within
    this call: its decoder aborts the process if one is still open when Python exits, so none stays open
    across a yield. It also ignores data after the last stream and names damage vaguely
    ("std::exception"), so where it fails or stops short of the range's end the bz2 module decodes the
    range instead, and the damage is reported as for any other input.
    """
    if indexed_bzip2 is None or end - raw.tell() > FAST_BZ2_MAX_BYTES:
        yield from iter_decompressed(raw, "bz2", end=end, on_read=on_read)
        return
    compressed = b"".join(_iter_blocks(raw, end, on_read))
    decoded = _fast_bz2(compressed)
    if decoded is None:
        yield from _iter_concatenated(iter([compressed]), bz2.BZ2Decompressor)
        return
    for offset in range(0, len(decoded), CHUNK_SIZE):
        yield decoded[offset:offset + CHUNK_SIZE]


def _fast_bz2(compressed: bytes) -> bytes | None:
    """`compressed` decoded by indexed_bzip2; None where it fails, leaves more than zero padding unread
    or decodes to more than FAST_BZ2_MAX_DECODED bytes."""
    try:
        with indexed_bzip2.open(io.BytesIO(compressed), parallelization=1) as decoder:
            decoded = decoder.read(FAST_BZ2_MAX_DECODED + 1)
            if len(decoded) > FAST_BZ2_MAX_DECODED:
                return None
            used = (decoder.raw.bz2reader.tell_compressed() + 7) // 8  # it counts bits
    except Exception:  # RuntimeError, ValueError, or AttributeError from another version's internals
        return None
    return None if compressed[used:].strip(b"\0") else decoded


def _iter_blocks(raw: BinaryIO, end: int | None, on_read) -> Iterator[bytes]:
    position = raw.tell() if end is not None else 0
    while True:
        size = READ_SIZE if end is None else min(READ_SIZE, end - position)
        if size <= 0:
            return
        block = raw.read(size)
        if not block:
            return
        position += len(block)
        if on_read:
            on_read(len(block))
        yield block


def _iter_concatenated(blocks: Iterator[bytes], new_decompressor) -> Iterator[bytes]:
    """Decompresses a sequence of concatenated streams (bz2 multistream, multi-member gzip, xz)."""
    decompressor = new_decompressor()
    inside_stream = False
    try:
        for block in blocks:
            data = block
            while data:
                inside_stream = True
                yield from _drain(decompressor, data)
                data = b""
                if decompressor.eof:
                    inside_stream = False
                    # Zero padding after the last stream is harmless (some tools pad to a block size).
                    data = decompressor.unused_data.lstrip(b"\0")
                    decompressor = new_decompressor()
    except (OSError, EOFError, zlib.error, gzip_codec.error, lzma.LZMAError) as exc:
        raise DamagedInputError(f"compressed data is damaged: {exc}") from exc
    if inside_stream:
        raise TruncatedInputError("compressed data ends before the end-of-stream marker")


def _drain(decompressor, data: bytes) -> Iterator[bytes]:
    """Decompresses `data` completely, in bounded pieces so that a decompression bomb cannot blow
    memory up in one call."""
    limit = CHUNK_SIZE * 16
    if isinstance(decompressor, (bz2.BZ2Decompressor, lzma.LZMADecompressor)):
        out = decompressor.decompress(data, max_length=limit)
        while True:
            if out:
                yield out
            if decompressor.eof or decompressor.needs_input:
                return
            out = decompressor.decompress(b"", max_length=limit)
    else:  # zlib keeps input it could not use yet in unconsumed_tail
        out = decompressor.decompress(data, limit)
        while True:
            if out:
                yield out
            if decompressor.eof or not decompressor.unconsumed_tail:
                return
            out = decompressor.decompress(decompressor.unconsumed_tail, limit)


def _rechunk(data: bytes) -> Iterator[bytes]:
    if len(data) <= CHUNK_SIZE * 2:
        yield data
        return
    view = memoryview(data)
    for i in range(0, len(data), CHUNK_SIZE):
        yield bytes(view[i : i + CHUNK_SIZE])


def _iter_7z(raw: BinaryIO, on_read) -> Iterator[bytes]:
    """Streams the first member of a .7z archive through a bounded queue.

    py7zr only pushes decompressed data into writer objects, so a thread runs the extraction and this
    generator pulls from the queue: memory stays at a few chunks whatever the archive size.
    """
    import py7zr
    from py7zr.io import Py7zIO, WriterFactory

    chunks: queue.Queue = queue.Queue(maxsize=16)
    cancelled = threading.Event()
    done = object()

    class QueueWriter(Py7zIO):
        def __init__(self):
            self.written = 0

        def write(self, s):
            if cancelled.is_set():
                raise RuntimeError("reader stopped")
            chunks.put(bytes(s))
            self.written += len(s)
            return len(s)

        def read(self, size=None):
            return b""

        def seek(self, offset, whence=0):
            return 0

        def flush(self):
            return None

        def size(self):
            return self.written

    class QueueWriters(WriterFactory):
        def create(self, filename):
            return QueueWriter()

    def extract():
        try:
            # py7zr seeks: the archive's index sits at its end. Only the first member is read.
            with py7zr.SevenZipFile(raw) as archive:
                archive.extract(targets=archive.getnames()[:1], factory=QueueWriters())
            chunks.put(done)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            chunks.put(exc)

    worker = threading.Thread(target=extract, name="7z-extract", daemon=True)
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is done:
                if on_read:
                    on_read(raw.seek(0, io.SEEK_END))
                return
            if isinstance(item, BaseException):
                if isinstance(item, py7zr.exceptions.Bad7zFile):
                    # A .7z keeps its index at the end: a cut archive cannot be read at all.
                    raise DamagedInputError(f"7z archive unreadable (cut short or corrupt): {item}") from item
                if isinstance(item, (EOFError, py7zr.exceptions.CrcError, py7zr.exceptions.ArchiveError)):
                    raise DamagedInputError(f"7z archive is damaged: {item}") from item
                raise item
            yield from _rechunk(item)
    finally:
        cancelled.set()
        while worker.is_alive():
            try:
                chunks.get_nowait()
            except queue.Empty:
                worker.join(0.05)
