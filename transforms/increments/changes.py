"""What changed between two snapshots, per page: read from the adds/changes dumps and page_change events.

The dumps give new revisions with their text; the events give what the dumps lack: deletions and
restorations of pages, moves, and revision deletion (visibility changes). `read_changes` folds both into one
`PageChange` per page touched, in time order, so that `apply.py` can bring that page's rows up to date.
Plain functions over files: no Beam.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field

from transforms.common.counters import CHANGE_EVENTS as EVENTS, INCREMENT_REVISIONS as INCREMENT
from transforms.common.problems import Problem, excerpt_of
from transforms.events.records import MissingField, bad_field, need_id, need_namespace, timestamp_of
from transforms.increments.inputs import IncrementDay
from transforms.revisions.history import page_history
from transforms.xml.inputs import XmlInput
from transforms.xml.records import Page, Revision
from transforms.xml.splits import plan_splits, read_split

# page_change kinds, and which the update applies from events (revisions come from the dumps).
REVISION_KINDS = frozenset(("create", "edit", "move"))
PAGE_KINDS = frozenset(("delete", "undelete"))
VISIBILITY = "visibility_change"
BAD_EVENT = "bad-change-event"
MISSING_REVISION = "revision-not-in-increments"
WHOLE_FILE = 1 << 62  # one split: an adds/changes dump is small, and read whole by one worker
# The parts revision deletion hides, by the page_change field that says they are visible.
VISIBLE_FIELDS = {"text": "is_content_visible", "comment": "is_comment_visible", "user": "is_editor_visible"}


@dataclass
class PageChange:
    """Everything that changed about one page since the base snapshot.

    Attributes:
        revision_rows: its new `revisions` rows from the dumps, byte diffs and reverts not yet final.
        latest: the page as the latest dump that holds it showed it, with only its latest revision (and
            that revision's text), for the content datasets; None when no dump holds it.
        latest_source: the dump `latest` came from.
        deleted: the page's state after the last delete or undelete event (None: no such event).
        moved_to: (namespace, title with spaces) after the last move event later than the latest dump's
            revision, when there is one.
        hidden: revision id -> the parts revision deletion hides now ("text", "comment", "user").
    """

    page_id: int
    revision_rows: list[dict] = field(default_factory=list)
    latest: Page | None = None
    latest_source: XmlInput | None = None
    deleted: bool | None = None
    moved_to: tuple[int, str] | None = None
    moved_at: int = 0
    hidden: dict[int, frozenset[str]] = field(default_factory=dict)


@dataclass
class Changes:
    """The changes of every page touched, the problems met (errors rows), and counts for the accounting."""

    pages: dict[int, PageChange] = field(default_factory=dict)
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (source file, problem)
    counts: dict[str, int] = field(default_factory=dict)

    def page(self, page_id: int) -> PageChange:
        change = self.pages.get(page_id)
        if change is None:
            change = self.pages[page_id] = PageChange(page_id)
        return change

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def _keep_latest(page: Page, kept: list) -> None:
    """Passes the page's revisions through, keeping the latest one (with its text) in `kept`."""
    revisions = page.revisions

    def passing():
        for revision in revisions:
            if not kept or (revision.timestamp, revision.id) > (kept[0].timestamp, kept[0].id):
                kept[:] = [revision]
            yield revision

    page.revisions = passing()


def _increment_page(page: Page, source: XmlInput):
    kept: list[Revision] = []
    _keep_latest(page, kept)
    history = page_history(page, is_history=True)
    yield from history.problems
    page.revisions = iter(kept)
    yield "increment", (page, history.revisions.as_dicts())


def read_increments(days: list[IncrementDay], changes: Changes) -> None:
    """Adds each day's new revisions (oldest day first) to `changes`; a page's later days override its
    `latest`. Revisions a later day gives again are left out (`increment-revisions-filtered:repeated`)."""
    seen: set[int] = set()
    for day in days:
        (split,) = plan_splits(day.dump, WHOLE_FILE)
        with read_split(split, _increment_page) as reader:
            for item in reader:
                if isinstance(item, Problem):
                    changes.problems.append((day.dump.path, item))
                    dropped = (1 if item.record_kind == "revision" else item.revisions_read if item.record_kind == "page"
                               else 0) if item.record_dropped else 0
                    changes.count(INCREMENT.read, dropped)
                    changes.count(INCREMENT.dropped, dropped)
                    continue
                page, rows = item[1]
                change = changes.page(page.page_id)
                for row in rows:
                    changes.count(INCREMENT.read)
                    if row["revision_id"] in seen:
                        changes.count(INCREMENT.filtered)
                        changes.count(INCREMENT.filtered_because("repeated"))
                        continue
                    seen.add(row["revision_id"])
                    change.revision_rows.append(row)
                latest = next(page.revisions, None)
                if latest is not None:
                    page.revisions = [latest]
                    change.latest, change.latest_source = page, day.dump


def read_events(paths: list[str], wiki_db: str, since: int, until: int, changes: Changes) -> set[int]:
    """Applies the page_change events of `wiki_db` between `since` and `until` (epoch seconds) to `changes`,
    in time order; returns the revision ids of the create, edit and move events (the dumps must hold them).

    A line that is not a page_change event of the expected shape is an errors row (`bad-change-event`);
    events of other wikis, streams or times are filtered (`change-events-filtered:<reason>`).
    """
    events = []
    for path in paths:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                changes.count(EVENTS.read)
                try:
                    event = _decode(line)
                except (ValueError, MissingField) as exc:
                    changes.count(EVENTS.dropped)
                    changes.problems.append((path, Problem(BAD_EVENT, f"line {number}: {exc}", "event", True,
                                                           excerpt=excerpt_of(line))))
                    continue
                reason = ("other-wiki" if event["wiki"] != wiki_db else
                          "before-base" if event["time"] <= since else "after-snapshot" if event["time"] > until else None)
                if reason:
                    changes.count(EVENTS.filtered)
                    changes.count(EVENTS.filtered_because(reason))
                    continue
                events.append(event)
    revisions = set()
    for event in sorted(events, key=lambda e: (e["time"], e["order"])):
        changes.count(EVENTS.written)
        change = changes.page(event["page_id"])
        kind = event["kind"]
        if kind in REVISION_KINDS:
            revisions.add(event["rev_id"])
            if kind == "move":
                change.moved_to, change.moved_at = (event["namespace"], event["title"]), event["time"]
        elif kind in PAGE_KINDS:
            change.deleted = kind == "delete"
        else:
            change.hidden[event["rev_id"]] = event["hidden"]
    return revisions


_order = iter(range(1 << 62))


def _decode(line: bytes) -> dict:
    """The fields of one page_change event the update uses (ValueError or MissingField when malformed)."""
    record = json.loads(line)
    if not isinstance(record, dict):
        raise bad_field("event", record, "a JSON object")
    kind = record.get("page_change_kind")
    if kind not in REVISION_KINDS | PAGE_KINDS | {VISIBILITY}:
        raise bad_field("page_change_kind", kind, "a page_change kind")
    page = record.get("page")
    revision = record.get("revision")
    if not isinstance(page, dict) or not isinstance(revision, dict):
        raise bad_field("page" if not isinstance(page, dict) else "revision", page, "an object")
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    title = page.get("page_title")
    if not isinstance(title, str) or not title:
        raise bad_field("page.page_title", title, "a title")
    namespace = need_namespace(page.get("namespace_id"), "page.namespace_id")
    event = {"kind": kind, "wiki": record.get("wiki_id"), "page_id": need_id(page.get("page_id"), "page.page_id"),
             "rev_id": need_id(revision.get("rev_id"), "revision.rev_id"),
             "time": timestamp_of(record.get("dt", meta.get("dt")), "dt"), "namespace": namespace,
             "title": _without_prefix(title.replace("_", " "), namespace), "order": next(_order)}
    if kind == VISIBILITY:
        flags = {part: revision.get(name) for part, name in VISIBLE_FIELDS.items()}
        for part, visible in flags.items():
            if not isinstance(visible, bool):
                raise bad_field(f"revision.{VISIBLE_FIELDS[part]}", visible, "true or false")
        event["hidden"] = frozenset(part for part, visible in flags.items() if not visible)
    return event


def _without_prefix(title: str, namespace: int) -> str:
    # page_change titles carry their namespace's prefix; every namespace's name ends at the first colon.
    return title.partition(":")[2] if namespace != 0 and ":" in title else title


def missing_revisions(changes: Changes, announced: set[int]) -> None:
    """An errors row for each revision the events announce that neither the dumps nor the base hold: a day
    of the adds/changes dumps is missing or was refused."""
    have = {row["revision_id"] for change in changes.pages.values() for row in change.revision_rows}
    for revision_id in sorted(announced - have):
        changes.problems.append(("", Problem(MISSING_REVISION, f"revision {revision_id} is in the page_change events "
                                             "but in no adds/changes dump given: a day is missing or was refused; "
                                             "rebuild from a full dump or give that day", "revision", False,
                                             revision_id=revision_id)))
