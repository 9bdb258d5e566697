"""Reading an event dump file: its records converted into revisions, events and problems, block by block.

Pure functions over bytes, no Beam: `read_event_blocks` streams a whole file on a worker and hands its
converted records on in blocks of thousands (records.py and history_tsv.py convert one record).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from transforms.common.files import DamagedInputError, TruncatedInputError, iter_decompressed, open_raw
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.events.history_tsv import add_history_line
from transforms.events.inputs import AVRO, HISTORY_TSV, EventInput
from transforms.events.records import add_event

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
            kind = TRUNCATED_INPUT if isinstance(exc, TruncatedInputError) else DAMAGED_INPUT
            reader.add_problem(Problem(kind, f"{exc}; the records before it were kept", "file", False))
        except (EOFError, ValueError, OSError) as exc:  # fastavro on a cut or corrupt block
            reader.add_problem(Problem(DAMAGED_INPUT, f"Avro data unreadable after record {reader.number}: "
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
