"""Reading an event dump file: its records converted into revisions, events and problems, block by block.

Pure functions over bytes, no Beam: `read_event_blocks` streams a whole file on a worker and hands its
converted records on in blocks of thousands (records.py and history_tsv.py convert one record).

An Avro file is read block by block (its blocks, not ours: runs of records with a count, a size and a
sync marker). What damage costs:
- a record that fastavro cannot decode: it and the rest of its block are lost, each lost record an
  `errors` row (`damaged-input`, record_kind "event", dropped); the next block is read, as the block's
  sync marker was found;
- a file cut short inside a block: the records of the complete blocks before it are kept, and each of
  the records its header declares is a lost record (`truncated-input`, dropped), so that they are counted;
- any other unreadable block (damaged header or sync marker, data that does not decompress), or a cut
  block whose record count is unreadable or implausible (over MAX_LOST_RECORDS): one `damaged-input` or
  `truncated-input` row of record_kind "file" naming the block's offset, the records it declares and
  the bytes left unread; the records before it are kept, the rest of the file is not read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO, Callable, Iterable, Iterator

from orjson import JSONDecodeError as OrjsonDecodeError
from orjson import loads as orjson_loads

from transforms.common.files import DamagedInputError, TruncatedInputError, iter_decompressed, open_raw
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.events.history_tsv import add_history_line
from transforms.events.inputs import AVRO, AVRO_BLOCK_HEADER_BYTES, HISTORY_TSV, EventInput, avro_block_at
from transforms.events.records import add_event

# Records a reader converts before handing them on together: enough to make Arrow's per-batch costs small.
BLOCK_RECORDS = 20_000
# What bytes.strip() strips: a line of nothing else is blank.
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"
# Lost records of one Avro block listed one by one (Java's and fastavro's writers put tens to thousands
# in a block); a declared count above it is not trusted and the block is reported as one "file" row.
MAX_LOST_RECORDS = 100_000
INVALID_UTF8 = "invalid-utf8"
MALFORMED_LINE = "malformed-line"


@dataclass
class EventBlock:
    """What a run of consecutive records of one file gives.

    Attributes:
        revisions: converted revisions, tuples of event_records.REVISION_FIELDS values.
        revision_records: the record number (1-based line or Avro record) of each revision.
        events: `events` rows, with their wiki_db.
        problems: (record number, Problem) of each unusable record or stretch of file.
        records: records read; a problem with the file itself (record_kind "file") is not one.
        written: records that gave a revision or an event.
        filtered: records of a known schema that give no rows.
    """

    revisions: list[tuple] = field(default_factory=list)
    revision_records: list[int] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    records: int = 0
    written: int = 0
    filtered: int = 0


def read_event_blocks(source: EventInput, on_read: Callable[[int], None] | None = None, *,
                      block_records: int = BLOCK_RECORDS) -> Iterator[EventBlock]:
    """Converts every record of the file, `block_records` at a time; blank lines are skipped.

    A file that stops being decodable part-way ends with a `truncated-input` or `damaged-input` problem
    after the records before it (an Avro file's damage costs what the module docstring says).
    """
    reader = _BlockReader(source.format)
    with open_raw(source.path) as raw:
        if source.format == AVRO:
            yield from _read_avro(source, raw, reader, block_records)
            return
        try:
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
        except OSError as exc:  # the storage failing part-way
            reader.add_problem(Problem(DAMAGED_INPUT, f"the file is unreadable after record {reader.number} ({exc}); "
                                       "the records before it were kept", "file", False))
    yield reader.take()


def _read_avro(source: EventInput, raw: BinaryIO, reader: _BlockReader, block_records: int) -> Iterator[EventBlock]:
    """The records of an Avro file, block after block of the file; damage as the module docstring says."""
    import fastavro

    try:
        blocks = fastavro.block_reader(raw)
    except Exception as exc:  # noqa: BLE001 (describe_input read this header: the file changed since)
        reader.add_problem(Problem(DAMAGED_INPUT, f"not a readable Avro container any more ({_cause(exc)})", "file",
                                   False))
        yield reader.take()
        return
    end = raw.tell()  # where the next block starts: here, right after the header
    while True:
        try:
            block = next(blocks, None)
        except Exception as exc:  # noqa: BLE001 (fastavro raises EOFError, ValueError, zlib.error, ... for a bad block)
            _unreadable_block(source, end, exc, reader)
            break
        if block is None:
            break
        end = block.offset + block.size
        failure: list[Exception] = []
        records = _decoded_records(block, failure)
        first = reader.number
        while True:
            if reader.block.records >= block_records:
                yield reader.take()
            read = reader.number
            reader.add_records(islice(records, block_records - reader.block.records))
            if reader.number == read:
                break
        if failure:
            decoded = reader.number - first
            _lose(reader, block.num_records - decoded, DAMAGED_INPUT,
                  f"record lost with the rest of the Avro block at byte {block.offset}: its record {decoded + 1} of "
                  f"{block.num_records} cannot be decoded ({_cause(failure[0])}); the next block was read")
    yield reader.take()


def _cause(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:100]}"


def _lose(reader: _BlockReader, count: int, error_type: str, message: str) -> None:
    """Records of a block that could not be decoded: one dropped record each when their count is
    plausible, else one "file" row (the block's header may be as damaged as its data)."""
    if 0 < count <= MAX_LOST_RECORDS:
        reader.add_lost(count, error_type, message)
    else:
        reader.add_problem(Problem(error_type, f"{message} (the block's record count, {count}, cannot be trusted: "
                                   "its records are not counted)", "file", False))


def _decoded_records(block, failure: list[Exception]) -> Iterator[dict]:
    """The records of an Avro block until one cannot be decoded; its exception is appended to `failure`."""
    records = iter(block)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 (fastavro raises whatever the bytes make its decoders raise)
            failure.append(exc)
            return
        yield record


def _unreadable_block(source: EventInput, offset: int, exc: Exception, reader: _BlockReader) -> None:
    """Reports the block at `offset` that fastavro could not read: its records lost, or the rest of the file."""
    block = avro_block_at(source.path, offset, source.size)
    cause = _cause(exc)
    left = source.size - offset
    if block is None:
        kind = TRUNCATED_INPUT if left < AVRO_BLOCK_HEADER_BYTES else DAMAGED_INPUT
        reader.add_problem(Problem(kind, f"the Avro block at byte {offset} has no readable header ({cause}); "
                                   f"the records before it were kept, the last {left:,} bytes were not read",
                                   "file", False))
        return
    count, size, cut = block
    if cut and 0 < count <= MAX_LOST_RECORDS:
        reader.add_lost(count, TRUNCATED_INPUT, f"record lost with the {count} records of the Avro block at byte "
                        f"{offset}: the file ends {left:,} bytes into the block ({size:,} bytes of data; cut short?); "
                        "the records of the complete blocks before it were kept")
        return
    kind = TRUNCATED_INPUT if cut else DAMAGED_INPUT
    reader.add_problem(Problem(kind, f"the Avro block at byte {offset}, declaring {count} records in {size:,} bytes, "
                               f"is unreadable ({cause}); the records before it were kept, the last {left:,} bytes "
                               "were not read", "file", False))


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

    def add_lost(self, count: int, error_type: str, message: str) -> None:
        """The next `count` records, lost (their bytes could not be decoded): each a dropped record."""
        for _ in range(count):
            self.number += 1
            self.block.problems.append((self.number, Problem(error_type, message, "event", True)))
        self.block.records += count

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
                        INVALID_UTF8, "the line is not valid UTF-8; it was skipped", "line", True,
                        excerpt=excerpt_of(line))))
            return
        self._convert(text.split("\n"), self._add)

    def _convert(self, records: Iterable, add: Callable) -> None:
        # The loop of the whole job: everything it touches is a local.
        block = self.block
        revisions, events, problems, revision_records = block.revisions, block.events, block.problems, \
            block.revision_records
        number, count, written, filtered = self.number, 0, 0, 0
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
                    written += 1
                elif len(events) > had_events:
                    written += 1
                else:
                    filtered += 1
        finally:  # Avro data can end in error part-way: keep the count of what was read
            self.number = number
            block.records += count
            block.written += written
            block.filtered += filtered


def _add_json_line(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    # orjson decodes a line in about half the json module's time, and what it decodes the json module
    # decodes alike, but for integers beyond 64 bits, which orjson makes floats (no field accepts either).
    # A line orjson refuses (NaN, a lone surrogate, nesting over 1,024 levels, ...) or that gives a
    # problem goes to the json module, which passes some of the former and words the errors rows (a
    # problem quotes values): either way a line gives what the json module makes of it.
    try:
        record = orjson_loads(line)
    except OrjsonDecodeError:
        return _add_json_line_by_json_module(line, revisions, events)
    if add_event(record, revisions, events) is not None:  # it appended nothing
        return _add_json_line_by_json_module(line, revisions, events)
    return None


def _add_json_line_by_json_module(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's stack
        reason = exc if isinstance(exc, ValueError) else "nested too deep"
        return Problem(MALFORMED_LINE, f"not JSON ({reason}); the line was skipped", "line", True,
                       excerpt=excerpt_of(line))
    problem = add_event(record, revisions, events)
    if problem is not None:
        problem.excerpt = excerpt_of(line)  # the line as written, rather than the decoded record
    return problem


def _add_history_line(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    return add_history_line(line.rstrip("\r"), revisions, events)
