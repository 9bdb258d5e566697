"""Writes samplewiki's history as event dumps: EventStreams JSON lines, Avro, MediaWiki history TSV.

The same revisions as the XML dumps, in the shapes Wikimedia publishes:
- `samplewiki-20260101-events.json.gz`: one `mediawiki.page_change.v1` event per revision (create for a
  page's first revision, move for a page-move null revision, edit otherwise), plus `mediawiki.recentchange`
  log events for account creations (newusers/create) and group changes (rights/rights), in time order;
- `samplewiki-20260101-page_change.avro`: the same page_change events as an Avro object container file
  (deflate codec, fixed sync marker so that reruns are byte-identical), `$schema` spelled `_schema`;
- `2025-12.samplewiki.all-time.tsv.bz2`: a MediaWiki history dump (78-field layout, no header,
  `\\t \\n \\r` escaped, arrays comma-joined with `\\,` escapes, empty field = null) with user create and
  altergroups events and revision create events.
Account creations come at each user's registration time, group changes one second later; before a page
move the page's revisions carry the old title, as the live events did.

Some articles were deleted and restored (`page_deletions`): page_change delete and undelete events, and
history TSV page delete and restore rows. Every one was restored before the next edit, so the XML dumps,
which show pages as they are at the dump, hold them whole: some restored within the 30 days after their
creation (they survive), some after (deleted 30 days after creation), one deleted after the 30 days.
"""

from __future__ import annotations

import bz2
import calendar
import gzip
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .model import Page, Revision, SampleWiki, User

MOVE = re.compile(r"moved page \[\[(.+?)\]\] to \[\[(.+?)\]\]")
IMPLICIT_GROUPS = ["*", "user", "autoconfirmed"]
AVRO_SYNC_MARKER = b"samplewiki-avro!"
BOT_NAME = re.compile(r"(?i)^.*bot([^a-z].*$|$)")
GROUPS_DELAY = timedelta(seconds=1)


# (days after creation the page is deleted, days after creation it is restored), for the first articles whose
# first revision stays the latest long enough: restored within 30 days, restored after, deleted after 30 days.
DELETION_PLAN = ((0.5, 2), (1, 3), (3, 10), (1, 45), (2, 60), (32, 33))


@dataclass(frozen=True)
class Deletion:
    """An article deleted and later restored, by the wiki's first sysop."""

    page: Page
    deleted: str  # ISO 8601, UTC
    restored: str
    sysop: User


def _seconds(timestamp: str) -> int:
    return calendar.timegm(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def page_deletions(wiki: SampleWiki) -> list[Deletion]:
    """The deletions and restorations of DELETION_PLAN, each on its own article (content, not a redirect),
    chosen in page order among those whose next revision (or the dump) comes after the restoration."""
    sysop = next(u for u in wiki.users if "sysop" in u.groups)
    dump = _seconds(datetime.strptime(wiki.dump_date, "%Y%m%d").strftime("%Y-%m-%dT%H:%M:%SZ"))
    articles = [p for p in wiki.pages if p.namespace == 0 and p.redirect is None]
    deletions, used = [], set()
    for delete_after, restore_after in DELETION_PLAN:
        for page in articles:
            created = _seconds(page.revisions[0].timestamp)
            after = _seconds(page.revisions[1].timestamp) if len(page.revisions) > 1 else dump
            if page.page_id not in used and created + restore_after * 86_400 < min(after, dump):
                used.add(page.page_id)
                deletions.append(Deletion(page, _later(page.revisions[0].timestamp, timedelta(days=delete_after)),
                                          _later(page.revisions[0].timestamp, timedelta(days=restore_after)), sysop))
                break
    return deletions


def event_file_names(wiki: SampleWiki) -> dict[str, str]:
    prefix = f"{wiki.siteinfo.dbname}-{wiki.dump_date}"
    last_month = (datetime.strptime(wiki.dump_date, "%Y%m%d") - timedelta(days=1)).strftime("%Y-%m")
    return {"events_json": f"{prefix}-events.json.gz", "events_avro": f"{prefix}-page_change.avro",
            "history_tsv": f"{last_month}.{wiki.siteinfo.dbname}.all-time.tsv.bz2"}


def _later(timestamp: str, delta: timedelta) -> str:
    return (datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ") + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _titles_at_each_revision(wiki: SampleWiki, page: Page) -> list[str]:
    """The page's full title when each revision was saved (moves rename it part-way)."""
    titles = [page.full_title] * len(page.revisions)
    for i, rev in enumerate(page.revisions):
        match = MOVE.search(rev.comment or "") if rev.kind == "null" else None
        if match and match.group(2) == page.full_title:
            titles[:i] = [match.group(1)] * i
    return titles


def _split_title(wiki: SampleWiki, full_title: str) -> tuple[int, str]:
    prefix, sep, rest = full_title.partition(":")
    for ns in wiki.siteinfo.namespaces:
        if sep and ns.name and ns.name == prefix:
            return ns.key, rest
    return 0, full_title


def _user(wiki: SampleWiki, rev: Revision) -> dict:
    user = rev.contributor.user
    if user is None:
        return {"user_text": rev.contributor.ip, "groups": ["*"], "is_bot": False, "is_system": False, "is_temp": False}
    return {"user_text": user.user_name, "user_id": user.user_id, "groups": sorted(user.groups) + IMPLICIT_GROUPS,
            "is_bot": user.is_bot, "is_system": False, "is_temp": user.is_temporary,
            "registration_dt": user.registration}


def page_change_events(wiki: SampleWiki) -> list[dict]:
    """One mediawiki.page_change.v1 event per revision (page_id, title at the time, editor, slots)."""
    events = []
    domain = wiki.siteinfo.base.split("/")[2]
    for page in wiki.pages:
        titles = _titles_at_each_revision(wiki, page)
        for i, (rev, full_title) in enumerate(zip(page.revisions, titles)):
            namespace, _ = _split_title(wiki, full_title)
            previous = page.revisions[i - 1] if i else None
            kind = "create" if previous is None else "edit"
            prior = {"revision": {"rev_id": previous.rev_id, "rev_size": previous.bytes}} if previous else None
            if previous is not None and full_title != titles[i - 1]:
                kind = "move"
                old_ns, _ = _split_title(wiki, titles[i - 1])
                prior["page"] = {"page_title": titles[i - 1].replace(" ", "_"), "namespace_id": old_ns}
            revision = {
                "rev_id": rev.rev_id, "rev_dt": rev.timestamp, "is_minor_edit": rev.minor,
                "rev_sha1": rev.sha1, "rev_size": rev.bytes, "rev_parent_id": rev.parent_id,
                "is_content_visible": not rev.text_deleted, "is_editor_visible": not rev.contributor_deleted,
                "is_comment_visible": not rev.comment_deleted,
                "content_slots": {"main": {"slot_role": "main", "content_model": rev.model, "content_sha1": rev.sha1,
                                           "content_size": rev.bytes, "content_format": rev.format,
                                           "origin_rev_id": rev.origin}},
            }
            if not rev.comment_deleted:
                revision["comment"] = rev.comment
            if not rev.contributor_deleted:
                revision["editor"] = _user(wiki, rev)
            event = {
                "$schema": "/mediawiki/page/change/1.2.0",
                "meta": {"stream": "mediawiki.page_change.v1", "domain": domain, "dt": rev.timestamp,
                         "uri": f"https://{domain}/wiki/{full_title.replace(' ', '_')}",
                         "id": f"00000000-0000-4000-8000-{rev.rev_id:012d}"},
                "dt": rev.timestamp, "wiki_id": wiki.siteinfo.dbname, "page_change_kind": kind,
                "changelog_kind": "insert" if kind == "create" else "update",
                "page": {"page_id": page.page_id, "page_title": full_title.replace(" ", "_"), "namespace_id": namespace,
                         "is_redirect": page.redirect is not None},
                "revision": revision,
            }
            if not rev.contributor_deleted:
                event["performer"] = _user(wiki, rev)
            if prior:
                event["prior_state"] = prior
            events.append(event)
    return events


def page_deletion_events(wiki: SampleWiki) -> list[dict]:
    """page_change delete and undelete events of `page_deletions`, carrying the page's current revision, as
    the live stream's do."""
    domain = wiki.siteinfo.base.split("/")[2]
    creations = {e["page"]["page_id"]: e for e in page_change_events(wiki) if e["page_change_kind"] == "create"}
    events = []
    for deletion in page_deletions(wiki):
        create = creations[deletion.page.page_id]
        performer = _user(wiki, deletion.page.revisions[0]) | {
            "user_text": deletion.sysop.user_name, "user_id": deletion.sysop.user_id,
            "groups": sorted(deletion.sysop.groups) + IMPLICIT_GROUPS, "is_bot": False, "is_temp": False,
            "registration_dt": deletion.sysop.registration}
        for kind, when in (("delete", deletion.deleted), ("undelete", deletion.restored)):
            events.append(create | {
                "meta": create["meta"] | {"dt": when, "id": f"00000000-0000-4000-9000-{len(events):012d}"},
                "dt": when, "page_change_kind": kind, "changelog_kind": "delete" if kind == "delete" else "insert",
                "performer": performer})
    return events


def user_log_events(wiki: SampleWiki) -> list[dict]:
    """mediawiki.recentchange log events: every account's creation and, for accounts in groups, the
    rights change that put it there, made by the wiki's first bureaucrat."""
    domain = wiki.siteinfo.base.split("/")[2]
    bureaucrat = next(u for u in wiki.users if "bureaucrat" in u.groups)
    events = []
    for user in wiki.users:
        base = {"$schema": "/mediawiki/recentchange/1.0.0", "type": "log", "namespace": 2,
                "title": f"User:{user.user_name}", "wiki": wiki.siteinfo.dbname, "server_name": domain, "bot": False}
        created = calendar.timegm(datetime.strptime(user.registration, "%Y-%m-%dT%H:%M:%SZ").timetuple())
        events.append(base | {
            "meta": {"stream": "mediawiki.recentchange", "domain": domain, "dt": user.registration},
            "timestamp": created, "user": user.user_name,
            "log_type": "newusers", "log_action": "create", "log_params": {"userid": user.user_id}, "comment": ""})
        if user.groups:
            granted = _later(user.registration, GROUPS_DELAY)
            events.append(base | {
                "meta": {"stream": "mediawiki.recentchange", "domain": domain, "dt": granted},
                "timestamp": created + int(GROUPS_DELAY.total_seconds()),
                "user": bureaucrat.user_name, "log_type": "rights", "log_action": "rights",
                "log_params": {"oldgroups": [], "newgroups": sorted(user.groups)}, "comment": ""})
    return events


def events_json(wiki: SampleWiki) -> bytes:
    """Every page_change and user log event as JSON lines, in time order."""
    events = page_change_events(wiki) + page_deletion_events(wiki) + user_log_events(wiki)
    events.sort(key=lambda e: (e["meta"]["dt"], e["meta"]["stream"] != "mediawiki.recentchange",
                               (e.get("revision") or {}).get("rev_id", 0)))
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events).encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# Avro

def _nullable(avro_type):
    return ["null", avro_type]


_USER = {"type": "record", "name": "performer", "fields": [
    {"name": "user_text", "type": "string"},
    {"name": "user_id", "type": _nullable("long"), "default": None},
    {"name": "groups", "type": {"type": "array", "items": "string"}},
    {"name": "is_bot", "type": "boolean"}, {"name": "is_system", "type": "boolean"},
    {"name": "is_temp", "type": "boolean"},
    {"name": "registration_dt", "type": _nullable("string"), "default": None},
]}
PAGE_CHANGE_AVRO_SCHEMA = {
    "type": "record", "name": "page_change", "namespace": "mediawiki", "fields": [
        {"name": "_schema", "type": "string"},
        {"name": "meta", "type": {"type": "record", "name": "meta", "fields": [
            {"name": "stream", "type": "string"}, {"name": "domain", "type": "string"}, {"name": "dt", "type": "string"},
            {"name": "uri", "type": "string"}, {"name": "id", "type": "string"}]}},
        {"name": "dt", "type": "string"}, {"name": "wiki_id", "type": "string"},
        {"name": "page_change_kind", "type": "string"}, {"name": "changelog_kind", "type": "string"},
        {"name": "page", "type": {"type": "record", "name": "page", "fields": [
            {"name": "page_id", "type": "long"}, {"name": "page_title", "type": "string"},
            {"name": "namespace_id", "type": "int"}, {"name": "is_redirect", "type": "boolean"}]}},
        {"name": "performer", "type": _nullable(_USER), "default": None},
        {"name": "revision", "type": {"type": "record", "name": "revision", "fields": [
            {"name": "rev_id", "type": "long"}, {"name": "rev_dt", "type": "string"},
            {"name": "is_minor_edit", "type": "boolean"}, {"name": "rev_sha1", "type": _nullable("string")},
            {"name": "rev_size", "type": _nullable("long")}, {"name": "rev_parent_id", "type": _nullable("long")},
            {"name": "comment", "type": _nullable("string"), "default": None},
            {"name": "editor", "type": _nullable("mediawiki.performer"), "default": None},
            {"name": "is_content_visible", "type": "boolean"}, {"name": "is_editor_visible", "type": "boolean"},
            {"name": "is_comment_visible", "type": "boolean"},
            {"name": "content_slots", "type": {"type": "map", "values": {"type": "record", "name": "slot", "fields": [
                {"name": "slot_role", "type": "string"}, {"name": "content_model", "type": "string"},
                {"name": "content_sha1", "type": "string"}, {"name": "content_size", "type": "long"},
                {"name": "content_format", "type": "string"}, {"name": "origin_rev_id", "type": "long"}]}}}]}},
        {"name": "prior_state", "type": _nullable({"type": "record", "name": "prior_state", "fields": [
            {"name": "revision", "type": _nullable({"type": "record", "name": "prior_revision", "fields": [
                {"name": "rev_id", "type": "long"}, {"name": "rev_size", "type": "long"}]}), "default": None},
            {"name": "page", "type": _nullable({"type": "record", "name": "prior_page", "fields": [
                {"name": "page_title", "type": "string"}, {"name": "namespace_id", "type": "int"}]}), "default": None},
        ]}), "default": None},
    ]}


def page_change_avro(wiki: SampleWiki) -> bytes:
    """The page_change events as an Avro object container file (needs fastavro)."""
    import fastavro

    records = []
    for event in page_change_events(wiki) + page_deletion_events(wiki):
        record = dict(event)
        record["_schema"] = record.pop("$schema")
        records.append(record)
    out = io.BytesIO()
    fastavro.writer(out, fastavro.parse_schema(PAGE_CHANGE_AVRO_SCHEMA), records, codec="deflate",
                    sync_marker=AVRO_SYNC_MARKER)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# MediaWiki history TSV

# The 78-field layout of current MediaWiki history dumps (the reader also knows the older 70 and 76).
HISTORY_COLUMNS = (
    "wiki_db event_log_id event_entity event_type event_timestamp event_comment event_user_id "
    "event_user_central_id event_user_text_historical event_user_text event_user_blocks_historical "
    "event_user_blocks event_user_groups_historical event_user_groups event_user_is_bot_by_historical "
    "event_user_is_bot_by event_user_is_created_by_self event_user_is_created_by_system "
    "event_user_is_created_by_peer event_user_is_anonymous event_user_is_temporary event_user_is_permanent "
    "event_user_is_cross_wiki event_user_registration_timestamp event_user_creation_timestamp "
    "event_user_first_edit_timestamp event_user_revision_count event_user_seconds_since_previous_revision "
    "page_id page_title_historical page_title page_namespace_historical page_namespace_is_content_historical "
    "page_namespace page_namespace_is_content page_is_redirect page_is_deleted page_creation_timestamp "
    "page_first_edit_timestamp page_revision_count page_seconds_since_previous_revision user_id "
    "user_central_id user_text_historical user_text user_blocks_historical user_blocks user_groups_historical "
    "user_groups user_is_bot_by_historical user_is_bot_by user_is_created_by_self user_is_created_by_system "
    "user_is_created_by_peer user_is_anonymous user_is_temporary user_is_permanent user_registration_timestamp "
    "user_creation_timestamp user_first_edit_timestamp revision_id revision_parent_id revision_minor_edit "
    "revision_deleted_parts revision_deleted_parts_are_suppressed revision_text_bytes revision_text_bytes_diff "
    "revision_text_sha1 revision_content_model revision_content_format revision_is_deleted_by_page_deletion "
    "revision_deleted_by_page_deletion_timestamp revision_is_identity_reverted "
    "revision_first_identity_reverting_revision_id revision_seconds_to_identity_revert "
    "revision_is_identity_revert revision_is_from_before_page_creation revision_tags"
).split()


def _tsv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv_array(items) -> str:
    return ",".join(_tsv_text(item).replace(",", "\\,") for item in items)


def _tsv_time(timestamp: str) -> str:
    return f"{timestamp[:10]} {timestamp[11:19]}.0"


def _bot_by(user: User | None, name: str) -> list[str]:
    reasons = ["name"] if user is not None and BOT_NAME.match(name) else []
    return reasons + (["group"] if user is not None and user.is_bot else [])


def _tsv_line(values: dict) -> str:
    fields = []
    for column in HISTORY_COLUMNS:
        value = values.get(column)
        fields.append(_tsv_array(value) if isinstance(value, list) else _tsv_text(value))
    return "\t".join(fields) + "\n"


def history_tsv(wiki: SampleWiki) -> bytes:
    """User create/altergroups and revision create rows, in time order, as a MediaWiki history dump."""
    rows: list[tuple[str, int, str]] = []
    db = wiki.siteinfo.dbname
    for user in wiki.users:
        common = {"wiki_db": db, "event_entity": "user", "user_id": user.user_id, "user_text": user.user_name,
                  "user_text_historical": user.user_name, "user_is_anonymous": False,
                  "user_is_temporary": user.is_temporary, "user_is_permanent": not user.is_temporary,
                  "user_creation_timestamp": _tsv_time(user.registration),
                  "user_registration_timestamp": _tsv_time(user.registration)}
        rows.append((user.registration, 0, _tsv_line(common | {
            "event_type": "create", "event_timestamp": _tsv_time(user.registration), "user_groups_historical": [],
            "user_is_created_by_self": True, "event_user_id": user.user_id, "event_user_text": user.user_name,
            "event_user_text_historical": user.user_name})))
        if user.groups:
            granted = _later(user.registration, GROUPS_DELAY)
            rows.append((granted, 0, _tsv_line(common | {
                "event_type": "altergroups", "event_timestamp": _tsv_time(granted),
                "user_groups_historical": sorted(user.groups), "user_groups": sorted(user.groups)})))
    for page in wiki.pages:
        titles = _titles_at_each_revision(wiki, page)
        sizes = {rev.rev_id: rev.bytes for rev in page.revisions}
        for rev, full_title in zip(page.revisions, titles):
            namespace, title = _split_title(wiki, full_title)
            user = None if rev.contributor_deleted else rev.contributor.user
            name = None if rev.contributor_deleted else rev.contributor.name
            deleted = [part for part, hidden in (("text", rev.text_deleted), ("comment", rev.comment_deleted),
                                                 ("user", rev.contributor_deleted)) if hidden]
            values = {
                "wiki_db": db, "event_entity": "revision", "event_type": "create",
                "event_timestamp": _tsv_time(rev.timestamp),
                "event_comment": None if rev.comment_deleted else rev.comment,
                "event_user_id": None if user is None else user.user_id, "event_user_text_historical": name,
                "event_user_text": name,
                "event_user_groups_historical": [] if rev.contributor_deleted else sorted(user.groups) if user else [],
                "event_user_is_bot_by_historical": [] if name is None else _bot_by(user, name),
                "event_user_is_anonymous": not rev.contributor_deleted and user is None,
                "event_user_is_temporary": user is not None and user.is_temporary,
                "event_user_is_permanent": user is not None and not user.is_temporary,
                "event_user_registration_timestamp": _tsv_time(user.registration) if user else None,
                "page_id": page.page_id, "page_title_historical": title.replace(" ", "_"),
                "page_title": page.title.replace(" ", "_"), "page_namespace_historical": namespace,
                "page_namespace": page.namespace, "page_namespace_is_content": page.namespace == 0,
                "page_namespace_is_content_historical": namespace == 0, "page_is_redirect": page.redirect is not None,
                "revision_id": rev.rev_id, "revision_parent_id": rev.parent_id or 0, "revision_minor_edit": rev.minor,
                "revision_deleted_parts": deleted, "revision_deleted_parts_are_suppressed": False if deleted else None,
                "revision_text_bytes": rev.bytes,
                "revision_text_bytes_diff": rev.bytes - sizes[rev.parent_id] if rev.parent_id else rev.bytes,
                "revision_text_sha1": rev.sha1, "revision_content_model": rev.model,
                "revision_content_format": rev.format, "revision_is_deleted_by_page_deletion": False,
            }
            rows.append((rev.timestamp, rev.rev_id, _tsv_line(values)))
    for deletion in page_deletions(wiki):
        page, sysop = deletion.page, deletion.sysop
        _, title = _split_title(wiki, _titles_at_each_revision(wiki, page)[0])  # no move before the restoration
        for event_type, when, comment in (("delete", deletion.deleted, "spam"),
                                          ("restore", deletion.restored, "restored after review")):
            rows.append((when, 0, _tsv_line({
                "wiki_db": db, "event_entity": "page", "event_type": event_type, "event_timestamp": _tsv_time(when),
                "event_comment": comment, "event_user_id": sysop.user_id, "event_user_text_historical": sysop.user_name,
                "event_user_text": sysop.user_name, "event_user_groups_historical": sorted(sysop.groups),
                "event_user_is_anonymous": False, "event_user_is_permanent": True, "page_id": page.page_id,
                "page_title_historical": title.replace(" ", "_"), "page_title": page.title.replace(" ", "_"),
                "page_namespace_historical": 0, "page_namespace": 0, "page_namespace_is_content_historical": True,
                "page_namespace_is_content": True, "page_is_redirect": False})))
    rows.sort(key=lambda row: (row[0], row[1]))
    return "".join(line for _, _, line in rows).encode("utf-8")


def write_event_dumps(wiki: SampleWiki, out_dir: str | Path) -> dict[str, Path]:
    """Write the three event dumps of `wiki` into `out_dir`; returns their paths by role."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = event_file_names(wiki)
    files = {
        "events_json": gzip.compress(events_json(wiki), compresslevel=9, mtime=0),
        "events_avro": page_change_avro(wiki),
        "history_tsv": bz2.compress(history_tsv(wiki), 9),
    }
    paths = {}
    for key, data in files.items():
        path = out / names[key]
        path.write_bytes(data)
        paths[key] = path
    return paths
