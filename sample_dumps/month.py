"""samplewiki a month later: the second snapshot, the daily adds/changes dumps between the two, and the
page_change events of the same edits.

`build_next_month(wiki, seed)` replays January 2026 on top of the first snapshot's model (nothing of it is
changed in place) and returns a `Month`:
- `wiki`: the model at the second snapshot (NEXT_DUMP_DATE): pages edited, created, moved (with the
  redirect left behind), deleted (gone), deleted and restored (whole), revisions hidden by revision
  deletion (text and comment of a vandal edit, the editor of another);
- `days`: what each daily adds/changes dump holds: the revisions saved since the previous day's
  `maxrevid`, under their page as it stood at the dump (title, redirect), with their text; no deletions
  and no moves, as Wikimedia's adds/changes dumps carry none;
- `events`: `mediawiki.page_change.v1` events of the month, in time order: create, edit, move, delete,
  undelete and visibility_change.

The edits are chosen so that an incremental update has each hard case to get right: a revert to a
revision older than the first snapshot's latest (which flags that latest as reverted), vandalism reverted
within the month, a page created and deleted inside the month (its revisions are in an adds/changes dump
but not in the second snapshot), a page deleted and restored, a move, and revision deletion of revisions
already published.

Writers: `write_increments` (Wikimedia's layout, `<out>/<wiki>/<YYYYMMDD>/` as under
https://dumps.wikimedia.org/other/incr/), `write_month_events` (hourly JSON files as `wikidumps stream`
writes them) and, for the second snapshot's full dumps, `write_xml_dumps(month.wiki, out)`.
"""

from __future__ import annotations

import bz2
import copy
import gzip
import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .events import IMPLICIT_GROUPS, _user, page_change_events
from .model import Contributor, Page, Revision, SampleWiki
from .xmldump import FOOTER, header_xml, page_xml

NEXT_DUMP_DATE = "20260201"
MONTH_START = datetime(2026, 1, 1, tzinfo=timezone.utc)
MONTH_DAYS = 31
STREAM = "mediawiki.page_change.v1"

# What January brings; each a different page (pages are picked in a seeded order, never twice).
EDITED_PAGES = 10  # one to three plain edits each
NEW_ARTICLES = ("Harbour Lights Festival", "Eastmarch tidal mill", "Ossian Reed")
SENTENCES = (
    "In January 2026 the local council published a new survey of the area.",
    "A restoration project began in early 2026.",
    "The site was listed in the national register in 2026.<ref>{{cite news |title=Register update "
    "|work=Eastmarch Herald |date=12 January 2026}}</ref>",
    "Further research is under way at the University of Kingsholm.",
    "Its name is recorded in several medieval charters.",
    "Visitor numbers rose sharply during the winter of 2025–26.",
)


@dataclass
class Day:
    """One daily adds/changes dump: `date` (YYYYMMDD, the day it was made), the highest revision id
    when it was made, and per page (as it stood then) the revisions saved since the previous dump."""

    date: str
    max_rev_id: int
    pages: list[tuple[Page, list[Revision]]] = field(default_factory=list)


@dataclass
class Month:
    """The second snapshot, the daily dumps leading to it, and the month's page_change events."""

    wiki: SampleWiki
    days: list[Day]
    events: list[dict]
    deleted_page_ids: tuple[int, ...]  # deleted in the month and not restored


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(timestamp: str) -> datetime:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


class _Clock:
    """Distinct edit times in the month, drawn from the month's generator."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[datetime] = set()

    def on_day(self, day: int) -> datetime:
        while True:
            ts = MONTH_START + timedelta(days=day, seconds=self._rng.randint(3_600, 80_000))
            if ts not in self._used:
                self._used.add(ts)
                return ts


@dataclass
class _Edit:
    page: Page
    ts: datetime
    contributor: Contributor
    text: str
    comment: str
    kind: str
    minor: bool = False
    new_title: str | None = None  # a move


def build_next_month(wiki: SampleWiki, seed: int) -> Month:
    """January 2026 on top of `wiki` (which is left as it is), deterministically from `seed`."""
    rng = random.Random(f"samplewiki:{seed}:month")
    clock = _Clock(rng)
    wiki2 = copy.deepcopy(wiki)
    wiki2.dump_date = NEXT_DUMP_DATE
    editors = [Contributor(user=u) for u in wiki2.users if not u.is_bot and not u.is_temporary]
    temporary = [Contributor(user=u) for u in wiki2.users if u.is_temporary]
    sysop = next(u for u in wiki2.users if "sysop" in u.groups)
    articles = [p for p in wiki2.pages if p.namespace == 0 and p.redirect is None and p.title != "Main Page"
                and len(p.revisions) >= 3]
    rng.shuffle(articles)
    picks = iter(articles)
    edits: list[_Edit] = []

    for page in [next(picks) for _ in range(EDITED_PAGES)]:
        text = page.latest.text
        for day in sorted(rng.sample(range(MONTH_DAYS - 1), rng.randint(1, 3))):
            text = text.rstrip("\n") + "\n\n" + rng.choice(SENTENCES) + "\n"
            edits.append(_Edit(page, clock.on_day(day), rng.choice(editors), text, "Update for 2026", "update"))
    # Vandalism and its revert inside the month, on a page edited before it.
    vandalised = next(picks)
    day = rng.randrange(MONTH_DAYS - 1)
    bad = clock.on_day(day)
    edits.append(_Edit(vandalised, bad, rng.choice(temporary), "lol this page is stupid\n", "", "vandalism"))
    edits.append(_Edit(vandalised, bad + timedelta(minutes=3), rng.choice(editors), vandalised.latest.text,
                       "Reverted vandalism", "revert"))
    # A revert to the revision before the first snapshot's latest: that latest becomes identity reverted.
    reverted = next(picks)
    edits.append(_Edit(reverted, clock.on_day(rng.randrange(MONTH_DAYS - 1)), rng.choice(editors),
                       reverted.revisions[-2].text, f"Undid revision {reverted.latest.rev_id}", "revert"))
    # A move, leaving a redirect at the old title.
    moved = next(picks)
    old_title = moved.title
    edits.append(_Edit(moved, clock.on_day(rng.randrange(MONTH_DAYS - 1)), rng.choice(editors), moved.latest.text,
                       f"moved page [[{old_title}]] to [[{old_title} (Eastmarch)]]", "null", new_title=f"{old_title} (Eastmarch)"))
    deleted = next(picks)
    restored = next(picks)
    hidden_vandal = next(r for p in picks for r in p.revisions[1:-1] if r.kind == "vandalism")
    hidden_editor = next(picks).revisions[1]

    next_page_id = max(p.page_id for p in wiki2.pages) + 1
    new_pages = []
    for title in NEW_ARTICLES + ("Buy cheap watches online",):
        page = Page(next_page_id, 0, title, title, "wikitext", "text/x-wiki", None)
        next_page_id += 1
        new_pages.append(page)
        day = rng.randrange(MONTH_DAYS - 3)
        if title in NEW_ARTICLES:
            text = (f"'''{title}''' is a subject in [[Eastmarch]].\n\n== History ==\n{rng.choice(SENTENCES)}\n\n"
                    "== References ==\n<references />\n\n[[Category:Eastmarch]]\n")
            edits.append(_Edit(page, clock.on_day(day), rng.choice(editors), text, "New article", "create"))
            if title == NEW_ARTICLES[0]:
                edits.append(_Edit(page, clock.on_day(day + 2), rng.choice(editors),
                                   text + rng.choice(SENTENCES) + "\n", "Expanded", "expand"))
        else:
            spam = page  # created and deleted inside the month
            edits.append(_Edit(page, clock.on_day(day), rng.choice(temporary),
                                "Buy cheap watches at [http://example.com/watches example.com]!\n", "", "create"))

    # Revision ids in time order, after the first snapshot's highest; text rows likewise.
    edits.sort(key=lambda e: e.ts)
    rev_id = max(r.rev_id for _, r in wiki2.revisions())
    text_id = max(r.text_id for _, r in wiki2.revisions())
    redirects: list[tuple[Page, _Edit]] = []
    for e in edits:
        rev_id += 1
        parent = e.page.revisions[-1] if e.page.revisions else None
        if e.kind != "null":
            text_id += 1
        rev = Revision(rev_id=rev_id, parent_id=parent.rev_id if parent else None, timestamp=_iso(e.ts),
                       contributor=e.contributor, minor=e.minor, comment=e.comment, text=e.text,
                       model=e.page.model, format=e.page.format, text_id=parent.text_id if e.kind == "null" else text_id,
                       origin=parent.origin if e.kind == "null" else rev_id, kind=e.kind)
        e.page.revisions.append(rev)
        if e.new_title:
            old_full = e.page.full_title
            e.page.title = e.page.full_title = e.new_title
            redirect = Page(next_page_id, 0, old_full, old_full, "wikitext", "text/x-wiki", e.new_title)
            next_page_id += 1
            rev_id += 1
            text_id += 1
            redirect.revisions.append(Revision(
                rev_id=rev_id, parent_id=None, timestamp=_iso(e.ts), contributor=e.contributor, minor=False,
                comment=e.comment, text=f"#REDIRECT [[{e.new_title}]]\n\n{{{{R from move}}}}\n", model="wikitext",
                format="text/x-wiki", text_id=text_id, origin=rev_id, kind="move-redirect"))
            new_pages.append(redirect)
            redirects.append((redirect, e))

    # Deletions (page_change delete/undelete), and revision deletion (visibility_change), by the sysop.
    delete_day = rng.randrange(2, MONTH_DAYS - 4)
    spam_deleted = _parse(spam.revisions[0].timestamp) + timedelta(days=1)
    actions = [("delete", deleted, clock.on_day(delete_day)),
               ("delete", restored, clock.on_day(delete_day + 1)),
               ("undelete", restored, clock.on_day(delete_day + 3)),
               ("delete", spam, spam_deleted)]
    wiki2.pages = sorted(wiki2.pages + new_pages, key=lambda p: p.page_id)
    everything = copy.copy(wiki2)  # the wiki with the month's deleted pages still in it, for the events
    wiki2.pages = [p for p in wiki2.pages if p.page_id not in (deleted.page_id, spam.page_id)]
    known = {r.rev_id for _, r in wiki.revisions()}
    events = [e for e in page_change_events(everything) if e["revision"]["rev_id"] not in known]
    domain = wiki.siteinfo.base.split("/")[2]
    for kind, page, when in actions:
        events.append(_page_event(everything, page, kind, when, sysop, domain))
    hide_day = rng.randrange(MONTH_DAYS - 1)
    pages_by_rev = {r.rev_id: p for p in everything.pages for r in p.revisions}
    for rev, parts in ((hidden_vandal, ("text", "comment")), (hidden_editor, ("user",))):
        when = clock.on_day(hide_day)
        prior = {"is_content_visible": not rev.text_deleted, "is_editor_visible": not rev.contributor_deleted,
                 "is_comment_visible": not rev.comment_deleted}
        rev.text_deleted |= "text" in parts
        rev.comment_deleted |= "comment" in parts
        rev.contributor_deleted |= "user" in parts
        events.append(_visibility_event(everything, pages_by_rev[rev.rev_id], rev, prior, when, sysop, domain))
    events.sort(key=lambda e: (e["meta"]["dt"], e["meta"]["id"]))
    days = _days(everything, known, redirects)
    return Month(wiki2, days, events, (deleted.page_id, spam.page_id))


def _performer(user) -> dict:
    return {"user_text": user.user_name, "user_id": user.user_id, "groups": sorted(user.groups) + IMPLICIT_GROUPS,
            "is_bot": False, "is_system": False, "is_temp": False, "registration_dt": user.registration}


def _event_id(kind: str, page_id: int, rev_id: int) -> str:
    digest = hashlib.sha1(f"{kind}:{page_id}:{rev_id}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def _base_event(wiki: SampleWiki, page: Page, rev: Revision, kind: str, when: datetime, domain: str) -> dict:
    revision = {"rev_id": rev.rev_id, "rev_dt": rev.timestamp, "is_minor_edit": rev.minor, "rev_sha1": rev.sha1,
                "rev_size": rev.bytes, "rev_parent_id": rev.parent_id,
                "is_content_visible": not rev.text_deleted, "is_editor_visible": not rev.contributor_deleted,
                "is_comment_visible": not rev.comment_deleted,
                "content_slots": {"main": {"slot_role": "main", "content_model": rev.model, "content_sha1": rev.sha1,
                                           "content_size": rev.bytes, "content_format": rev.format,
                                           "origin_rev_id": rev.origin}}}
    if not rev.comment_deleted:
        revision["comment"] = rev.comment
    if not rev.contributor_deleted:
        revision["editor"] = _user(wiki, rev)
    return {"$schema": "/mediawiki/page/change/1.2.0",
            "meta": {"stream": STREAM, "domain": domain, "dt": _iso(when),
                     "uri": f"https://{domain}/wiki/{page.full_title.replace(' ', '_')}",
                     "id": _event_id(kind, page.page_id, rev.rev_id)},
            "dt": _iso(when), "wiki_id": wiki.siteinfo.dbname, "page_change_kind": kind,
            "page": {"page_id": page.page_id, "page_title": page.full_title.replace(" ", "_"),
                     "namespace_id": page.namespace, "is_redirect": page.redirect is not None},
            "revision": revision}


def _page_event(wiki: SampleWiki, page: Page, kind: str, when: datetime, sysop, domain: str) -> dict:
    """A delete or undelete event: the page's current revision, the sysop as performer."""
    event = _base_event(wiki, page, page.latest, kind, when, domain)
    event["changelog_kind"] = "delete" if kind == "delete" else "insert"
    event["performer"] = _performer(sysop)
    return event


def _visibility_event(wiki: SampleWiki, page: Page, rev: Revision, prior: dict, when: datetime, sysop,
                      domain: str) -> dict:
    """A visibility_change event: the revision as it is now visible, its earlier visibility in prior_state."""
    event = _base_event(wiki, page, rev, "visibility_change", when, domain)
    event["changelog_kind"] = "update"
    event["performer"] = _performer(sysop)
    event["prior_state"] = {"revision": prior}
    return event


def _days(everything: SampleWiki, known: set[int], redirects) -> list[Day]:
    """The daily adds/changes dumps, made at 00:00 UTC from January 2nd to February 1st, each with the
    revisions saved since the previous one, under their page's title at that time (before a move, the old)."""
    moves = {e.page.page_id: (e.ts, redirect.title) for redirect, e in redirects}
    days: list[Day] = []
    max_rev = max(known)
    for offset in range(1, MONTH_DAYS + 1):
        made = MONTH_START + timedelta(days=offset)
        day = Day(made.strftime("%Y%m%d"), max_rev)
        for page in everything.pages:
            new = [r for r in page.revisions if r.rev_id > max_rev and _parse(r.timestamp) < made]
            if not new:
                continue
            shown = page
            if page.page_id in moves and moves[page.page_id][0] >= made:
                shown = copy.copy(page)
                shown.title = shown.full_title = moves[page.page_id][1]
            day.pages.append((shown, new))
            day.max_rev_id = max(day.max_rev_id, max(r.rev_id for r in new))
        max_rev = day.max_rev_id
        days.append(day)
    return days


def increment_file_names(dbname: str, date: str) -> dict[str, str]:
    """The files of one adds/changes run, by role."""
    return {"pages": f"{dbname}-{date}-pages-meta-hist-incr.xml.bz2",
            "stubs": f"{dbname}-{date}-stubs-meta-hist-incr.xml.gz",
            "md5sums": f"{dbname}-{date}-md5sums.txt", "maxrevid": "maxrevid.txt", "status": "status.txt"}


def write_increments(month: Month, out_dir: str | Path) -> list[Path]:
    """Each day's adds/changes dump under `<out_dir>/<wiki>/<YYYYMMDD>/`; returns the day folders."""
    wiki = month.wiki
    folders = []
    for day in month.days:
        folder = Path(out_dir) / wiki.siteinfo.dbname / day.date
        folder.mkdir(parents=True, exist_ok=True)
        names = increment_file_names(wiki.siteinfo.dbname, day.date)
        dated = copy.copy(wiki)
        dated.dump_date = day.date

        def xml(stub: bool) -> bytes:
            parts = [header_xml(dated)] + [page_xml(p, revs, stub=stub) for p, revs in day.pages] + [FOOTER]
            return "".join(parts).encode("utf-8")

        files = {names["pages"]: bz2.compress(xml(False), 9),
                 names["stubs"]: gzip.compress(xml(True), compresslevel=9, mtime=0)}
        md5 = "".join(f"{hashlib.md5(data).hexdigest()}  {name}\n" for name, data in files.items())
        files[names["md5sums"]] = md5.encode()
        files[names["maxrevid"]] = f"{day.max_rev_id}\n".encode()
        files[names["status"]] = b"done\n"
        for name, data in files.items():
            (folder / name).write_bytes(data)
        folders.append(folder)
    return folders


def write_month_events(month: Month, out_dir: str | Path) -> list[Path]:
    """The month's page_change events as hourly JSON-lines files, as `wikidumps stream` publishes them
    (`<out_dir>/<stream>/<stream>-YYYYMMDD-HH.json`)."""
    by_hour: dict[str, list[dict]] = {}
    for event in month.events:
        hour = _parse(event["meta"]["dt"]).strftime("%Y%m%d-%H")
        by_hour.setdefault(hour, []).append(event)
    folder = Path(out_dir) / STREAM
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for hour, events in sorted(by_hour.items()):
        path = folder / f"{STREAM}-{hour}.json"
        path.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events),
                        encoding="utf-8")
        paths.append(path)
    return paths


def write_next_month(wiki: SampleWiki, out_dir: str | Path, seed: int) -> Month:
    """The second snapshot's XML dumps in `<out_dir>/dumps`, the adds/changes dumps in `<out_dir>/incr` and
    the month's events in `<out_dir>/events`."""
    from .xmldump import write_xml_dumps

    month = build_next_month(wiki, seed)
    out = Path(out_dir)
    write_xml_dumps(month.wiki, out / "dumps")
    write_increments(month, out / "incr")
    write_month_events(month, out / "events")
    return month
