"""MediaWiki history TSV dumps (`wmf.mediawiki_history` as Wikimedia publishes it) into rows.

Each line is one event of the page, user or revision history: revision/create lines give revisions,
page and user lines give events, in the shapes records.py declares for every event source.

Every field read is checked as records.py checks an event's: numbers are plain ASCII decimals (a sign
only where negative values exist: namespaces, byte diffs) within their column's range (ids and sizes 0
to 2^63-1, namespaces int32, a parent size, the size minus the byte diff, 0 to 2^63-1), booleans `true`
or `false`, timestamps `YYYY-MM-DD hh:mm:ss[.f]` or ISO 8601, the wiki a wiki name. A line with a field
out of shape is dropped whole (`missing-field`; a wrong number of fields is `malformed-line`).
"""
from __future__ import annotations

from collections import namedtuple

from transforms.common.problems import Problem
from transforms.common.timestamps import parse_timestamp
from transforms.events.records import (
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    MISSING_FIELD,
    Converted,
    MissingField,
    bad_field,
    converted_of,
    event_row,
    is_temporary,
    page_event_row,
    parent_id_of,
    record_problem,
    timestamp_of,
    wiki_of,
)

MALFORMED_LINE = "malformed-line"

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


def _history_timestamp(value: str, name: str) -> int:
    # `2023-01-01 00:00:00.0` as Hive writes it; ISO 8601 accepted too.
    if len(value) >= 19 and value[10] == " ":
        fraction = value[19:]
        if not fraction or (fraction[0] == "." and fraction[1:].isdigit() and fraction.isascii()):
            try:
                return parse_timestamp(f"{value[:10]}T{value[11:19]}Z")
            except ValueError:
                pass
        raise bad_field(name, value, "a timestamp YYYY-MM-DD hh:mm:ss[.f]")
    return timestamp_of(value, name)


def _number(value: str, name: str, low: int = 0, high: int = INT64_MAX) -> int | None:
    """The integer of a field (None when empty): ASCII digits, a '-' only when `low` is negative."""
    if not value:
        return None
    digits = value[1:] if value[0] == "-" and low < 0 else value
    # isdigit alone takes other scripts' digits; 19 digits bound int() before the range test.
    if digits.isdigit() and digits.isascii() and len(digits) <= 19:
        number = int(value)
        if low <= number <= high:
            return number
    raise bad_field(name, value, f"an integer from {low} to {high}")


def _boolean(name: str, value: str) -> bool | None:
    if not value:
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError(f"{name} is {value!r}, not true or false")


# The fields the converters read, and where each layout has them; a field a layout lacks points one past
# its last field, where every line gets an extra empty (null) field.
_READ = ("wiki_db", "event_entity", "event_type", "event_timestamp", "event_comment", "event_user_id",
         "event_user_text_historical", "event_user_text", "event_user_groups_historical", "event_user_is_anonymous",
         "event_user_is_temporary", "event_user_revision_count", "page_id", "page_title_historical", "page_title", "page_namespace_historical",
         "page_namespace", "user_id", "user_text_historical", "user_text", "user_groups_historical",
         "user_blocks_historical", "revision_id", "revision_parent_id", "revision_minor_edit",
         "revision_deleted_parts", "revision_text_bytes", "revision_text_bytes_diff", "revision_text_sha1",
         "revision_content_model", "revision_content_format")
_Positions = namedtuple("_Positions", _READ)
_POSITIONS = {count: _Positions(*(index.get(name, count) for name in _READ)) for count, index in HISTORY_LAYOUTS.items()}


def add_history_line(line: str, revisions: list[tuple], events: list[dict]) -> Problem | None:
    """Appends the rows of one line of a MediaWiki history dump (without its line break).

    Returns:
        The Problem when the line is unusable (nothing is appended then), else None.
    """
    raw = line.split("\t")
    at = _POSITIONS.get(len(raw))
    if at is None:
        return record_problem(MALFORMED_LINE, f"{len(raw)} tab-separated fields; MediaWiki history dumps have "
                        f"{', '.join(map(str, sorted(HISTORY_LAYOUTS)))}", line)
    # Escapes are rare: most lines hold no backslash at all. Arrays are split before unescaping.
    fields = raw if "\\" not in line else [unescape_field(value) for value in raw]
    raw.append("")
    if fields is not raw:
        fields.append("")
    try:
        wiki_db = wiki_of(fields[at.wiki_db] or None, "wiki_db")
        entity, event_type = fields[at.event_entity], fields[at.event_type]
        if entity == "revision" and event_type == "create":
            revisions.append(_history_revision(wiki_db, fields, raw, at))
        elif entity in ("page", "user"):
            events.append(_history_event(wiki_db, entity, event_type or None, fields, raw, at))
    except (MissingField, ValueError) as exc:
        try:
            revision_id = _number(fields[at.revision_id], "revision_id")
        except MissingField:
            revision_id = None
        return record_problem(MISSING_FIELD, f"history line lacks a required field or has a bad value ({exc})",
                              line, revision_id)
    return None


def convert_history_line(line: str) -> Converted:
    """Rows for one line of a MediaWiki history dump (without its line break)."""
    revisions, events = [], []
    return converted_of(add_history_line(line, revisions, events), revisions, events)


def _history_revision(wiki_db: str, fields: list[str], raw: list[str], at: _Positions) -> tuple:
    revision_id = _number(fields[at.revision_id], "revision_id")
    value = fields[at.event_timestamp]
    timestamp = _history_timestamp(value, "event_timestamp") if value else None
    namespace = _number(fields[at.page_namespace] or fields[at.page_namespace_historical], "page_namespace",
                        INT32_MIN, INT32_MAX)
    title = fields[at.page_title] or fields[at.page_title_historical] or None
    if revision_id is None or timestamp is None or namespace is None or title is None:
        raise MissingField("revision_id, event_timestamp, page_namespace or page_title is missing")
    value = raw[at.revision_deleted_parts]
    deleted = set(split_array(value)) if value else ()
    user_hidden = "user" in deleted
    anonymous = bool(_boolean("event_user_is_anonymous", fields[at.event_user_is_anonymous])) and not user_hidden
    user_text = None if user_hidden else (fields[at.event_user_text] or fields[at.event_user_text_historical] or None)
    temporary = _boolean("event_user_is_temporary", fields[at.event_user_is_temporary])
    size = _number(fields[at.revision_text_bytes], "revision_text_bytes")
    diff = _number(fields[at.revision_text_bytes_diff], "revision_text_bytes_diff", -INT64_MAX, INT64_MAX)
    parent_size = None if size is None or diff is None else size - diff
    if parent_size is not None and not 0 <= parent_size <= INT64_MAX:
        raise bad_field("revision_text_bytes_diff", diff, f"a difference from a size (revision_text_bytes is {size})")
    page_id = _number(fields[at.page_id], "page_id")
    parent_id = parent_id_of(_number(fields[at.revision_parent_id], "revision_parent_id"))
    user_id = _number(fields[at.event_user_id], "event_user_id")
    if user_hidden:
        user_id = None
    value = raw[at.event_user_groups_historical]
    minor = bool(_boolean("revision_minor_edit", fields[at.revision_minor_edit]))
    return (
        wiki_db, page_id, namespace, title.replace(" ", "_"), revision_id, parent_id, timestamp, user_id, user_text,
        anonymous, is_temporary(user_text, anonymous) if temporary is None else temporary and not user_hidden,
        user_hidden, None if user_hidden else (split_array(value) if value else []), minor,
        # An empty field is null, and an empty edit summary is written as an empty field too.
        None if "comment" in deleted else fields[at.event_comment], "comment" in deleted, size,
        fields[at.revision_text_sha1] or None, "text" in deleted, fields[at.revision_content_model] or None,
        fields[at.revision_content_format] or None,
        None,  # revision_is_redirect: the TSV's page_is_redirect is the page's state at the snapshot
        parent_size,
    )


def _history_event(wiki_db: str, entity: str, event_type: str | None, fields: list[str], raw: list[str],
                   at: _Positions) -> dict:
    value = fields[at.event_timestamp]
    timestamp = _history_timestamp(value, "event_timestamp") if value else None
    if timestamp is None or not event_type:
        raise MissingField("event_type or event_timestamp is missing")
    values = {"event_comment": fields[at.event_comment] or None,
              "event_user_id": _number(fields[at.event_user_id], "event_user_id"),
              "event_user_text": fields[at.event_user_text_historical] or fields[at.event_user_text] or None}
    if entity == "page":
        namespace = _number(fields[at.page_namespace_historical] or fields[at.page_namespace], "page_namespace",
                            INT32_MIN, INT32_MAX)
        # page_is_redirect is the page's state at the snapshot, not at the event: left out (null).
        return page_event_row(
            wiki_db, event_type, timestamp, page_id=_number(fields[at.page_id], "page_id"), page_namespace=namespace,
            page_title=fields[at.page_title_historical] or fields[at.page_title] or None,
            revision_count=_number(fields[at.event_user_revision_count], "event_user_revision_count"), **values)
    user_id = _number(fields[at.user_id], "user_id")
    groups, blocks = raw[at.user_groups_historical], raw[at.user_blocks_historical]
    values.update(user_id=user_id, user_text=fields[at.user_text_historical] or fields[at.user_text] or None,
                  user_groups=split_array(groups) if groups else [],
                  user_blocks=(split_array(blocks) if blocks else None) if event_type == "alterblocks" else None)
    return event_row(wiki_db, entity, event_type, timestamp, **values)
