"""EventStreams and EventGate records into `revisions` and `events` rows, from JSON lines or Avro files.

Three event schemas are understood, whether a record comes from a JSON line or an Avro file (Avro
records have the JSON shape; `$schema` is spelled `_schema` there, as Avro names cannot hold `$`):
- `mediawiki.recentchange` (`/mediawiki/recentchange/1.*`): edit and new become revisions (no page id,
  user id or sha1: those stay null); log events of the newusers, rights, renameuser, block, move,
  delete and merge types become page and user events;
- revision-create (`/mediawiki/revision/create/*`): revisions;
- `mediawiki.page_change.v1` (`/mediawiki/page/change/*`): create, edit and move give a revision (a move
  saves a null revision); create, move, delete and undelete also give a page event.
MediaWiki history TSV lines are converted by history_tsv.py into the same shapes, declared here.

Readers call `add_event(record, revisions, events)` (and history_tsv's `add_history_line`), which append
what a record gives (a revision as a tuple of `REVISION_FIELDS` values, an event as a row dict) and
return a Problem when it gives nothing usable. They run once per record of dumps holding billions, so
they test fields with plain lookups and type checks, in the order the reasons for rejecting a record
are reported. Records of a known schema that carry nothing for our datasets (categorize, patrol,
visibility changes, ...) append nothing and return None: they are filtered, counted but not errors.
`convert_event` gives the same for one record as `Converted` (revision rows as dicts).

Every field a converter reads is checked for type and range before it is used, so that a record either
gives rows every dataset can hold or is dropped: ids and sizes are integers 0 to 2^63-1; namespaces
integers within int32; titles non-empty strings; wiki names letters, digits, `_` and `-` (they name
output folders); timestamps ISO 8601 strings, epoch numbers or datetimes (Avro's logical type) within
the years 1-9999; flags booleans; texts (comments, user names, sha1s, content models) strings; group
lists lists of strings; nested parts (page, revision, editor, ...) objects. Optional fields may be
absent or null, and an empty list stands for an empty object (PHP writes one so); `log_params`, which
MediaWiki writes as a list for some log types, counts as empty when it is not an object. A record with
a field of the wrong type or out of range is dropped whole (`missing-field`, with the field, its value
and what it should be; record_kind "event"; counted in `records-dropped`): an event is one fact, and
leaving one of its values out would make the rest say something else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from transforms.common.naming import TEMPORARY_ACCOUNT
from transforms.common.problems import Problem, excerpt_of, shown
from transforms.common.timestamps import parse_timestamp

RECENTCHANGE = "recentchange"
REVISION_CREATE = "revision-create"
PAGE_CHANGE = "page_change"

# How the event schemas name themselves: `$schema` URI prefixes, then `meta.stream` names.
SCHEMA_PREFIXES = (("/mediawiki/recentchange/", RECENTCHANGE), ("/mediawiki/revision/create/", REVISION_CREATE),
                   ("/mediawiki/page/change/", PAGE_CHANGE))
STREAMS = {"mediawiki.recentchange": RECENTCHANGE, "mediawiki.revision-create": REVISION_CREATE,
           "mediawiki.page_change.v1": PAGE_CHANGE}

# Error types of the rows this module writes.
MALFORMED_EVENT = "malformed-event"
UNKNOWN_SCHEMA = "unknown-schema"
MISSING_FIELD = "missing-field"  # a field absent, or of the wrong type or range

INT64_MAX = 2**63 - 1
INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
# Epoch seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the timestamps a dataset's column can
# give back as Python datetimes (what pyarrow's to_pylist and pandas' object conversion build).
FIRST_SECOND, LAST_SECOND = -62_135_596_800, 253_402_300_799
# A wiki name becomes a partition folder (`wiki_db=<name>`): nothing that could leave or split a path.
WIKI_DB = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,99}")

# MediaWiki's IP test, simplified to what an edit's user text can be: dotted IPv4 or hex-and-colons IPv6.
IP_ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})$")

# What a revision gives, in this order: the file columns of `revisions` that do not need the page's
# other revisions, its wiki, and the parent's size as the event states it (for the byte diff).
REVISION_FIELDS = (
    "wiki_db", "page_id", "page_namespace", "page_title", "revision_id", "revision_parent_id",
    "revision_timestamp", "user_id", "user_text", "user_is_anonymous", "user_is_temporary", "user_is_deleted",
    "user_groups", "revision_minor_edit", "revision_comment", "revision_comment_is_deleted",
    "revision_text_bytes", "revision_text_sha1", "revision_text_is_deleted", "revision_content_model",
    "revision_content_format", "revision_is_redirect", "parent_text_bytes",
)


@dataclass
class Converted:
    """What one record gives: rows keyed by their wiki, or the reason it gave none."""

    revisions: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    page_events: list[dict] = field(default_factory=list)
    problem: Problem | None = None
    filtered: bool = False


class MissingField(Exception):
    """A field the record needs is absent, or a field it reads is of the wrong type or out of range."""


def bad_field(name: str, value, expected: str) -> MissingField:
    """The MissingField of a field that is absent (None) or not what `expected` says."""
    if value is None:
        return MissingField(f"{name} is missing")
    return MissingField(f"{name} is {shown(value)}, not {expected}")


def known_id(value) -> int | None:
    """A revision id for an errors row: the value when it is one, else None."""
    return value if type(value) is int and 0 < value <= INT64_MAX else None


def record_problem(error_type: str, message: str, record, revision_id=None) -> Problem:
    """An unusable event record: dropped, with the start of the record as its excerpt."""
    return Problem(error_type, message, "event", True, revision_id=known_id(revision_id),
                   excerpt=excerpt_of(record if isinstance(record, (str, bytes)) else shown(record)))


def converted_of(problem: Problem | None, revisions: list[tuple], events: list[dict]) -> Converted:
    """What an `add_*` function appended (or the problem it returned), as one record's `Converted`."""
    if problem is not None:
        return Converted(problem=problem)
    rows = [dict(zip(REVISION_FIELDS, values)) for values in revisions]
    pages = [page for page in map(split_page_event, events) if page is not None]
    return Converted(rows, events, pages, filtered=not rows and not events)


_SCHEMA_OF_URI: dict[str, str | None] = {}


def event_schema(record: dict) -> str | None:
    """Which of the known event schemas a record is (None when unknown)."""
    uri = record.get("$schema") or record.get("_schema")
    if isinstance(uri, str):
        schema = _SCHEMA_OF_URI.get(uri, "")
        if schema == "":
            schema = next((name for prefix, name in SCHEMA_PREFIXES if uri.startswith(prefix)), None)
            if len(_SCHEMA_OF_URI) < 1_000:  # a stream names a handful of schema versions
                _SCHEMA_OF_URI[uri] = schema
        return schema
    meta = record.get("meta")
    if isinstance(meta, dict):
        stream = meta.get("stream")
        return STREAMS.get(stream) if isinstance(stream, str) else None
    return None


def schema_name(record: dict):
    """What a record gives as its schema (`$schema`, `_schema` or `meta.stream`), known or not; None if nothing."""
    uri = record.get("$schema") or record.get("_schema")
    if uri is None:
        meta = record.get("meta")
        uri = meta.get("stream") if type(meta) is dict else None
    return uri


def add_event(record, revisions: list[tuple], events: list[dict]) -> Problem | None:
    """Appends the rows of one EventStreams / EventGate event (a decoded JSON object or Avro record).

    Returns:
        The Problem when the record is unusable (nothing is appended then), else None.
    """
    if type(record) is not dict:
        return record_problem(MALFORMED_EVENT, f"the record is {shown(record)}, not an object", record)
    schema = event_schema(record)
    if schema is None:
        return record_problem(UNKNOWN_SCHEMA, f"event schema {shown(schema_name(record))} is not one of recentchange, "
                              "revision-create, page_change; the event was skipped", record)
    try:
        if schema == PAGE_CHANGE:
            revision, event = _from_page_change(record)
        elif schema == REVISION_CREATE:
            revision, event = _from_revision_create(record), None
        else:
            revision, event = _from_recentchange(record)
    # Only MissingField is expected: another would be a check this module lacks, and still drops the record.
    except (MissingField, KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        revision = record.get("revision")
        rev_id = record.get("rev_id") or (revision.get("rev_id") if type(revision) is dict else None)
        return record_problem(MISSING_FIELD, f"{schema} event lacks a required field or has a bad value ({exc})",
                              record, rev_id)
    if revision is not None:
        revisions.append(revision)
    if event is not None:
        events.append(event)
    return None


def convert_event(record) -> Converted:
    """Rows for one EventStreams / EventGate event (a decoded JSON object or Avro record)."""
    revisions, events = [], []
    return converted_of(add_event(record, revisions, events), revisions, events)


# ---------------------------------------------------------------------------------------------------
# Field helpers: each returns the field's value when it is of the declared type and range, and raises
# MissingField (naming the field and its value) when it is not. `name` is the field as the schema spells it.


def need_id(value, name: str) -> int:
    """An id or a size: an integer from 0 to 2^63-1 (int64, as every id and size column)."""
    if type(value) is not int or not 0 <= value <= INT64_MAX:
        raise bad_field(name, value, "an integer from 0 to 2^63-1")
    return value


def optional_id(value, name: str) -> int | None:
    return None if value is None else need_id(value, name)


def need_namespace(value, name: str) -> int:
    if type(value) is not int or not INT32_MIN <= value <= INT32_MAX:
        raise bad_field(name, value, "an integer namespace (int32)")
    return value


def optional_namespace(value, name: str) -> int | None:
    return None if value is None else need_namespace(value, name)


def need_title(value, name: str) -> str:
    if type(value) is not str or not value:
        raise bad_field(name, value, "a non-empty string")
    return value


def optional_text(value, name: str) -> str | None:
    if value is None or type(value) is str:
        return value
    raise bad_field(name, value, "a string")


def optional_flag(value, name: str, default: bool | None) -> bool | None:
    if value is None:
        return default
    if type(value) is not bool:
        raise bad_field(name, value, "true or false")
    return value


def optional_object(value, name: str) -> dict:
    """A nested object; {} when absent, null or an empty list (PHP's empty object)."""
    if type(value) is dict:
        return value
    if value is None or (type(value) is list and not value):
        return {}
    raise bad_field(name, value, "an object")


def optional_texts(value, name: str) -> list[str] | None:
    """A list of strings (groups, flags), None when absent."""
    if value is None:
        return None
    if type(value) is not list or not all(type(item) is str for item in value):
        raise bad_field(name, value, "a list of strings")
    return value


_WIKIS: set[str] = set()  # wiki names already checked: a stream names a handful


def wiki_of(value, name: str) -> str:
    """A wiki database name (enwiki, commonswiki, ...)."""
    if type(value) is str and value in _WIKIS:
        return value
    if type(value) is not str or WIKI_DB.fullmatch(value) is None:
        raise bad_field(name, value, "a wiki database name (letters, digits, _ and -)")
    if len(_WIKIS) < 10_000:
        _WIKIS.add(value)
    return value


def _wiki(record: dict, key: str) -> str:
    return wiki_of(record.get(key), key)


def timestamp_of(value, name: str = "timestamp") -> int:
    """Epoch seconds from an ISO 8601 string (`2024-10-04T15:09:55Z`, fractions and offsets allowed), a
    number of seconds, or a datetime (naive ones are UTC), within the years 1-9999."""
    kind = type(value)
    if kind is str:
        text = value.strip()
        try:
            if len(text) == 20 and text.endswith("Z"):
                seconds = parse_timestamp(text)
            else:
                seconds = _seconds(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except (ValueError, OverflowError):  # OverflowError: an offset pushing year 1 or 9999 out
            raise bad_field(name, value, "an ISO 8601 timestamp") from None
    elif kind is int or kind is float:
        # Compared before int(): NaN and infinities fail here rather than in int().
        if not FIRST_SECOND <= value < LAST_SECOND + 1:
            raise bad_field(name, value, "a time between the years 1 and 9999")
        seconds = int(value)
    elif isinstance(value, datetime):
        seconds = _seconds(value)
    else:
        raise bad_field(name, value, "a timestamp")
    if not FIRST_SECOND <= seconds <= LAST_SECOND:
        raise bad_field(name, value, "a time between the years 1 and 9999")
    return seconds


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # Arithmetic rather than .timestamp(), which fails for moments near year 1 on some platforms.
    return int((moment - EPOCH).total_seconds())


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def strip_namespace(title: str, namespace: int | None) -> str:
    """`User talk:Foo bar` -> `Foo_bar` for a non-main namespace; titles as mediawiki_history writes them."""
    if namespace and ":" in title:
        title = title.split(":", 1)[1]
    return title.replace(" ", "_")


def is_ip(user_text: str | None) -> bool:
    return bool(user_text) and IP_ADDRESS.match(user_text) is not None


def is_temporary(user_text: str | None, anonymous: bool) -> bool:
    """Whether a registered editor's name is a temporary account's (`~YYYY-...`)."""
    return bool(user_text) and not anonymous and TEMPORARY_ACCOUNT.match(user_text) is not None


def event_row(wiki_db: str, entity: str, event_type: str, timestamp: int, **values) -> dict:
    """An `events` row (with its wiki) holding `values`, every other column null."""
    row = {"wiki_db": wiki_db, "event_entity": entity, "event_type": event_type, "event_timestamp": timestamp,
           "event_comment": None, "event_user_id": None, "event_user_text": None, "page_id": None,
           "page_namespace": None, "page_title": None, "page_namespace_before": None, "page_title_before": None,
           "user_id": None, "user_text": None, "user_text_before": None, "user_groups": None,
           "user_groups_before": None, "user_blocks": None}
    row.update(values)
    return row


# A `page_events` row: its `events` row's columns, and the performer's edit count and redirect state at the event.
PAGE_EVENT_ONLY = ("event_user_revision_count", "page_is_redirect")
PAGE_EVENT_SHARED = ("wiki_db", "page_id", "event_type", "event_timestamp", "event_user_id", "event_user_text",
                     "page_namespace", "page_title", "page_namespace_before", "page_title_before", "event_comment")


def page_event_row(wiki_db: str, event_type: str, timestamp: int, *, revision_count: int | None = None,
                   is_redirect: bool | None = None, **values) -> dict:
    """An `events` row of a page event, carrying the PAGE_EVENT_ONLY values until `split_page_event`."""
    return {**event_row(wiki_db, "page", event_type, timestamp, **values),
            "event_user_revision_count": revision_count, "page_is_redirect": is_redirect}


def split_page_event(row: dict) -> dict | None:
    """The `page_events` row (with its wiki) of a converted page event (its `events` row loses the PAGE_EVENT_ONLY
    values); None for a user event."""
    if row["event_entity"] != "page":
        return None
    page = {name: row[name] for name in PAGE_EVENT_SHARED}
    page.update((name, row.pop(name, None)) for name in PAGE_EVENT_ONLY)
    return page


def parent_id_of(value, name: str = "rev_parent_id") -> int | None:
    """A parent revision id; 0 and absent mean the page's first revision."""
    return optional_id(value, name) or None


IMPLICIT_GROUPS = frozenset(("*", "user", "autoconfirmed"))
_EXPLICIT_GROUPS: dict[tuple, tuple] = {}


def _groups(groups, name: str) -> list[str] | None:
    """Explicit groups only: MediaWiki lists the implicit `*`, `user` and `autoconfirmed` too."""
    if groups is None:
        return None
    if type(groups) is list:  # a list seen before? Only lists of strings are kept, and only strings equal strings.
        try:
            explicit = _EXPLICIT_GROUPS.get(tuple(groups))
        except TypeError:  # an unhashable item, which optional_texts names
            explicit = None
        if explicit is not None:
            return list(explicit)
    key = tuple(optional_texts(groups, name))  # a list not seen before
    explicit = tuple(sorted(g for g in key if g not in IMPLICIT_GROUPS))
    if len(_EXPLICIT_GROUPS) < 10_000:  # a wiki has a few dozen combinations of groups
        _EXPLICIT_GROUPS[key] = explicit
    return list(explicit)


# ---------------------------------------------------------------------------------------------------
# mediawiki.page_change.v1

PAGE_EVENT_KINDS = {"create": "create", "move": "move", "delete": "delete", "undelete": "restore"}
PAGE_CHANGE_REVISION_KINDS = frozenset(("create", "edit", "move"))


def _from_page_change(record: dict) -> tuple[tuple | None, dict | None]:
    kind = record.get("page_change_kind")
    if type(kind) is not str:
        raise bad_field("page_change_kind", kind, "a string")
    wiki_db = _wiki(record, "wiki_id")
    page = record.get("page")
    if type(page) is not dict:
        raise bad_field("page", page, "an object")
    namespace = need_namespace(page.get("namespace_id"), "namespace_id")
    title = strip_namespace(need_title(page.get("page_title"), "page_title"), namespace)
    page_id = need_id(page.get("page_id"), "page_id")
    revision = _page_change_revision(wiki_db, page_id, namespace, title, record) \
        if kind in PAGE_CHANGE_REVISION_KINDS else None
    event = None if kind not in PAGE_EVENT_KINDS else _page_change_event(wiki_db, kind, page_id, namespace, title,
                                                                         page, record)
    return revision, event


def _page_change_revision(wiki_db: str, page_id: int, namespace: int, title: str, record: dict) -> tuple:
    revision = record.get("revision")
    if type(revision) is not dict:
        raise bad_field("revision", revision, "an object")
    # Absent, a part is visible; null is read as hidden, the cautious reading (and what this reader always did).
    editor_visible = optional_flag(revision.get("is_editor_visible", True), "is_editor_visible", False)
    editor = optional_object(revision.get("editor"), "editor")
    user_id = optional_id(editor.get("user_id"), "user_id")
    user_text = optional_text(editor.get("user_text"), "user_text")
    temporary = optional_flag(editor.get("is_temp"), "is_temp", False)
    groups = _groups(editor.get("groups"), "groups")
    if not editor_visible:
        user_id = user_text = groups = None
    anonymous = editor_visible and user_id is None and bool(user_text)
    comment_visible = optional_flag(revision.get("is_comment_visible", True), "is_comment_visible", False)
    comment = optional_text(revision.get("comment"), "comment")
    slot = optional_object(optional_object(revision.get("content_slots"), "content_slots").get("main"), "main")
    prior = optional_object(optional_object(record.get("prior_state"), "prior_state").get("revision"),
                            "prior_state.revision")
    revision_id = need_id(revision.get("rev_id"), "rev_id")
    parent_id = parent_id_of(revision.get("rev_parent_id"))
    saved = revision.get("rev_dt")
    if saved is None:
        raise bad_field("rev_dt", saved, "a timestamp")
    return (
        wiki_db, page_id, namespace, title, revision_id, parent_id, timestamp_of(saved, "rev_dt"), user_id, user_text,
        anonymous, temporary if editor_visible and not anonymous else False, not editor_visible, groups,
        optional_flag(revision.get("is_minor_edit"), "is_minor_edit", False),
        (comment or "") if comment_visible else None, not comment_visible,
        optional_id(revision.get("rev_size"), "rev_size"), optional_text(revision.get("rev_sha1"), "rev_sha1"),
        not optional_flag(revision.get("is_content_visible", True), "is_content_visible", False),
        optional_text(slot.get("content_model"), "content_model"),
        optional_text(slot.get("content_format"), "content_format"),
        optional_flag(record["page"].get("is_redirect"), "page.is_redirect", None),  # the page after the change
        optional_id(prior.get("rev_size"), "prior_state.revision.rev_size"),
    )


def _page_change_event(wiki_db: str, kind: str, page_id: int, namespace: int, title: str, page: dict, record: dict
                       ) -> dict:
    performer = optional_object(record.get("performer"), "performer")
    extra = {}
    if kind == "move":
        before = optional_object(optional_object(record.get("prior_state"), "prior_state").get("page"),
                                 "prior_state.page")
        before_ns = optional_namespace(before.get("namespace_id"), "prior_state.page.namespace_id")
        before_title = optional_text(before.get("page_title"), "prior_state.page.page_title")
        extra = {"page_namespace_before": before_ns,
                 "page_title_before": strip_namespace(before_title, before_ns) if before_title else None}
    comment = optional_text(record.get("comment"), "comment")
    if comment is None and kind in ("create", "move"):
        comment = optional_text(optional_object(record.get("revision"), "revision").get("comment"), "comment")
    changed = record.get("dt")
    if changed is None:
        raise bad_field("dt", changed, "a timestamp")
    return page_event_row(
        wiki_db, PAGE_EVENT_KINDS[kind], timestamp_of(changed, "dt"), event_comment=comment,
        event_user_id=optional_id(performer.get("user_id"), "performer.user_id"),
        event_user_text=optional_text(performer.get("user_text"), "performer.user_text"), page_id=page_id,
        page_namespace=namespace, page_title=title,
        revision_count=optional_id(performer.get("edit_count"), "performer.edit_count"),
        is_redirect=optional_flag(page.get("is_redirect"), "page.is_redirect", None), **extra)


# ---------------------------------------------------------------------------------------------------
# revision-create


def _from_revision_create(record: dict) -> tuple:
    wiki_db = _wiki(record, "database")
    namespace = need_namespace(record.get("page_namespace"), "page_namespace")
    performer = optional_object(record.get("performer"), "performer")
    user_id = optional_id(performer.get("user_id"), "user_id")
    user_text = optional_text(performer.get("user_text"), "user_text")
    anonymous = user_id is None and bool(user_text)
    visibility = optional_object(record.get("visibility"), "visibility")
    user_hidden = optional_flag(visibility.get("user"), "visibility.user", True) is False
    comment_hidden = optional_flag(visibility.get("comment"), "visibility.comment", True) is False
    text_hidden = optional_flag(visibility.get("text"), "visibility.text", True) is False
    page_id = need_id(record.get("page_id"), "page_id")
    title = need_title(record.get("page_title"), "page_title")
    revision_id = need_id(record.get("rev_id"), "rev_id")
    parent_id = parent_id_of(record.get("rev_parent_id"))
    saved = record.get("rev_timestamp")
    if saved is None:
        raise bad_field("rev_timestamp", saved, "a timestamp")
    comment = optional_text(record.get("comment", ""), "comment")
    return (
        wiki_db, page_id, namespace, strip_namespace(title, namespace), revision_id, parent_id,
        timestamp_of(saved, "rev_timestamp"), user_id, user_text, anonymous, is_temporary(user_text, anonymous),
        user_hidden, _groups(performer.get("user_groups"), "user_groups"),
        optional_flag(record.get("rev_minor_edit"), "rev_minor_edit", False),
        None if comment_hidden else comment, comment_hidden, optional_id(record.get("rev_len"), "rev_len"),
        optional_text(record.get("rev_sha1"), "rev_sha1"), text_hidden,
        optional_text(record.get("rev_content_model"), "rev_content_model"),
        optional_text(record.get("rev_content_format"), "rev_content_format"),
        optional_flag(record.get("page_is_redirect"), "page_is_redirect", None), None,
    )


# ---------------------------------------------------------------------------------------------------
# mediawiki.recentchange

USER_LOGS = {("newusers", a): "create" for a in ("create", "create2", "autocreate", "byemail", "newusers")}
USER_LOGS.update({("rights", "rights"): "altergroups", ("rights", "autopromote"): "altergroups",
                  ("renameuser", "renameuser"): "rename", ("block", "block"): "alterblocks",
                  ("block", "reblock"): "alterblocks", ("block", "unblock"): "alterblocks"})
PAGE_LOGS = {("move", "move"): "move", ("move", "move_redir"): "move", ("delete", "delete"): "delete",
             ("delete", "restore"): "restore", ("merge", "merge"): "merge"}


def _from_recentchange(record: dict) -> tuple[tuple | None, dict | None]:
    change_type = record.get("type")
    if type(change_type) is not str:
        raise bad_field("type", change_type, "a string")
    if change_type in ("edit", "new"):
        return _recentchange_revision(record), None
    if change_type == "log":
        return None, _recentchange_log(record)
    return None, None  # categorize, external


def _recentchange_revision(record: dict) -> tuple:
    wiki_db = _wiki(record, "wiki")
    namespace = need_namespace(record.get("namespace"), "namespace")
    revision = record.get("revision")
    if type(revision) is not dict:
        raise bad_field("revision", revision, "an object")
    length = optional_object(record.get("length"), "length")
    user_text = optional_text(record.get("user"), "user")
    anonymous = is_ip(user_text)
    title = strip_namespace(need_title(record.get("title"), "title"), namespace)
    revision_id = need_id(revision.get("new"), "revision.new")
    parent_id = parent_id_of(revision.get("old"), "revision.old")
    saved = record.get("timestamp")
    if saved is None:
        raise bad_field("timestamp", saved, "a timestamp")
    return (  # recentchange gives no page id, user id, sha1, content model or format, nor redirect state
        wiki_db, None, namespace, title, revision_id, parent_id, timestamp_of(saved), None, user_text, anonymous,
        is_temporary(user_text, anonymous), False, None, optional_flag(record.get("minor"), "minor", False),
        optional_text(record.get("comment"), "comment") or "", False, optional_id(length.get("new"), "length.new"),
        None, False, None, None, None, optional_id(length.get("old"), "length.old"),
    )


def _recentchange_log(record: dict) -> dict | None:
    log_type, log_action = record.get("log_type"), record.get("log_action")
    if type(log_type) is not str or type(log_action) is not str:
        raise bad_field("log_type/log_action", (log_type, log_action), "two strings")
    key = (log_type, log_action)
    if key not in USER_LOGS and key not in PAGE_LOGS:
        return None
    wiki_db = _wiki(record, "wiki")
    saved = record.get("timestamp")
    if saved is None:
        raise bad_field("timestamp", saved, "a timestamp")
    timestamp = timestamp_of(saved)
    namespace = optional_namespace(record.get("namespace"), "namespace")
    title = need_title(record.get("title"), "title")
    params = record.get("log_params")
    params = params if type(params) is dict else {}
    common = {"event_comment": optional_text(record.get("comment"), "comment"),
              "event_user_text": optional_text(record.get("user"), "user")}
    if key in PAGE_LOGS:
        event_type = PAGE_LOGS[key]
        if event_type == "move":
            target = optional_text(params.get("target"), "log_params.target")
            # The new namespace is not in the event; the target keeps its prefix when it has one.
            return page_event_row(wiki_db, "move", timestamp, page_title=(target or "").replace(" ", "_") or None,
                                  page_namespace_before=namespace, page_title_before=strip_namespace(title, namespace),
                                  **common)
        return page_event_row(wiki_db, event_type, timestamp, page_namespace=namespace,
                              page_title=strip_namespace(title, namespace), **common)
    event_type = USER_LOGS[key]
    user_text = strip_namespace(title, namespace if namespace is not None else 2).replace("_", " ")
    values = {"user_text": user_text}
    if event_type == "create":
        values["user_id"] = optional_id(params.get("userid"), "log_params.userid")
        values["user_groups"] = []
    elif event_type == "altergroups":
        values["user_groups"] = sorted(optional_texts(params.get("newgroups"), "log_params.newgroups") or [])
        values["user_groups_before"] = sorted(optional_texts(params.get("oldgroups"), "log_params.oldgroups") or [])
    elif event_type == "rename":
        values["user_text_before"] = optional_text(params.get("olduser"), "log_params.olduser") or user_text
        values["user_text"] = optional_text(params.get("newuser"), "log_params.newuser") or user_text
    else:
        flags = params.get("flags")
        flags = flags.split(",") if type(flags) is str else optional_texts(flags, "log_params.flags") or []
        values["user_blocks"] = [] if log_action == "unblock" else sorted(f for f in flags if f)
    return event_row(wiki_db, "user", event_type, timestamp, **common, **values)
