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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.common.naming import TEMPORARY_ACCOUNT
from transforms.common.problems import Problem, excerpt_of
from transforms.common.timestamps import parse_timestamp

RECENTCHANGE = "recentchange"
REVISION_CREATE = "revision-create"
PAGE_CHANGE = "page_change"

# How the event schemas name themselves: `$schema` URI prefixes, then `meta.stream` names.
SCHEMA_PREFIXES = (
    ("/mediawiki/recentchange/", RECENTCHANGE),
    ("/mediawiki/revision/create/", REVISION_CREATE),
    ("/mediawiki/page/change/", PAGE_CHANGE),
)
STREAMS = {
    "mediawiki.recentchange": RECENTCHANGE,
    "mediawiki.revision-create": REVISION_CREATE,
    "mediawiki.page_change.v1": PAGE_CHANGE,
}

# MediaWiki's IP test, simplified to what an edit's user text can be: dotted IPv4 or hex-and-colons IPv6.
IP_ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})$")

# What a revision gives, in this order: the file columns of `revisions` that do not need the page's
# other revisions, its wiki, and the parent's size as the event states it (for the byte diff).
REVISION_FIELDS = (
    "wiki_db", "page_id", "page_namespace", "page_title", "revision_id", "revision_parent_id",
    "revision_timestamp", "user_id", "user_text", "user_is_anonymous", "user_is_temporary", "user_is_deleted",
    "user_groups", "revision_minor_edit", "revision_comment", "revision_comment_is_deleted",
    "revision_text_bytes", "revision_text_sha1", "revision_text_is_deleted", "revision_content_model",
    "revision_content_format", "parent_text_bytes",
)


@dataclass
class Converted:
    """What one record gives: rows keyed by their wiki, or the reason it gave none."""

    revisions: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    problem: Problem | None = None
    filtered: bool = False


class MissingField(Exception):
    """A field the record needs is absent or of the wrong type."""


def record_problem(error_type: str, message: str, record, revision_id=None) -> Problem:
    """An unusable event record: dropped, with the start of the record as its excerpt."""
    return Problem(error_type, message, "event", True, revision_id=revision_id,
                   excerpt=excerpt_of(record if isinstance(record, (str, bytes)) else repr(record)))


def converted_of(problem: Problem | None, revisions: list[tuple], events: list[dict]) -> Converted:
    """What an `add_*` function appended (or the problem it returned), as one record's `Converted`."""
    if problem is not None:
        return Converted(problem=problem)
    rows = [dict(zip(REVISION_FIELDS, values)) for values in revisions]
    return Converted(rows, events, filtered=not rows and not events)


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


def add_event(record, revisions: list[tuple], events: list[dict]) -> Problem | None:
    """Appends the rows of one EventStreams / EventGate event (a decoded JSON object or Avro record).

    Returns:
        The Problem when the record is unusable (nothing is appended then), else None.
    """
    if not isinstance(record, dict):
        return record_problem("malformed-event", "the line is JSON but not an object", record)
    schema = event_schema(record)
    if schema is None:
        meta = record.get("meta")
        uri = record.get("$schema") or record.get("_schema") or (meta.get("stream") if isinstance(meta, dict) else None)
        return record_problem("unknown-schema", f"event schema {uri!r} is not one of recentchange, revision-create, "
                        "page_change; the event was skipped", record)
    try:
        if schema == PAGE_CHANGE:
            revision, event = _from_page_change(record)
        elif schema == REVISION_CREATE:
            revision, event = _from_revision_create(record), None
        else:
            revision, event = _from_recentchange(record)
    except (MissingField, KeyError, TypeError, ValueError, AttributeError) as exc:
        revision = record.get("revision")
        rev_id = record.get("rev_id") or (revision.get("rev_id") if isinstance(revision, dict) else None)
        return record_problem("missing-field", f"{schema} event lacks a required field or has a bad value ({exc})",
                        record, rev_id if isinstance(rev_id, int) else None)
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
# Field helpers


def timestamp_of(value) -> int:
    """Epoch seconds from an ISO 8601 string (`2024-10-04T15:09:55Z`, fractions and offsets allowed) or a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        raise MissingField("timestamp")
    text = value.strip()
    if len(text) == 20 and text.endswith("Z"):
        return parse_timestamp(text)
    from datetime import datetime, timezone

    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp())


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


def _wiki(record: dict, key: str) -> str:
    value = record.get(key)
    if type(value) is not str or not value:
        raise MissingField(key)
    return value


def event_row(wiki_db: str, entity: str, event_type: str, timestamp: int, **values) -> dict:
    """An `events` row (with its wiki) holding `values`, every other column null."""
    row = {
        "wiki_db": wiki_db, "event_entity": entity, "event_type": event_type, "event_timestamp": timestamp,
        "event_comment": None, "event_user_id": None, "event_user_text": None, "page_id": None,
        "page_namespace": None, "page_title": None, "page_namespace_before": None, "page_title_before": None,
        "user_id": None, "user_text": None, "user_text_before": None, "user_groups": None,
        "user_groups_before": None, "user_blocks": None,
    }
    row.update(values)
    return row


def parent_id_of(value) -> int | None:
    """A parent revision id; 0 and absent mean the page's first revision."""
    return value if type(value) is int and value > 0 else None


IMPLICIT_GROUPS = frozenset(("*", "user", "autoconfirmed"))
_EXPLICIT_GROUPS: dict[tuple, tuple] = {}


def _groups(groups) -> list[str] | None:
    """Explicit groups only: MediaWiki lists the implicit `*`, `user` and `autoconfirmed` too."""
    if groups is None:
        return None
    key = tuple(groups)
    explicit = _EXPLICIT_GROUPS.get(key)
    if explicit is None:  # a wiki has a few dozen combinations of groups
        explicit = tuple(sorted(g for g in key if g not in IMPLICIT_GROUPS))
        if len(_EXPLICIT_GROUPS) < 10_000:
            _EXPLICIT_GROUPS[key] = explicit
    return list(explicit)


# ---------------------------------------------------------------------------------------------------
# mediawiki.page_change.v1

PAGE_EVENT_KINDS = {"create": "create", "move": "move", "delete": "delete", "undelete": "restore"}
PAGE_CHANGE_REVISION_KINDS = frozenset(("create", "edit", "move"))


def _from_page_change(record: dict) -> tuple[tuple | None, dict | None]:
    kind = record.get("page_change_kind")
    if type(kind) is not str:
        raise MissingField("page_change_kind")
    wiki_db = _wiki(record, "wiki_id")
    page = record.get("page")
    if type(page) is not dict:
        raise MissingField("page")
    namespace = page.get("namespace_id")
    if type(namespace) is not int:
        raise MissingField("namespace_id")
    title = page.get("page_title")
    if type(title) is not str:
        raise MissingField("page_title")
    title = strip_namespace(title, namespace)
    page_id = page.get("page_id")
    if type(page_id) is not int:
        raise MissingField("page_id")
    revision = _page_change_revision(wiki_db, page_id, namespace, title, record) \
        if kind in PAGE_CHANGE_REVISION_KINDS else None
    event = _page_change_event(wiki_db, kind, page_id, namespace, title, record) if kind in PAGE_EVENT_KINDS else None
    return revision, event


def _page_change_revision(wiki_db: str, page_id: int, namespace: int, title: str, record: dict) -> tuple:
    revision = record.get("revision")
    if type(revision) is not dict:
        raise MissingField("revision")
    editor_visible = revision.get("is_editor_visible", True)
    editor = revision.get("editor") or {}
    user_id = editor.get("user_id") if editor_visible else None
    user_text = editor.get("user_text") if editor_visible else None
    anonymous = editor_visible and user_id is None and bool(user_text)
    comment_visible = revision.get("is_comment_visible", True)
    slot = ((revision.get("content_slots") or {}).get("main") or {})
    prior = ((record.get("prior_state") or {}).get("revision") or {})
    revision_id = revision.get("rev_id")
    if type(revision_id) is not int:
        raise MissingField("rev_id")
    parent_id = parent_id_of(revision.get("rev_parent_id"))
    saved = revision.get("rev_dt")
    if saved is None:
        raise MissingField("rev_dt")
    return (
        wiki_db, page_id, namespace, title, revision_id, parent_id, timestamp_of(saved), user_id, user_text,
        anonymous, bool(editor.get("is_temp")) if editor_visible and not anonymous else False, not editor_visible,
        _groups(editor.get("groups")) if editor_visible else None, bool(revision.get("is_minor_edit")),
        (revision.get("comment") or "") if comment_visible else None, not comment_visible,
        revision.get("rev_size"), revision.get("rev_sha1"), not revision.get("is_content_visible", True),
        slot.get("content_model"), slot.get("content_format"), prior.get("rev_size"),
    )


def _page_change_event(wiki_db: str, kind: str, page_id: int, namespace: int, title: str, record: dict) -> dict:
    performer = record.get("performer") or {}
    extra = {}
    if kind == "move":
        before = ((record.get("prior_state") or {}).get("page") or {})
        before_ns = before.get("namespace_id")
        extra = {"page_namespace_before": before_ns,
                 "page_title_before": strip_namespace(before["page_title"], before_ns) if before.get("page_title") else None}
    comment = record.get("comment")
    if comment is None and kind in ("create", "move"):
        comment = (record.get("revision") or {}).get("comment")
    changed = record.get("dt")
    if changed is None:
        raise MissingField("dt")
    return event_row(
        wiki_db, "page", PAGE_EVENT_KINDS[kind], timestamp_of(changed), event_comment=comment,
        event_user_id=performer.get("user_id"), event_user_text=performer.get("user_text"), page_id=page_id,
        page_namespace=namespace, page_title=title, **extra)


# ---------------------------------------------------------------------------------------------------
# revision-create


def _from_revision_create(record: dict) -> tuple:
    wiki_db = _wiki(record, "database")
    namespace = record.get("page_namespace")
    if type(namespace) is not int:
        raise MissingField("page_namespace")
    performer = record.get("performer") or {}
    user_id = performer.get("user_id")
    user_text = performer.get("user_text")
    anonymous = user_id is None and bool(user_text)
    visibility = record.get("visibility") or {}
    page_id = record.get("page_id")
    if type(page_id) is not int:
        raise MissingField("page_id")
    title = record.get("page_title")
    if type(title) is not str:
        raise MissingField("page_title")
    revision_id = record.get("rev_id")
    if type(revision_id) is not int:
        raise MissingField("rev_id")
    parent_id = parent_id_of(record.get("rev_parent_id"))
    saved = record.get("rev_timestamp")
    if saved is None:
        raise MissingField("rev_timestamp")
    return (
        wiki_db, page_id, namespace, strip_namespace(title, namespace), revision_id, parent_id, timestamp_of(saved),
        user_id, user_text, anonymous, is_temporary(user_text, anonymous), visibility.get("user") is False,
        _groups(performer.get("user_groups")), bool(record.get("rev_minor_edit")),
        record.get("comment", "") if visibility.get("comment") is not False else None,
        visibility.get("comment") is False, record.get("rev_len"), record.get("rev_sha1"),
        visibility.get("text") is False, record.get("rev_content_model"), record.get("rev_content_format"), None,
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
        raise MissingField("type")
    if change_type in ("edit", "new"):
        return _recentchange_revision(record), None
    if change_type == "log":
        return None, _recentchange_log(record)
    return None, None  # categorize, external


def _recentchange_revision(record: dict) -> tuple:
    wiki_db = _wiki(record, "wiki")
    namespace = record.get("namespace")
    if type(namespace) is not int:
        raise MissingField("namespace")
    revision = record.get("revision")
    if type(revision) is not dict:
        raise MissingField("revision")
    length = record.get("length") or {}
    user_text = record.get("user")
    anonymous = is_ip(user_text)
    title = record.get("title")
    if type(title) is not str:
        raise MissingField("title")
    title = strip_namespace(title, namespace)
    revision_id = revision.get("new")
    if type(revision_id) is not int:
        raise MissingField("new")
    parent_id = parent_id_of(revision.get("old"))
    saved = record.get("timestamp")
    if saved is None:
        raise MissingField("timestamp")
    return (
        wiki_db, None, namespace, title, revision_id, parent_id, timestamp_of(saved), None, user_text, anonymous,
        is_temporary(user_text, anonymous), False, None, bool(record.get("minor")), record.get("comment") or "",
        False, length.get("new"), None, False, None, None, length.get("old"),
    )


def _recentchange_log(record: dict) -> dict | None:
    key = (record.get("log_type"), record.get("log_action"))
    if key not in USER_LOGS and key not in PAGE_LOGS:
        return None
    wiki_db = _wiki(record, "wiki")
    saved = record.get("timestamp")
    if saved is None:
        raise MissingField("timestamp")
    timestamp = timestamp_of(saved)
    namespace = record.get("namespace")
    title = record.get("title")
    if type(title) is not str:
        raise MissingField("title")
    params = record.get("log_params")
    params = params if isinstance(params, dict) else {}
    common = {"event_comment": record.get("comment"), "event_user_text": record.get("user")}
    if key in PAGE_LOGS:
        event_type = PAGE_LOGS[key]
        if event_type == "move":
            target = params.get("target")
            # The new namespace is not in the event; the target keeps its prefix when it has one.
            return event_row(wiki_db, "page", "move", timestamp, page_title=(target or "").replace(" ", "_") or None,
                              page_namespace_before=namespace, page_title_before=strip_namespace(title, namespace),
                              **common)
        return event_row(wiki_db, "page", event_type, timestamp, page_namespace=namespace,
                          page_title=strip_namespace(title, namespace), **common)
    event_type = USER_LOGS[key]
    user_text = strip_namespace(title, namespace if namespace is not None else 2).replace("_", " ")
    values = {"user_text": user_text}
    if event_type == "create":
        values["user_id"] = params.get("userid")
        values["user_groups"] = []
    elif event_type == "altergroups":
        values["user_groups"] = sorted(params.get("newgroups") or [])
        values["user_groups_before"] = sorted(params.get("oldgroups") or [])
    elif event_type == "rename":
        values["user_text_before"] = params.get("olduser") or user_text
        values["user_text"] = params.get("newuser") or user_text
    else:
        flags = params.get("flags")
        flags = flags.split(",") if isinstance(flags, str) else list(flags or [])
        values["user_blocks"] = [] if key[1] == "unblock" else sorted(f for f in flags if f)
    return event_row(wiki_db, "user", event_type, timestamp, **common, **values)
