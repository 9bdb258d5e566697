"""Event-dump records into `revisions` and `events` rows: EventStreams JSON, Avro and MediaWiki history TSV.

Three event schemas are understood, whether a record comes from a JSON line or an Avro file (Avro
records have the JSON shape; `$schema` is spelled `_schema` there, as Avro names cannot hold `$`):
- `mediawiki.recentchange` (`/mediawiki/recentchange/1.*`): edit and new become revisions (no page id,
  user id or sha1: those stay null); log events of the newusers, rights, renameuser, block, move,
  delete and merge types become page and user events;
- revision-create (`/mediawiki/revision/create/*`): revisions;
- `mediawiki.page_change.v1` (`/mediawiki/page/change/*`): create, edit and move give a revision (a move
  saves a null revision); create, move, delete and undelete also give a page event.
MediaWiki history TSV lines (`wmf.mediawiki_history` as dumped) give revisions for revision/create and
events for page and user events.

`convert_event(record)` and `convert_history_line(line)` return `Converted`: revision rows (file columns
of `revisions` without the columns computed per page, plus `wiki_db`), event rows, or a Problem. Records
of a known schema that carry nothing for our datasets (categorize, patrol, visibility changes, ...) are
`filtered`, counted but not errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.problems import Problem, excerpt_of
from transforms.xml_dump import TEMPORARY_ACCOUNT, parse_timestamp

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


@dataclass
class Converted:
    """What one record gives: rows keyed by their wiki, or the reason it gave none."""

    revisions: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    problem: Problem | None = None
    filtered: bool = False


class MissingField(Exception):
    """A field the record needs is absent or of the wrong type."""


def _problem(error_type: str, message: str, record, revision_id=None) -> Converted:
    return Converted(problem=Problem(error_type, message, "event", True, revision_id=revision_id,
                                     excerpt=excerpt_of(record if isinstance(record, (str, bytes)) else repr(record))))


def event_schema(record: dict) -> str | None:
    """Which of the known event schemas a record is (None when unknown)."""
    uri = record.get("$schema") or record.get("_schema")
    if isinstance(uri, str):
        for prefix, name in SCHEMA_PREFIXES:
            if uri.startswith(prefix):
                return name
        return None
    meta = record.get("meta")
    if isinstance(meta, dict):
        return STREAMS.get(meta.get("stream"))
    return None


def convert_event(record) -> Converted:
    """Rows for one EventStreams / EventGate event (a decoded JSON object or Avro record)."""
    if not isinstance(record, dict):
        return _problem("malformed-event", "the line is JSON but not an object", record)
    schema = event_schema(record)
    if schema is None:
        uri = record.get("$schema") or record.get("_schema") or (record.get("meta") or {}).get("stream")
        return _problem("unknown-schema", f"event schema {uri!r} is not one of recentchange, revision-create, "
                        "page_change; the event was skipped", record)
    try:
        if schema == PAGE_CHANGE:
            return _from_page_change(record)
        if schema == REVISION_CREATE:
            return _from_revision_create(record)
        return _from_recentchange(record)
    except (MissingField, KeyError, TypeError, ValueError, AttributeError) as exc:
        revision = record.get("revision")
        rev_id = record.get("rev_id") or (revision.get("rev_id") if isinstance(revision, dict) else None)
        return _problem("missing-field", f"{schema} event lacks a required field or has a bad value ({exc})",
                        record, rev_id if isinstance(rev_id, int) else None)


# ---------------------------------------------------------------------------------------------------
# Field helpers


def _required(mapping: dict, key: str, kind=None):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None or (kind is not None and not isinstance(value, kind)) or isinstance(value, bool) and kind is int:
        raise MissingField(key)
    return value


def _timestamp(value) -> int:
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


def _is_temporary(user_text: str | None, anonymous: bool) -> bool:
    return bool(user_text) and not anonymous and TEMPORARY_ACCOUNT.match(user_text) is not None


def _wiki(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    raise MissingField(keys[0])


def _revision_row(wiki_db: str, **values) -> dict:
    row = {
        "wiki_db": wiki_db, "page_id": None, "page_namespace": None, "page_title": None, "revision_id": None,
        "revision_parent_id": None, "revision_timestamp": None, "user_id": None, "user_text": None,
        "user_is_anonymous": False, "user_is_temporary": False, "user_is_deleted": False, "user_groups": None,
        "revision_minor_edit": False, "revision_comment": None, "revision_comment_is_deleted": False,
        "revision_text_bytes": None, "revision_text_sha1": None, "revision_text_is_deleted": False,
        "revision_content_model": None, "revision_content_format": None, "parent_text_bytes": None,
    }
    row.update(values)
    return row


def _event_row(wiki_db: str, entity: str, event_type: str, timestamp: int, **values) -> dict:
    row = {
        "wiki_db": wiki_db, "event_entity": entity, "event_type": event_type, "event_timestamp": timestamp,
        "event_comment": None, "event_user_id": None, "event_user_text": None, "page_id": None,
        "page_namespace": None, "page_title": None, "page_namespace_before": None, "page_title_before": None,
        "user_id": None, "user_text": None, "user_text_before": None, "user_groups": None,
        "user_groups_before": None, "user_blocks": None,
    }
    row.update(values)
    return row


def _parent(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


# ---------------------------------------------------------------------------------------------------
# mediawiki.page_change.v1

PAGE_EVENT_KINDS = {"create": "create", "move": "move", "delete": "delete", "undelete": "restore"}
PAGE_CHANGE_REVISION_KINDS = {"create", "edit", "move"}


def _from_page_change(record: dict) -> Converted:
    kind = _required(record, "page_change_kind", str)
    wiki_db = _wiki(record, "wiki_id")
    page = _required(record, "page", dict)
    namespace = _required(page, "namespace_id", int)
    title = strip_namespace(_required(page, "page_title", str), namespace)
    page_id = _required(page, "page_id", int)
    result = Converted()
    if kind in PAGE_CHANGE_REVISION_KINDS:
        result.revisions.append(_page_change_revision(wiki_db, page_id, namespace, title, record))
    if kind in PAGE_EVENT_KINDS:
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
        result.events.append(_event_row(
            wiki_db, "page", PAGE_EVENT_KINDS[kind], _timestamp(_required(record, "dt")), event_comment=comment,
            event_user_id=performer.get("user_id"), event_user_text=performer.get("user_text"), page_id=page_id,
            page_namespace=namespace, page_title=title, **extra))
    if not result.revisions and not result.events:
        result.filtered = True
    return result


def _page_change_revision(wiki_db: str, page_id: int, namespace: int, title: str, record: dict) -> dict:
    revision = _required(record, "revision", dict)
    editor_visible = revision.get("is_editor_visible", True)
    editor = revision.get("editor") or {}
    user_id = editor.get("user_id") if editor_visible else None
    user_text = editor.get("user_text") if editor_visible else None
    anonymous = editor_visible and user_id is None and bool(user_text)
    comment_visible = revision.get("is_comment_visible", True)
    slot = ((revision.get("content_slots") or {}).get("main") or {})
    prior = ((record.get("prior_state") or {}).get("revision") or {})
    return _revision_row(
        wiki_db, page_id=page_id, page_namespace=namespace, page_title=title,
        revision_id=_required(revision, "rev_id", int), revision_parent_id=_parent(revision.get("rev_parent_id")),
        revision_timestamp=_timestamp(_required(revision, "rev_dt")), user_id=user_id, user_text=user_text,
        user_is_anonymous=anonymous,
        user_is_temporary=bool(editor.get("is_temp")) if editor_visible and not anonymous else False,
        user_is_deleted=not editor_visible, user_groups=_groups(editor.get("groups")) if editor_visible else None,
        revision_minor_edit=bool(revision.get("is_minor_edit")),
        revision_comment=(revision.get("comment") or "") if comment_visible else None,
        revision_comment_is_deleted=not comment_visible, revision_text_bytes=revision.get("rev_size"),
        revision_text_sha1=revision.get("rev_sha1"),
        revision_text_is_deleted=not revision.get("is_content_visible", True),
        revision_content_model=slot.get("content_model"), revision_content_format=slot.get("content_format"),
        parent_text_bytes=prior.get("rev_size"),
    )


def _groups(groups) -> list[str] | None:
    """Explicit groups only: MediaWiki lists the implicit `*`, `user` and `autoconfirmed` too."""
    if groups is None:
        return None
    return sorted(g for g in groups if g not in ("*", "user", "autoconfirmed"))


# ---------------------------------------------------------------------------------------------------
# revision-create


def _from_revision_create(record: dict) -> Converted:
    wiki_db = _wiki(record, "database")
    namespace = _required(record, "page_namespace", int)
    performer = record.get("performer") or {}
    user_id = performer.get("user_id")
    user_text = performer.get("user_text")
    anonymous = user_id is None and bool(user_text)
    visibility = record.get("visibility") or {}
    return Converted(revisions=[_revision_row(
        wiki_db, page_id=_required(record, "page_id", int), page_namespace=namespace,
        page_title=strip_namespace(_required(record, "page_title", str), namespace),
        revision_id=_required(record, "rev_id", int), revision_parent_id=_parent(record.get("rev_parent_id")),
        revision_timestamp=_timestamp(_required(record, "rev_timestamp")), user_id=user_id, user_text=user_text,
        user_is_anonymous=anonymous, user_is_temporary=_is_temporary(user_text, anonymous),
        user_is_deleted=visibility.get("user") is False, user_groups=_groups(performer.get("user_groups")),
        revision_minor_edit=bool(record.get("rev_minor_edit")),
        revision_comment=record.get("comment", "") if visibility.get("comment") is not False else None,
        revision_comment_is_deleted=visibility.get("comment") is False, revision_text_bytes=record.get("rev_len"),
        revision_text_sha1=record.get("rev_sha1"), revision_text_is_deleted=visibility.get("text") is False,
        revision_content_model=record.get("rev_content_model"), revision_content_format=record.get("rev_content_format"),
    )])


# ---------------------------------------------------------------------------------------------------
# mediawiki.recentchange

USER_LOGS = {("newusers", a): "create" for a in ("create", "create2", "autocreate", "byemail", "newusers")}
USER_LOGS.update({("rights", "rights"): "altergroups", ("rights", "autopromote"): "altergroups",
                  ("renameuser", "renameuser"): "rename", ("block", "block"): "alterblocks",
                  ("block", "reblock"): "alterblocks", ("block", "unblock"): "alterblocks"})
PAGE_LOGS = {("move", "move"): "move", ("move", "move_redir"): "move", ("delete", "delete"): "delete",
             ("delete", "restore"): "restore", ("merge", "merge"): "merge"}


def _from_recentchange(record: dict) -> Converted:
    change_type = _required(record, "type", str)
    if change_type in ("edit", "new"):
        return _recentchange_revision(record)
    if change_type == "log":
        return _recentchange_log(record)
    return Converted(filtered=True)  # categorize, external


def _recentchange_revision(record: dict) -> Converted:
    wiki_db = _wiki(record, "wiki")
    namespace = _required(record, "namespace", int)
    revision = _required(record, "revision", dict)
    length = record.get("length") or {}
    user_text = record.get("user")
    anonymous = is_ip(user_text)
    return Converted(revisions=[_revision_row(
        wiki_db, page_namespace=namespace, page_title=strip_namespace(_required(record, "title", str), namespace),
        revision_id=_required(revision, "new", int), revision_parent_id=_parent(revision.get("old")),
        revision_timestamp=_timestamp(_required(record, "timestamp")), user_text=user_text,
        user_is_anonymous=anonymous, user_is_temporary=_is_temporary(user_text, anonymous),
        revision_minor_edit=bool(record.get("minor")), revision_comment=record.get("comment") or "",
        revision_text_bytes=length.get("new"), parent_text_bytes=length.get("old"),
    )])


def _recentchange_log(record: dict) -> Converted:
    key = (record.get("log_type"), record.get("log_action"))
    if key not in USER_LOGS and key not in PAGE_LOGS:
        return Converted(filtered=True)
    wiki_db = _wiki(record, "wiki")
    timestamp = _timestamp(_required(record, "timestamp"))
    namespace = record.get("namespace")
    title = _required(record, "title", str)
    params = record.get("log_params")
    params = params if isinstance(params, dict) else {}
    common = {"event_comment": record.get("comment"), "event_user_text": record.get("user")}
    if key in PAGE_LOGS:
        event_type = PAGE_LOGS[key]
        if event_type == "move":
            target = params.get("target")
            # The new namespace is not in the event; the target keeps its prefix when it has one.
            row = _event_row(wiki_db, "page", "move", timestamp, page_title=(target or "").replace(" ", "_") or None,
                             page_namespace_before=namespace, page_title_before=strip_namespace(title, namespace), **common)
        else:
            row = _event_row(wiki_db, "page", event_type, timestamp, page_namespace=namespace,
                             page_title=strip_namespace(title, namespace), **common)
        return Converted(events=[row])
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
    return Converted(events=[_event_row(wiki_db, "user", event_type, timestamp, **common, **values)])


# ---------------------------------------------------------------------------------------------------
# MediaWiki history TSV

_BASE = [
    "wiki_db", "event_entity", "event_type", "event_timestamp", "event_comment",
    "event_user_id", "event_user_text_historical", "event_user_text", "event_user_blocks_historical",
    "event_user_blocks", "event_user_groups_historical", "event_user_groups", "event_user_is_bot_by_historical",
    "event_user_is_bot_by", "event_user_is_created_by_self", "event_user_is_created_by_system",
    "event_user_is_created_by_peer", "event_user_is_anonymous", "event_user_registration_timestamp",
    "event_user_creation_timestamp", "event_user_first_edit_timestamp", "event_user_revision_count",
    "event_user_seconds_since_previous_revision",
    "page_id", "page_title_historical", "page_title", "page_namespace_historical",
    "page_namespace_is_content_historical", "page_namespace", "page_namespace_is_content", "page_is_redirect",
    "page_is_deleted", "page_creation_timestamp", "page_first_edit_timestamp", "page_revision_count",
    "page_seconds_since_previous_revision",
    "user_id", "user_text_historical", "user_text", "user_blocks_historical", "user_blocks",
    "user_groups_historical", "user_groups", "user_is_bot_by_historical", "user_is_bot_by",
    "user_is_created_by_self", "user_is_created_by_system", "user_is_created_by_peer", "user_is_anonymous",
    "user_registration_timestamp", "user_creation_timestamp", "user_first_edit_timestamp",
    "revision_id", "revision_parent_id", "revision_minor_edit", "revision_deleted_parts",
    "revision_deleted_parts_are_suppressed", "revision_text_bytes", "revision_text_bytes_diff",
    "revision_text_sha1", "revision_content_model", "revision_content_format",
    "revision_is_deleted_by_page_deletion", "revision_deleted_by_page_deletion_timestamp",
    "revision_is_identity_reverted", "revision_first_identity_reverting_revision_id",
    "revision_seconds_to_identity_revert", "revision_is_identity_revert", "revision_is_from_before_page_creation",
    "revision_tags",
]


def _insert(columns: list[str], after: str, *new: str) -> list[str]:
    at = columns.index(after) + 1
    return columns[:at] + list(new) + columns[at:]


# The published layouts, told apart by their number of fields. 70: snapshots until 2024; 76: with
# central ids and temporary/permanent accounts (2025); 78: also event_log_id and event_user_is_cross_wiki.
_LAYOUT_76 = _insert(_insert(_insert(_insert(_BASE, "event_user_id", "event_user_central_id"),
                                     "event_user_is_anonymous", "event_user_is_temporary", "event_user_is_permanent"),
                             "user_id", "user_central_id"),
                     "user_is_anonymous", "user_is_temporary", "user_is_permanent")
_LAYOUT_78 = _insert(_insert(_LAYOUT_76, "wiki_db", "event_log_id"), "event_user_is_permanent", "event_user_is_cross_wiki")
HISTORY_LAYOUTS = {len(layout): {name: i for i, name in enumerate(layout)} for layout in (_BASE, _LAYOUT_76, _LAYOUT_78)}
HISTORY_COLUMNS_LATEST = tuple(_LAYOUT_78)

_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r"}


def unescape_field(value: str) -> str:
    """Undoes the dump's escaping of tabs, newlines and carriage returns (`\\t`, `\\n`, `\\r`)."""
    if "\\" not in value:
        return value
    out = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value) and value[i + 1] in _UNESCAPES:
            out.append(_UNESCAPES[value[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def split_array(value: str) -> list[str]:
    """`a,b\\,c` -> ['a', 'b,c']: arrays are comma-joined with commas inside items escaped."""
    if "\\," not in value:
        return [unescape_field(item) for item in value.split(",")]
    items, current, i = [], [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value) and value[i + 1] == ",":
            current.append(",")
            i += 2
        elif value[i] == ",":
            items.append(unescape_field("".join(current)))
            current = []
            i += 1
        else:
            current.append(value[i])
            i += 1
    items.append(unescape_field("".join(current)))
    return items


def _history_timestamp(value: str) -> int:
    # `2023-01-01 00:00:00.0` as Hive writes it; ISO 8601 accepted too.
    if len(value) >= 19 and value[10] == " ":
        return parse_timestamp(f"{value[:10]}T{value[11:19]}Z")
    return _timestamp(value)


class HistoryLine:
    """Typed access to the fields of one history TSV line (empty field = null)."""

    __slots__ = ("fields", "index")

    def __init__(self, fields: list[str], index: dict[str, int]):
        self.fields = fields
        self.index = index

    def text(self, name: str) -> str | None:
        at = self.index.get(name)
        if at is None:
            return None
        value = self.fields[at]
        return unescape_field(value) if value else None

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        return None if value is None else int(value)

    def boolean(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise ValueError(f"{name} is {value!r}, not true or false")
        return value == "true"

    def array(self, name: str) -> list[str] | None:
        at = self.index.get(name)
        if at is None or not self.fields[at]:
            return None
        return split_array(self.fields[at])

    def timestamp(self, name: str) -> int | None:
        value = self.text(name)
        return None if value is None else _history_timestamp(value)


def convert_history_line(line: str) -> Converted:
    """Rows for one line of a MediaWiki history dump (without its line break)."""
    fields = line.split("\t")
    index = HISTORY_LAYOUTS.get(len(fields))
    if index is None:
        return _problem("malformed-line", f"{len(fields)} tab-separated fields; MediaWiki history dumps have "
                        f"{', '.join(map(str, sorted(HISTORY_LAYOUTS)))}", line)
    row = HistoryLine(fields, index)
    try:
        entity, event_type = row.text("event_entity"), row.text("event_type")
        wiki_db = row.text("wiki_db")
        if not wiki_db:
            raise MissingField("wiki_db")
        if entity == "revision" and event_type == "create":
            return Converted(revisions=[_history_revision(wiki_db, row)])
        if entity in ("page", "user"):
            return Converted(events=[_history_event(wiki_db, entity, event_type, row)])
        return Converted(filtered=True)
    except (MissingField, ValueError) as exc:
        try:
            revision_id = row.integer("revision_id")
        except ValueError:
            revision_id = None
        return _problem("missing-field", f"history line lacks a required field or has a bad value ({exc})",
                        line, revision_id)


def _history_revision(wiki_db: str, row: HistoryLine) -> dict:
    revision_id = row.integer("revision_id")
    timestamp = row.timestamp("event_timestamp")
    namespace = row.integer("page_namespace")
    if namespace is None:
        namespace = row.integer("page_namespace_historical")
    title = row.text("page_title") or row.text("page_title_historical")
    if revision_id is None or timestamp is None or namespace is None or title is None:
        raise MissingField("revision_id, event_timestamp, page_namespace and page_title")
    deleted = set(row.array("revision_deleted_parts") or ())
    user_hidden = "user" in deleted
    anonymous = bool(row.boolean("event_user_is_anonymous")) and not user_hidden
    user_text = None if user_hidden else (row.text("event_user_text") or row.text("event_user_text_historical"))
    temporary = row.boolean("event_user_is_temporary")
    size, diff = row.integer("revision_text_bytes"), row.integer("revision_text_bytes_diff")
    return _revision_row(
        wiki_db, page_id=row.integer("page_id"), page_namespace=namespace, page_title=title.replace(" ", "_"),
        revision_id=revision_id, revision_parent_id=_parent(row.integer("revision_parent_id")),
        revision_timestamp=timestamp, user_id=None if user_hidden else row.integer("event_user_id"),
        user_text=user_text, user_is_anonymous=anonymous,
        user_is_temporary=_is_temporary(user_text, anonymous) if temporary is None else temporary and not user_hidden,
        user_is_deleted=user_hidden, user_groups=None if user_hidden else row.array("event_user_groups_historical") or [],
        revision_minor_edit=bool(row.boolean("revision_minor_edit")),
        # An empty field is null, and an empty edit summary is written as an empty field too.
        revision_comment=None if "comment" in deleted else (row.text("event_comment") or ""),
        revision_comment_is_deleted="comment" in deleted, revision_text_bytes=size,
        revision_text_sha1=row.text("revision_text_sha1"), revision_text_is_deleted="text" in deleted,
        revision_content_model=row.text("revision_content_model"),
        revision_content_format=row.text("revision_content_format"),
        parent_text_bytes=None if size is None or diff is None else size - diff,
    )


def _history_event(wiki_db: str, entity: str, event_type: str | None, row: HistoryLine) -> dict:
    timestamp = row.timestamp("event_timestamp")
    if timestamp is None or not event_type:
        raise MissingField("event_type and event_timestamp")
    values = {"event_comment": row.text("event_comment"), "event_user_id": row.integer("event_user_id"),
              "event_user_text": row.text("event_user_text_historical") or row.text("event_user_text")}
    if entity == "page":
        title = row.text("page_title_historical") or row.text("page_title")
        namespace = row.integer("page_namespace_historical")
        values.update(page_id=row.integer("page_id"), page_title=title,
                      page_namespace=namespace if namespace is not None else row.integer("page_namespace"))
    else:
        values.update(user_id=row.integer("user_id"),
                      user_text=row.text("user_text_historical") or row.text("user_text"),
                      user_groups=row.array("user_groups_historical") or [],
                      user_blocks=row.array("user_blocks_historical") if event_type == "alterblocks" else None)
    return _event_row(wiki_db, entity, event_type, timestamp, **values)
