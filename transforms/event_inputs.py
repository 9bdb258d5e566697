"""Event dump files: what each input is (by content, not name) and the records it holds.

`describe_event_input` sniffs the first bytes in the driver so that an unusable file is refused before
any worker starts; `read_event_blocks` streams a whole file on a worker and hands its converted records
on in blocks of thousands.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from transforms.dump_inputs import SNAPSHOT, snapshot_from_name
from transforms.dumpfiles import (
    DamagedInputError,
    UnusableInputError,
    file_size,
    iter_decompressed,
    open_raw,
    sniff_compression,
)
from transforms.event_records import (
    HISTORY_LAYOUTS,
    Converted,
    add_event,
    add_history_line,
    convert_event,
    convert_history_line,
    event_schema,
)
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


# Records a reader converts before handing them on together: enough to make Arrow's per-batch costs small.
BLOCK_RECORDS = 20_000
# What bytes.strip() strips: a line of nothing else is blank.
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"


@dataclass
class EventBlock:
    """What a run of consecutive records of one file gives.

    Attributes:
        revisions: converted revisions, tuples of event_records.REVISION_FIELDS values.
        revision_records: the record number (1-based line or Avro record) of each revision.
        events: `events` rows, with their wiki_db.
        problems: (record number, Problem) of each unusable record or stretch of file.
        records: records read; a problem with the file itself (record_kind "file") is not one.
        filtered: records of a known schema that give no rows.
    """

    revisions: list[tuple] = field(default_factory=list)
    revision_records: list[int] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    records: int = 0
    filtered: int = 0


def read_event_blocks(source: EventInput, on_read: Callable[[int], None] | None = None, *,
                      block_records: int = BLOCK_RECORDS) -> Iterator[EventBlock]:
    """Converts every record of the file, `block_records` at a time; blank lines are skipped.

    A file that stops being decodable part-way ends with a `truncated-input` or `damaged-input` problem
    after the records before it.
    """
    reader = _BlockReader(source.format)
    with open_raw(source.path) as raw:
        try:
            if source.format == AVRO:
                import fastavro

                records = fastavro.reader(raw)
                while True:
                    read = reader.number
                    reader.add_records(islice(records, block_records))
                    if reader.number == read:
                        break
                    yield reader.take()
            else:
                carry = b""
                for chunk in iter_decompressed(raw, source.compression, on_read=on_read):
                    data = carry + chunk
                    cut = data.rfind(b"\n") + 1
                    carry = data[cut:]
                    if cut:
                        reader.add_lines(data[:cut - 1])
                    if reader.block.records >= block_records:
                        yield reader.take()
                if carry:
                    reader.add_lines(carry)
        except DamagedInputError as exc:
            kind = "truncated-input" if "end-of-stream" in str(exc) else "damaged-input"
            reader.add_problem(Problem(kind, f"{exc}; the records before it were kept", "file", False))
        except (EOFError, ValueError, OSError) as exc:  # fastavro on a cut or corrupt block
            reader.add_problem(Problem("damaged-input", f"Avro data unreadable after record {reader.number}: "
                                       f"{exc}; the records before it were kept", "file", False))
    yield reader.take()


class _BlockReader:
    """Converts records one after another into the current block, numbering them as the file does."""

    def __init__(self, fmt: str):
        self._add = _add_history_line if fmt == HISTORY_TSV else _add_json_line
        self.number = 0  # records (lines, blank ones included) seen so far
        self.block = EventBlock()

    def take(self) -> EventBlock:
        block, self.block = self.block, EventBlock()
        return block

    def add_problem(self, problem: Problem) -> None:
        """A problem after the last record: it takes the next record number."""
        self.block.problems.append((self.number + 1, problem))

    def add_records(self, records: Iterable[dict]) -> None:
        """Converts decoded records (Avro)."""
        self._convert(records, add_event)

    def add_lines(self, data: bytes) -> None:
        """Converts the lines of `data` (line breaks between them, none at the end)."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # rare: decode line by line to reject only the bad lines
            for line in data.split(b"\n"):
                try:
                    self._convert([line.decode("utf-8")], self._add)
                except UnicodeDecodeError:
                    self.number += 1
                    self.block.records += 1
                    self.block.problems.append((self.number, Problem(
                        "invalid-utf8", "the line is not valid UTF-8; it was skipped", "line", True,
                        excerpt=excerpt_of(line))))
            return
        self._convert(text.split("\n"), self._add)

    def _convert(self, records: Iterable, add: Callable) -> None:
        # The loop of the whole job: everything it touches is a local.
        block = self.block
        revisions, events, problems, revision_records = block.revisions, block.events, block.problems, \
            block.revision_records
        number, count, filtered = self.number, 0, 0
        try:
            for record in records:
                number += 1
                if type(record) is str and not record.strip(_ASCII_WHITESPACE):
                    continue
                count += 1
                had_revisions, had_events = len(revisions), len(events)
                problem = add(record, revisions, events)
                if problem is not None:
                    problems.append((number, problem))
                elif len(revisions) > had_revisions:  # a record gives at most one revision
                    revision_records.append(number)
                elif len(events) == had_events:
                    filtered += 1
        finally:  # Avro data can end in error part-way: keep the count of what was read
            self.number = number
            block.records += count
            block.filtered += filtered


def _add_json_line(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    try:
        record = json.loads(line)
    except ValueError as exc:
        return Problem("malformed-line", f"not JSON ({exc}); the line was skipped", "line", True,
                       excerpt=excerpt_of(line))
    return add_event(record, revisions, events)


def _add_history_line(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    return add_history_line(line.rstrip("\r"), revisions, events)
