"""Records of an Enterprise HTML dump, from the decompressed bytes of one file.

A dump is `<wiki>-NS<n>-<date>-ENTERPRISE-HTML.json.tar.gz`: a tar archive of NDJSON files, one article
record per line. The same records also come as a plain or gzipped `.ndjson` file, and the API answers for a
single article as one pretty-printed JSON object; all three are read here. The tar stream is walked by its
512-byte headers rather than with `tarfile`, so that a file cut short keeps every record before the cut and
the reader can say in which member and at which byte it stopped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import orjson

from transforms.common.files import DamagedInputError, TruncatedInputError
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem
from transforms.common.timestamps import parse_timestamp
from transforms.wikitext._engine import record_fields

TAR_BLOCK = 512
TAR_MAGIC_AT = 257  # "ustar" in a POSIX header
REGULAR_FILE_TYPES = (b"0", b"\x00", b"7")


@dataclass(frozen=True)
class RawRecord:
    """One record's bytes and where it was: the tar member (None for a plain file), its line in that
    member from 1, and the offset of the line in the decompressed stream."""

    member: str | None
    line: int
    offset: int
    data: bytes


def is_tar(head: bytes) -> bool:
    """Whether decompressed bytes start with a POSIX (ustar) tar header."""
    return head[TAR_MAGIC_AT:TAR_MAGIC_AT + 5] == b"ustar"


class _Stream:
    """Decompressed chunks as a byte stream that can be read by exact sizes, counting its offset."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = bytearray()
        self.offset = 0  # of the next byte to be taken

    def take(self, size: int) -> bytes:
        """Exactly `size` bytes, or fewer at the end of the data."""
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.offset += len(data)
        return data

    def pieces(self, size: int) -> Iterator[bytes]:
        """The next `size` bytes in pieces as they come (fewer at the end of the data)."""
        while size > 0:
            if not self._buffer:
                chunk = next(self._chunks, None)
                if chunk is None:
                    return
                self._buffer += chunk
            piece = bytes(self._buffer[:size])
            del self._buffer[:len(piece)]
            self.offset += len(piece)
            size -= len(piece)
            yield piece


def iter_records(chunks: Iterator[bytes], tar: bool) -> Iterator[RawRecord | Problem]:
    """Every record of a file's decompressed chunks, then a Problem if the file ends early or stops
    being decodable (the records before that point are all given)."""
    stream = _Stream(chunks)
    where = "the file"
    try:
        if not tar:
            yield from _member_records(None, stream.pieces(1 << 62), stream)
            return
        while True:
            header = stream.take(TAR_BLOCK)
            if len(header) < TAR_BLOCK:
                if header:
                    raise TruncatedInputError("the archive ends inside a member's header")
                raise TruncatedInputError("the archive ends without its end-of-archive blocks")
            if not header.strip(b"\x00"):
                return  # the end-of-archive marker: two zero blocks (the second need not be read)
            name = header[:100].split(b"\x00", 1)[0].decode("utf-8", "replace")
            size = int(header[124:136].split(b"\x00", 1)[0].strip() or b"0", 8)
            padded = -size % TAR_BLOCK
            where = f"member {name}"
            if header[156:157] in REGULAR_FILE_TYPES:
                yield from _member_records(name, _exactly(stream.pieces(size), size, name), stream)
            else:  # a directory, or a pax or GNU header that only describes the next member
                _skip(stream, size, name)
            _skip(stream, padded, name)
    except TruncatedInputError as exc:
        yield Problem(TRUNCATED_INPUT, f"the file is cut short in {where} at byte {stream.offset:,} of its "
                      f"decompressed data ({exc}); the records before that point were read", "file", False,
                      stream.offset)
    except DamagedInputError as exc:
        yield Problem(DAMAGED_INPUT, f"the data stops being decodable in {where} at byte {stream.offset:,} of its "
                      f"decompressed data ({exc}); the records before that point were read", "file", False,
                      stream.offset)


def _exactly(pieces: Iterator[bytes], size: int, name: str) -> Iterator[bytes]:
    taken = 0
    for piece in pieces:
        taken += len(piece)
        yield piece
    if taken < size:
        raise TruncatedInputError(f"{taken:,} of the member's {size:,} bytes are present")


def _skip(stream: _Stream, size: int, name: str) -> None:
    for _ in _exactly(stream.pieces(size), size, name):
        pass


def _member_records(member: str | None, pieces: Iterator[bytes], stream: _Stream) -> Iterator[RawRecord]:
    """The records of one NDJSON member (or plain file): one per non-blank line; a member that starts with
    a line holding only `{` is one pretty-printed record. A last line cut by the end of the data is given
    as it is: it does not parse, and becomes an errors row."""
    start = stream.offset
    line = 0
    pretty: bytearray | None = None
    lines = _Lines(pieces)
    for text in lines:
        line += 1
        if pretty is not None:
            pretty += text + b"\n"
            continue
        if line == 1 and text.strip() == b"{":
            pretty = bytearray(text + b"\n")
            continue
        if text.strip():
            yield RawRecord(member, line, start, text)
        start += len(text) + 1
    rest = lines.rest
    if pretty is not None:
        yield RawRecord(member, 1, start, bytes(pretty + rest))
    elif rest.strip():
        yield RawRecord(member, line + 1, start, rest)


class _Lines:
    """The complete lines of a run of pieces, without their newline; then `rest`, what follows the last one.

    A record is often larger than a piece: the start of a line is kept as a list of parts joined once when
    its end comes, so that each byte is copied once whatever the size of the lines."""

    def __init__(self, pieces: Iterator[bytes]):
        self._pieces = pieces
        self.rest = b""

    def __iter__(self) -> Iterator[bytes]:
        parts: list[bytes] = []
        for piece in self._pieces:
            begin = 0
            while (end := piece.find(b"\n", begin)) >= 0:
                if parts:
                    parts.append(piece[begin:end])
                    yield b"".join(parts)
                    parts = []
                else:
                    yield piece[begin:end]
                begin = end + 1
            if begin < len(piece):
                parts.append(piece[begin:] if begin else piece)
        self.rest = b"".join(parts)


def parse_record(raw: RawRecord) -> dict | Problem:
    """The record as a dict, or the Problem that drops it (not JSON, not an object, fields missing)."""
    try:
        record = _decode(raw.data)
    except (ValueError, RecursionError) as exc:
        return _bad(raw, "malformed-record", f"not a JSON object ({str(exc)[:120]})")
    if type(record) is not dict:
        return _bad(raw, "malformed-record", f"a JSON {type(record).__name__}, not an object")
    missing = [name for name, check in REQUIRED_FIELDS if not check(record)]
    if missing:
        return _bad(raw, "missing-field", "no usable " + ", ".join(missing), _int_or_none(record.get("identifier")))
    return record


def _decode(data: bytes):
    """orjson decodes a record in a third of the json module's time. What it refuses and the json module
    reads (NaN, lone surrogates in strings, integers beyond 64 bits, nesting past 1024) goes to the json
    module, which also words the message of what neither reads, as errors rows have always said it."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _bad(raw: RawRecord, error_type: str, message: str, page_id: int | None = None) -> Problem:
    where = f"line {raw.line}" + (f" of member {raw.member}" if raw.member else "")
    return Problem(error_type, f"{where}: {message}", "page", True, raw.offset, page_id,
                   excerpt=raw.data[:800].decode("utf-8", "replace")[:200])


def _int_or_none(value) -> int | None:
    return value if type(value) is int else None


def _nested(record: dict, *keys):
    for key in keys:
        if type(record) is not dict:
            return None
        record = record.get(key)
    return record


REQUIRED_FIELDS = (
    ("identifier", lambda r: type(r.get("identifier")) is int and r["identifier"] > 0),
    ("name", lambda r: type(r.get("name")) is str and r["name"].strip() != ""),
    ("version.identifier", lambda r: type(_nested(r, "version", "identifier")) is int),
    ("namespace.identifier", lambda r: type(_nested(r, "namespace", "identifier")) is int),
    ("is_part_of.identifier", lambda r: type(_nested(r, "is_part_of", "identifier")) is str),
    ("article_body.html", lambda r: type(_nested(r, "article_body", "html")) is str),
    ("date_modified", lambda r: _is_timestamp(r.get("date_modified"))),
)


def _is_timestamp(value) -> bool:
    try:
        return type(value) is str and parse_timestamp(value) > 0
    except ValueError:
        return False


def page_key(record: dict) -> tuple[str, int]:
    """(wiki, page id) of a parsed record: the copies of one page share it."""
    return record["is_part_of"]["identifier"], record["identifier"]


def version_of(record: dict) -> int:
    return record["version"]["identifier"]


def record_version(raw: RawRecord) -> tuple[tuple[str, int], int] | None:
    """(page key, version) of a record that parses; None for one that does not (its parser reports it).

    The engine reads just the fields the checks need, without decoding the HTML; a record it leaves to
    Python (not strict JSON, a field missing, odd or given twice) is decoded whole, as its parser will."""
    record = record_fields(raw.data)
    if record is None or not all(check(record) for _, check in REQUIRED_FIELDS):
        record = parse_record(raw)
        if isinstance(record, Problem):
            return None
    return page_key(record), version_of(record)
