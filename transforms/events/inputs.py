"""Event dump files: what each input is, told by its content rather than its name.

`describe_input` sniffs the first bytes in the driver so that an unusable file is refused before any
worker starts. An event file is one split: its compressed stream cannot be entered mid-file, and its
records are read whole by reader.py.
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
from transforms.events.records import Converted, convert_event, event_schema

AVRO_MAGIC = b"Obj\x01"
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

    def to_json(self) -> dict:
        return {"path": self.path, "size": self.size, "compression": self.compression, "format": self.format,
                "snapshot": self.snapshot, "wiki_db": self.wiki_db}

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


def _wiki_of(converted: Converted) -> str | None:
    for row in converted.revisions + converted.events:
        return row["wiki_db"]
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
        import fastavro

        with open_raw(path) as raw:
            try:
                for record in islice(fastavro.reader(raw), SNIFF_LINES):
                    first_wiki = first_wiki or _wiki_of(convert_event(record))
            except Exception as exc:  # fastavro raises many kinds for a broken header
                raise UnusableInputError(path, f"not a readable Avro container: {exc}") from None
    else:
        lines = _head_lines(path, compression)
        if not lines:
            raise UnusableInputError(path, "empty: no event lines")
        fmt = _sniff_text_format(path, lines)
        for line in lines:
            text = line.decode("utf-8", "replace")
            converted = convert_event(_json_or_none(text)) if fmt == JSON_LINES else convert_history_line(text)
            first_wiki = first_wiki or _wiki_of(converted)
    resolved = resolve_snapshot(path, snapshot, snapshot_of_history_dump(path))
    wiki = wiki_db or first_wiki
    if not wiki:
        raise UnusableInputError(path, "no event among the first lines names its wiki; pass --wiki-db NAME")
    return EventInput(path, input_order, size, compression, fmt, resolved, wiki)


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _sniff_text_format(path: str, lines: list[bytes]) -> str:
    first = lines[0].lstrip()
    if first.startswith(b"{"):
        if any(isinstance(obj, dict) and event_schema(obj) for obj in map(_json_or_none, (l.decode("utf-8", "replace") for l in lines))):
            return JSON_LINES
        raise UnusableInputError(path, "JSON lines, but none of the first is a recentchange, revision-create or "
                                 "page_change event")
    fields = first.split(b"\t")
    if len(fields) in HISTORY_LAYOUTS:
        return HISTORY_TSV
    if first.startswith((b"<", b"\x89PNG", b"%PDF")) or b"<html" in first.lower():
        raise UnusableInputError(path, "not an event dump (looks like markup or a binary file)")
    raise UnusableInputError(path, "not an event dump: neither JSON lines, Avro, nor MediaWiki history TSV")
