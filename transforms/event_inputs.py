"""Event dump files: what each input is (by content, not name) and the records it holds.

`describe_event_input` sniffs the first bytes in the driver so that an unusable file is refused before
any worker starts; `iter_event_records` streams a whole file on a worker, one converted record at a time.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Iterator

from transforms.dump_inputs import SNAPSHOT, snapshot_from_name
from transforms.dumpfiles import (
    DamagedInputError,
    UnusableInputError,
    file_size,
    iter_decompressed,
    open_raw,
    sniff_compression,
)
from transforms.event_records import Converted, HISTORY_LAYOUTS, convert_event, convert_history_line, event_schema
from transforms.problems import Problem, excerpt_of

AVRO_MAGIC = b"Obj\x01"
JSON_LINES = "json"
AVRO = "avro"
HISTORY_TSV = "mediawiki-history-tsv"
SNIFF_LINES = 20
# mediawiki_history dumps are named `<YYYY-MM>.<wiki>.<range>.tsv.bz2` after the last month they cover.
HISTORY_MONTH_IN_NAME = re.compile(r"^((?:19|20)\d{2})-(0[1-9]|1[0-2])\.")


@dataclass(frozen=True)
class EventInput:
    """One event dump file of a job, as planned by the driver. Plain values only: it travels to workers."""

    path: str
    input_order: int
    size: int
    compression: str
    format: str
    snapshot: str
    wiki_db: str

    def to_json(self) -> dict:
        return {"path": self.path, "size": self.size, "compression": self.compression, "format": self.format,
                "snapshot": self.snapshot, "wiki_db": self.wiki_db}


def snapshot_of_history_dump(path: str) -> str | None:
    """`2026-08.enwiki.2025.tsv.bz2` covers up to the end of August 2026: snapshot 20260901."""
    match = HISTORY_MONTH_IN_NAME.match(posixpath.basename(path))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}{month:02d}01"


def _head_lines(path: str, compression: str) -> list[bytes]:
    with open_raw(path) as raw:
        data = b""
        try:
            for chunk in iter_decompressed(raw, compression):
                data += chunk
                if data.count(b"\n") > SNIFF_LINES or len(data) > 1 << 20:
                    break
        except DamagedInputError as exc:
            if not data:
                raise UnusableInputError(path, f"cannot decompress as {compression}: {exc}") from None
    return [line for line in data.split(b"\n")[:SNIFF_LINES] if line.strip()]


def _wiki_of(converted: Converted) -> str | None:
    for row in converted.revisions + converted.events:
        return row["wiki_db"]
    return None


def describe_event_input(path: str, input_order: int = 0, *, snapshot: str | None = None,
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
    resolved = snapshot or snapshot_from_name(path) or snapshot_of_history_dump(path)
    if not resolved:
        raise UnusableInputError(path, "cannot tell the snapshot from the file name; pass --snapshot YYYYMMDD")
    if not SNAPSHOT.match(resolved):
        raise UnusableInputError(path, f"snapshot {resolved!r} is not a date YYYYMMDD")
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


def iter_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream, without their line breaks."""
    carry = b""
    for chunk in chunks:
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        yield from lines
    if carry:
        yield carry


def iter_event_records(source: EventInput, on_read: Callable[[int], None] | None = None
                       ) -> Iterator[tuple[int, Converted]]:
    """(1-based record number, Converted) for every record of the file; blank lines are skipped.

    A file that stops being decodable part-way ends with a `truncated-input` or `damaged-input` problem.
    """
    number = 0
    with open_raw(source.path) as raw:
        try:
            if source.format == AVRO:
                import fastavro

                for number, record in enumerate(fastavro.reader(raw), start=1):
                    yield number, convert_event(record)
                return
            for number, line in enumerate(iter_lines(iter_decompressed(raw, source.compression, on_read=on_read)), start=1):
                if not line.strip():
                    continue
                yield number, _convert_line(line, source.format)
        except DamagedInputError as exc:
            kind = "truncated-input" if "end-of-stream" in str(exc) else "damaged-input"
            yield number + 1, Converted(problem=Problem(kind, f"{exc}; the records before it were kept", "file", False))
        except (EOFError, ValueError, OSError) as exc:  # fastavro on a cut or corrupt block
            yield number + 1, Converted(problem=Problem("damaged-input", f"Avro data unreadable after record {number}: "
                                                        f"{exc}; the records before it were kept", "file", False))


def _convert_line(line: bytes, fmt: str) -> Converted:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return Converted(problem=Problem("invalid-utf8", "the line is not valid UTF-8; it was skipped", "line", True,
                                         excerpt=excerpt_of(line)))
    if fmt == HISTORY_TSV:
        return convert_history_line(text.rstrip("\r"))
    try:
        record = json.loads(text)
    except ValueError as exc:
        return Converted(problem=Problem("malformed-line", f"not JSON ({exc}); the line was skipped", "line", True,
                                         excerpt=excerpt_of(text)))
    return convert_event(record)
