"""Event dump files: what each input is, told by its content rather than its name.

`describe_input` sniffs the first bytes in the driver so that an unusable file is refused before any
worker starts. An event file is one split: its compressed stream cannot be entered mid-file, and its
records are read whole by reader.py.

A file is unusable, whatever its format, when none of its first records (SNIFF_LINES) is of a known
event schema: the refusal names the schema the first one gives. An Avro file is also unusable when its
header cannot be read or when not one record can be (its first block cut short or damaged): the refusal
says which.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from itertools import islice

from schemas.layout import Partition
from transforms.common.files import (
    DamagedInputError,
    InputFile,
    UnusableInputError,
    file_size,
    first_chunks,
    open_raw,
    sniff_compression,
)
from transforms.common.naming import resolve_snapshot
from transforms.events.history_tsv import HISTORY_LAYOUTS, convert_history_line
from transforms.events.records import (
    Converted,
    MissingField,
    convert_event,
    event_schema,
    schema_name,
    shown,
    wiki_of,
)

AVRO_MAGIC = b"Obj\x01"
AVRO_BLOCK_HEADER_BYTES = 20  # a block starts with two varint longs (records, bytes), 10 bytes at most each
AVRO_SYNC_BYTES = 16  # and ends with the file's sync marker
JSON_LINES = "json"
AVRO = "avro"
HISTORY_TSV = "mediawiki-history-tsv"
SNIFF_LINES = 20
SNIFF_BYTES = 1 << 20
# mediawiki_history dumps are named `<YYYY-MM>.<wiki>.<range>.tsv.bz2` after the last month they cover.
HISTORY_MONTH_IN_NAME = re.compile(r"^((?:19|20)\d{2})-(0[1-9]|1[0-2])\.")


@dataclass(frozen=True)
class EventInput(InputFile):
    """An event dump file of a job, as planned by the driver.

    Attributes:
        format: json, avro or mediawiki-history-tsv, told by content.
        snapshot: the partition's date, YYYYMMDD.
        wiki_db: the wiki of errors rows of records that name none.
    """

    format: str
    snapshot: str
    wiki_db: str

    @property
    def partition(self) -> Partition:
        """The partition of the file's own wiki (its records may name others)."""
        return Partition(self.wiki_db, self.snapshot)


def snapshot_of_history_dump(path: str) -> str | None:
    """`2026-08.enwiki.2025.tsv.bz2` covers up to the end of August 2026: snapshot 20260901."""
    match = HISTORY_MONTH_IN_NAME.match(posixpath.basename(path))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}{month:02d}01"


def _head_lines(path: str, compression: str) -> list[bytes]:
    """The first non-blank lines; a file damaged after its first bytes still shows those."""
    data = b""
    try:
        for chunk in first_chunks(path, compression, SNIFF_BYTES):
            data += chunk
            if data.count(b"\n") > SNIFF_LINES:
                break
    except DamagedInputError as exc:
        if not data:
            raise UnusableInputError(path, f"cannot decompress as {compression}: {exc}") from None
    return [line for line in data.split(b"\n")[:SNIFF_LINES] if line.strip()]


# Where an event of each known schema names its wiki (page_change, revision-create, recentchange).
WIKI_FIELDS = ("wiki_id", "database", "wiki")


def _wiki_of(record, converted: Converted) -> str | None:
    """The wiki of a record's rows; or, for a record of a known schema that gives none (a visibility
    change, a patrol), the wiki it names."""
    for row in converted.revisions + converted.events:
        return row["wiki_db"]
    if converted.problem is None and type(record) is dict:
        for key in WIKI_FIELDS:
            try:
                return wiki_of(record.get(key), key)
            except MissingField:
                continue
    return None


def describe_input(path: str, input_order: int = 0, *, snapshot: str | None = None,
                         wiki_db: str | None = None) -> EventInput:
    """Plans one input: its format from its content, its compression, its snapshot.

    Args:
        path: local path or URL.
        input_order: position among the job's inputs.
        snapshot: overrides the date in the file name.
        wiki_db: the wiki for errors of records that name none (default: the first wiki in the file).

    Raises:
        UnusableInputError: with a one-line reason naming the file.
    """
    size = file_size(path)
    with open_raw(path) as raw:
        head = raw.read(8)
    compression = sniff_compression(path, head)
    if compression not in ("none", "bz2", "gzip"):
        raise UnusableInputError(path, f"{compression} compression is not supported for event dumps (plain, .gz, .bz2)")
    first_wiki = None
    if compression == "none" and head.startswith(AVRO_MAGIC):
        fmt = AVRO
        for record in _head_records(path, size):
            first_wiki = first_wiki or _wiki_of(record, convert_event(record))
    else:
        lines = _head_lines(path, compression)
        if not lines:
            raise UnusableInputError(path, "empty: no event lines")
        fmt = _sniff_text_format(path, lines)
        for line in lines:
            text = line.decode("utf-8", "replace")
            record = _json_or_none(text) if fmt == JSON_LINES else text
            converted = convert_event(record) if fmt == JSON_LINES else convert_history_line(text)
            first_wiki = first_wiki or _wiki_of(record, converted)
    resolved = resolve_snapshot(path, snapshot, snapshot_of_history_dump(path))
    wiki = wiki_db or first_wiki
    if not wiki:
        raise UnusableInputError(path, f"no event among the first {'records' if fmt == AVRO else 'lines'} names its "
                                 "wiki; pass --wiki-db NAME")
    return EventInput(path, input_order, size, compression, fmt, resolved, wiki)


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _unknown_schemas(records: list) -> str:
    """What the first of some records of no known schema says it is, for the refusal."""
    first = records[0]
    if first is None:  # what _json_or_none gives for a line that is not JSON (or is `null`)
        return "the first is not a JSON object"
    if type(first) is not dict:
        return f"the first is {shown(first)[:60]}, not an object"
    name = schema_name(first)
    return f"the first gives schema {shown(name)[:100]}" if name is not None else "the first names no schema"


def _head_records(path: str, size: int) -> list:
    """The first records of an Avro file, refusing one whose schema is unknown or that gives none."""
    import fastavro

    records, failure = [], None
    with open_raw(path) as raw:
        try:
            avro = fastavro.reader(raw)
        except Exception as exc:  # noqa: BLE001 (fastavro raises many kinds for a broken header)
            raise UnusableInputError(path, f"not a readable Avro container: {str(exc)[:200]}") from None
        writer = avro.writer_schema.get("name") if isinstance(avro.writer_schema, dict) else avro.writer_schema
        start = raw.tell()
        try:
            records.extend(islice(avro, SNIFF_LINES))
        except Exception as exc:  # noqa: BLE001 (a cut or damaged first block: the reader reports it)
            failure = exc
    if not records:
        if failure is None:
            raise UnusableInputError(path, "empty: an Avro container without records")
        block = avro_block_at(path, start, size)
        if block is not None and block[2]:
            reason = (f"the file ends inside its first block (at byte {start}, declaring {block[0]} records in "
                      f"{block[1]:,} bytes; {size - start:,} bytes present): cut short?")
        else:
            reason = f"its first block, at byte {start}, is unreadable ({type(failure).__name__}: {str(failure)[:100]})"
        raise UnusableInputError(path, f"no Avro record can be read: {reason}")
    if not any(type(record) is dict and event_schema(record) for record in records):
        raise UnusableInputError(path, f"Avro records of writer schema {str(writer)[:100]!r}, but none of the first "
                                 "is a recentchange, revision-create or page_change event "
                                 f"({_unknown_schemas(records)})")
    return records


def avro_block_at(path: str, offset: int, size: int) -> tuple[int, int, bool] | None:
    """(record count, data size, cut short by the file's end) of the Avro block at byte `offset` of a
    file of `size` bytes; None when its header cannot be read."""
    with open_raw(path) as raw:
        raw.seek(offset)
        header = avro_block_header(raw.read(AVRO_BLOCK_HEADER_BYTES))
    if header is None:
        return None
    count, data_size, taken = header
    return count, data_size, offset + taken + data_size + AVRO_SYNC_BYTES > size


def avro_block_header(data: bytes) -> tuple[int, int, int] | None:
    """(record count, data size, bytes taken) of the Avro block header at the start of `data`; None when
    `data` ends inside it or it is not two zigzag varints with a size >= 0."""
    values, at = [], 0
    for _ in range(2):
        value = shift = 0
        while True:
            if at >= len(data) or shift > 63:
                return None
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        values.append((value >> 1) ^ -(value & 1))
    count, size = values
    return (count, size, at) if size >= 0 else None


def _sniff_text_format(path: str, lines: list[bytes]) -> str:
    first = lines[0].lstrip()
    if first.startswith(b"{"):
        objects = [_json_or_none(line.decode("utf-8", "replace")) for line in lines]
        if any(type(obj) is dict and event_schema(obj) for obj in objects):
            return JSON_LINES
        raise UnusableInputError(path, "JSON lines, but none of the first is a recentchange, revision-create or "
                                 f"page_change event ({_unknown_schemas(objects)})")
    fields = first.split(b"\t")
    if len(fields) in HISTORY_LAYOUTS:
        return HISTORY_TSV
    if first.startswith((b"<", b"\x89PNG", b"%PDF")) or b"<html" in first.lower():
        raise UnusableInputError(path, "not an event dump (looks like markup or a binary file)")
    raise UnusableInputError(path, "not an event dump: neither JSON lines, Avro, nor MediaWiki history TSV")
