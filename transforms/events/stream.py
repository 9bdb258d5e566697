"""Live EventStreams events (server-sent events) read one at a time: the SSE wire format, what an event
says about itself (stream, event time, ingestion time, id) and the user's filters.

Plain functions over bytes and decoded JSON, without Beam: `wikidumps stream` (runners/cli/stream.py)
runs them on every event of a subscription, at up to thousands of events a second, so fields are read
with plain lookups. The field checks are records.py's, so that an event the stream keeps is judged by
the same rules as the one `run events` reads later.

Three times matter (Wikimedia task T409105): `dt` is when the change happened (the event time, which
names the hourly file); `meta.dt` is when the event platform took the event in (the ingestion time,
which moves the files' clock: an hour is complete once ingestion has passed its end by a grace period);
and now, for the lag the status line shows. `dt` can lag `meta.dt` by minutes or more (a page deletion
is announced when the job that deletes its revisions runs), so an event may arrive after its hour was
published: it goes to a further file of that hour, never into a published one.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

try:  # a third of the stream's CPU went to the json module's decoder (docs/performance.md, "Live events")
    from orjson import loads as decode_json
except ImportError:  # the reader install (pyarrow only): the same events, decoded more slowly
    from json import loads as decode_json

from transforms.common.naming import TEMPORARY_ACCOUNT
from transforms.defaults import STREAM_NEWCOMER_EDITS
from transforms.events.records import (
    PAGE_CHANGE,
    RECENTCHANGE,
    REVISION_CREATE,
    MissingField,
    bad_field,
    event_schema,
    is_ip,
    optional_id,
    optional_namespace,
    optional_object,
    optional_texts,
    timestamp_of,
    wiki_of,
)

# Change kinds and performer kinds a filter may name.
CHANGE_KINDS = ("create", "edit", "delete", "undelete", "move", "visibility")
PERFORMER_KINDS = ("bot", "temporary", "anonymous", "newcomer", "established", "unknown")
NEWCOMER_EDITS = STREAM_NEWCOMER_EDITS  # fewer edits than this: a newcomer

# A stream name becomes a folder; EventStreams names are dotted words (mediawiki.page_change.v1).
STREAM_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")

# Error types of the errors rows the stream writes (records.py's where they mean the same).
MALFORMED_EVENT = "malformed-event"
MISSING_FIELD = "missing-field"
OVERLONG_LINE = "overlong-line"

PAGE_CHANGE_KINDS = {"create": "create", "edit": "edit", "delete": "delete", "undelete": "undelete",
                     "move": "move", "visibility_change": "visibility"}
RECENTCHANGE_KINDS = {"new": "create", "edit": "edit"}
RECENTCHANGE_LOG_KINDS = {("delete", "delete"): "delete", ("suppress", "delete"): "delete",
                          ("delete", "restore"): "undelete", ("move", "move"): "move",
                          ("move", "move_redir"): "move", ("delete", "revision"): "visibility",
                          ("delete", "event"): "visibility", ("suppress", "revision"): "visibility",
                          ("suppress", "event"): "visibility"}


# ---------------------------------------------------------------------------------------------------
# The SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html)


class SseParser:
    """Turns the bytes of a text/event-stream, in chunks cut anywhere, into (id, data) events.

    `last_id` is the stream's last event id as the specification keeps it: set by an `id:` field,
    carried over to later events that have none. A line longer than `max_line` bytes is skipped to its
    end (memory stays bounded whatever a server sends) and reported as an event with data None.
    """

    def __init__(self, max_line: int = 16 * 2**20):
        self.max_line = max_line
        self.last_id: str | None = None
        self._carry = b""
        self._skipping = False
        self._data: list[bytes] = []
        self._overlong = False

    def feed(self, chunk: bytes) -> list[tuple[str | None, bytes | None]]:
        """The events complete once `chunk` is added: (last id, data bytes, or None for an overlong line).

        Lines end in LF or CRLF (EventStreams sends LF; a lone CR, which the specification also allows, is
        not recognised). The fields are told apart by their first byte: this runs for every line of a
        stream of thousands of events a second."""
        events = []
        if self._carry:
            chunk = self._carry + chunk
        if b"\r" in chunk:  # after joining the carry: a CRLF cut between two chunks is whole here
            chunk = chunk.replace(b"\r\n", b"\n")
        lines = chunk.split(b"\n")
        self._carry = lines.pop()
        if self._skipping and lines:  # the overlong line ends in this chunk
            lines.pop(0)
            self._skipping = False
        if len(self._carry) > self.max_line:
            self._carry, self._skipping, self._overlong = b"", True, True
        data = self._data
        max_line = self.max_line
        for line in lines:
            if not line:  # a blank line dispatches the event
                if data or self._overlong:
                    events.append((self.last_id, None if self._overlong else b"\n".join(data)))
                    data.clear()
                    self._overlong = False
            elif len(line) > max_line:
                self._overlong = True
            elif line[0] == 100 and line.startswith(b"data:"):  # d
                data.append(line[6:] if line[5] == 32 else line[5:])
            elif line[0] == 105 and line.startswith(b"id:"):  # i
                value = (line[4:] if line[3:4] == b" " else line[3:]).decode("utf-8", "replace")
                if "\0" not in value:
                    self.last_id = value
            # `event:`, `retry:` and comments (`:` keep-alives) say nothing the files need
        return events


# ---------------------------------------------------------------------------------------------------
# What an event says about itself


@dataclass
class EventFacts:
    """What the stream needs of one event: where it goes and when it happened."""

    stream: str
    event_time: int  # `dt` (epoch seconds): names the hourly file
    ingested: int  # `meta.dt`, else the event time: moves the clock that closes hours
    key: str  # `meta.id`, else a digest of the line: duplicates share it


def event_facts(record, line: bytes, default_stream: str | None) -> EventFacts:
    """The stream, times and identity of a decoded event, `line` being how it is written (no newline).

    Raises:
        MissingField: the event is not an object, names no usable stream, or has no readable time.
    """
    if type(record) is not dict:
        raise MissingField(f"the event is {type(record).__name__}, not a JSON object")
    meta = optional_object(record.get("meta"), "meta")
    stream = meta.get("stream", default_stream)
    if type(stream) is not str or STREAM_NAME.fullmatch(stream) is None:
        raise bad_field("meta.stream", stream, "a stream name (letters, digits, '.', '_', '-')")
    ingested = meta.get("dt")
    ingested = seconds_of(ingested, "meta.dt") if ingested is not None else None
    happened = record.get("dt")
    if happened is None and event_schema(record) == RECENTCHANGE:
        happened = record.get("timestamp")
    if happened is not None:
        event_time = seconds_of(happened, "dt")
    elif ingested is not None:
        event_time = ingested
    else:
        raise bad_field("dt", None, "a timestamp")
    key = meta.get("id")
    if type(key) is not str or not key:
        key = digest_key(line)
    return EventFacts(stream, event_time, event_time if ingested is None else ingested, key)


_SECONDS: dict[str, int] = {}


def seconds_of(value, name: str) -> int:
    """records.timestamp_of, remembered for strings: a busy stream gives many events the same second."""
    if type(value) is not str:
        return timestamp_of(value, name)
    seconds = _SECONDS.get(value)
    if seconds is None:
        seconds = timestamp_of(value, name)
        if len(_SECONDS) >= 100_000:
            _SECONDS.clear()
        _SECONDS[value] = seconds
    return seconds


def line_key(line: bytes) -> str:
    """The duplicate key of a line written earlier (what `event_facts` gave for it)."""
    try:
        meta = decode_json(line).get("meta")
        key = meta.get("id") if type(meta) is dict else None
    except (ValueError, AttributeError, RecursionError):
        key = None
    return key if type(key) is str and key else digest_key(line)


def digest_key(line: bytes) -> str:
    """The key of a line without `meta.id` (an errors row, an event of a stream that gives none)."""
    return "sha1:" + hashlib.sha1(line).hexdigest()


# ---------------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class EventFilter:
    """Which events to keep; None keeps any value. Sets of wiki names, namespace numbers, CHANGE_KINDS
    and PERFORMER_KINDS."""

    wikis: frozenset | None = None
    namespaces: frozenset | None = None
    kinds: frozenset | None = None
    performers: frozenset | None = None
    newcomer_edits: int = NEWCOMER_EDITS

    @property
    def keeps_everything(self) -> bool:
        return self.wikis is None and self.namespaces is None and self.kinds is None and self.performers is None

    def keeps(self, record: dict) -> bool:
        """Whether the event passes every filter. An event of a schema the filters cannot read (another
        stream) passes only when no filter is set.

        Raises:
            MissingField: a field a filter reads is of the wrong type or out of range.
        """
        if self.keeps_everything:
            return True
        schema = event_schema(record)
        if schema is None:
            return False
        if self.wikis is not None and wiki_of(record.get(WIKI_FIELD[schema]), WIKI_FIELD[schema]) not in self.wikis:
            return False
        if self.namespaces is not None and namespace_of(record, schema) not in self.namespaces:
            return False
        if self.kinds is not None and change_kind(record, schema) not in self.kinds:
            return False
        return self.performers is None or performer_kind(record, schema, self.newcomer_edits) in self.performers


WIKI_FIELD = {PAGE_CHANGE: "wiki_id", REVISION_CREATE: "database", RECENTCHANGE: "wiki"}


def namespace_of(record: dict, schema: str) -> int | None:
    if schema == PAGE_CHANGE:
        return optional_namespace(optional_object(record.get("page"), "page").get("namespace_id"), "namespace_id")
    if schema == REVISION_CREATE:
        return optional_namespace(record.get("page_namespace"), "page_namespace")
    return optional_namespace(record.get("namespace"), "namespace")


def change_kind(record: dict, schema: str) -> str | None:
    """create, edit, delete, undelete, move or visibility; None for any other change (a patrol, a block)."""
    if schema == PAGE_CHANGE:
        return PAGE_CHANGE_KINDS.get(record.get("page_change_kind"))
    if schema == REVISION_CREATE:
        return "edit" if optional_id(record.get("rev_parent_id"), "rev_parent_id") else "create"
    change_type = record.get("type")
    if change_type == "log":
        return RECENTCHANGE_LOG_KINDS.get((record.get("log_type"), record.get("log_action")))
    return RECENTCHANGE_KINDS.get(change_type)


def performer_kind(record: dict, schema: str, newcomer_edits: int = NEWCOMER_EDITS) -> str:
    """One of PERFORMER_KINDS, tested in that order: bot (flag or group), temporary account, anonymous
    (an IP), newcomer (fewer than `newcomer_edits` edits), established; unknown when the event names no
    performer. recentchange events carry no edit count: their registered editors count as established."""
    if schema == RECENTCHANGE:
        user = record.get("user")
        if type(user) is not str or not user:
            return "unknown"
        bot = record.get("bot")
        if bot is not None and type(bot) is not bool:
            raise bad_field("bot", bot, "true or false")
        return "bot" if bot else _kind(False, user, user if is_ip(user) else None, None, newcomer_edits)
    if schema == PAGE_CHANGE:
        performer = optional_object(record.get("performer"), "performer") or optional_object(
            optional_object(record.get("revision"), "revision").get("editor"), "revision.editor")
        if not performer:
            return "unknown"
        bot = performer.get("is_bot") is True or "bot" in (optional_texts(performer.get("groups"), "groups") or ())
        temporary = performer.get("is_temp") is True
        user_id, user = performer.get("user_id"), performer.get("user_text")
        count = performer.get("edit_count")
    else:
        performer = optional_object(record.get("performer"), "performer")
        if not performer:
            return "unknown"
        bot = performer.get("user_is_bot") is True or "bot" in (
            optional_texts(performer.get("user_groups"), "user_groups") or ())
        user_id, user = performer.get("user_id"), performer.get("user_text")
        temporary = type(user) is str and TEMPORARY_ACCOUNT.match(user) is not None
        count = performer.get("user_edit_count")
    if bot:
        return "bot"
    optional_id(user_id, "user_id")
    return _kind(temporary, user, None if user_id else user, optional_id(count, "edit_count"), newcomer_edits)


def _kind(temporary: bool, user, ip, edit_count: int | None, newcomer_edits: int) -> str:
    if temporary or (type(user) is str and TEMPORARY_ACCOUNT.match(user)):
        return "temporary"
    if ip is not None and is_ip(ip):
        return "anonymous"
    if edit_count is not None and edit_count < newcomer_edits:
        return "newcomer"
    return "established" if user else "unknown"
