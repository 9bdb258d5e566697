"""Editing histories of samplewiki: who changed which page when, and `build_wiki`.

How a history is made:
1. Each draft (markup.Draft) is replayed as a sequence of planned edits that switch its flags on
   (sections, copyedits, bot fixes, categories, ...), with vandalism and reverts, contested edits
   that are reverted and restored, and null revisions (protections, page moves) in between.
2. The plan gets timestamps inside the wiki's lifetime, then editors who were active at that time
   (IP editors only before temporary accounts were switched on, temporary accounts only after).
3. Discussions (talk pages, user talk warnings and welcomes, the village pump) are written with
   signatures that match their editors and timestamps.
4. Page ids follow page creation and revision ids follow time across the whole wiki, as on a real
   wiki; a few ids are skipped, as deleted pages and revisions leave gaps.

Where each step lives: history_editors.py (who edits), history_planning.py (articles, support
pages, redirects replayed from drafts), history_vandalism.py (vandalism, reverts, revision
deletion), history_edits.py (Edit, and times, editors and summaries for it), history_discussions.py
(talk, user talk, village pump, user pages), history_site.py (siteinfo and the wiki's lifetime).
This module puts them together: build_wiki, and _finish for the ids.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from .history_discussions import _plan_project_discussions, _plan_talk, _plan_user_pages, _plan_user_talk
from .history_editors import Cast
from .history_edits import Edit, PlannedPage, cast_edits, write_comments
from .history_planning import _plan_articles, _plan_redirects, _plan_support
from .history_site import SITEINFO, TEMP_ACCOUNTS_FROM, WIKI_END, WIKI_START, _full_title
from .history_vandalism import _deletions
from .model import Contributor, Page, Revision, SampleWiki, User
from .world import build_world

# The wiki's settings are defined in history_site.py and offered here with build_wiki.
__all__ = ["SITEINFO", "TEMP_ACCOUNTS_FROM", "WIKI_END", "WIKI_START", "build_wiki"]


# ---------------------------------------------------------------------------------------------
# Putting it together

def _finish(planned: list[PlannedPage], cast: Cast, rng: random.Random) -> SampleWiki:
    """Assign ids, resolve summaries, build the model."""
    seq = 0
    for page in planned:
        for e in page.edits:
            e.seq = seq
            seq += 1
    # Page ids in creation order, with gaps left by deleted pages.
    order = sorted(planned, key=lambda p: (p.edits[0].ts, p.edits[0].seq))
    page_ids = {}
    next_id = 1
    for page in order:
        if next_id > 3 and rng.random() < 0.06:
            next_id += rng.randint(1, 3)
        page_ids[id(page)] = next_id
        next_id += 1
    # Revision ids in time order across the wiki, with gaps left by deleted revisions.
    all_edits = sorted((e for page in planned for e in page.edits), key=lambda e: (e.ts, e.seq))
    rev_ids = {}
    next_rev = 1
    for e in all_edits:
        if next_rev > 5 and rng.random() < 0.03:
            next_rev += rng.randint(1, 4)
        rev_ids[id(e)] = next_rev
        next_rev += 1
    # Accounts: registered just before their first edit unless fixed; ids in registration order.
    for ed in cast.editors:
        if ed.registration is None and not ed.is_ip and ed.first_edit is not None:
            ed.registration = max(WIKI_START + timedelta(minutes=1),
                                  ed.first_edit - timedelta(seconds=rng.randint(45, 7200)))
    accounts = [ed for ed in cast.editors if not ed.is_ip and ed.registration is not None]
    accounts.sort(key=lambda ed: (ed.registration, ed.name))
    users = {}
    for uid, ed in enumerate(accounts, start=1):
        users[ed.name] = User(uid, ed.name, iso(ed.registration), ed.groups)
    pages_out = []
    for page in sorted(planned, key=lambda p: page_ids[id(p)]):
        revs: list[Revision] = []
        for e in page.edits:
            rid = rev_ids[id(e)]
            comment = _resolve_rev_refs(e.comment or "", page.edits, rev_ids)
            ed = e.editor
            contributor = Contributor(ip=ed.name) if ed.is_ip else Contributor(user=users[ed.name])
            revs.append(Revision(
                rev_id=rid, parent_id=revs[-1].rev_id if revs else None, timestamp=iso(e.ts),
                contributor=contributor, minor=e.minor, comment=comment, text=e.text, model=page.model,
                format=page.format, text_id=0, origin=rid,
                contributor_deleted=e.contributor_deleted, comment_deleted=e.comment_deleted,
                text_deleted=e.text_deleted, kind=e.kind,
                reverts_to=rev_ids[id(page.edits[e.restore])] if e.restore is not None else None))
        full = _full_title(page.namespace, page.title)
        pages_out.append(Page(page_ids[id(page)], page.namespace, page.title, full, page.model, page.format,
                              page.redirect, revs, dict(page.facts), ledger=page.ledger))
    # Text-table rows in revision order. Null revisions (protection, move) add no row: they point at
    # their parent's row and keep its origin, as MediaWiki's null revisions inherit their slots.
    next_text = 1
    for r in sorted((r for p in pages_out for r in p.revisions if r.kind != "null"), key=lambda r: r.rev_id):
        r.text_id = next_text
        next_text += 1
    for p in pages_out:
        for prev, r in zip(p.revisions, p.revisions[1:]):
            if r.kind == "null":
                r.text_id, r.origin = prev.text_id, prev.origin
    # Wikidata-style ids for content articles, in page id order.
    q = 1000
    for p in pages_out:
        if p.namespace == 0 and p.redirect is None and p.facts.get("instance_of"):
            p.wikidata_id = f"Q{q}"
            q += 1
    return SampleWiki(SITEINFO, [users[ed.name] for ed in accounts], pages_out)


def _resolve_rev_refs(comment: str, edits: list[Edit], rev_ids: dict[int, int]) -> str:
    """Replace rev_ref() placeholders by the rev_ids assigned to those edits."""
    return re.sub("\x00R(\\d+)\x00", lambda m: str(rev_ids[id(edits[int(m.group(1))])]), comment)


def iso(ts: datetime) -> str:
    """MediaWiki's ISO 8601 timestamp form."""
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_wiki(seed: int = 20260101) -> SampleWiki:
    """Build the whole samplewiki model, deterministically from `seed` (no clock, no I/O).

    Args:
        seed: the seed every random generator of the build is derived from.

    Returns:
        The model: siteinfo, users, pages with their revisions.
    """
    def part(name: str) -> random.Random:
        # One generator per part of the wiki, each seeded from `seed` and the part's name (string
        # seeds are hashed with SHA-512, so this is stable across runs and platforms). Changing how
        # one part is written then leaves the other parts as they were.
        return random.Random(f"samplewiki:{seed}:{name}")

    cast = Cast(part("editors"))
    world = build_world(part("world"))
    planned = _plan_articles(part("article-text"), part("article-history"), world, cast)
    planned += _plan_support(part("support"), world, cast)
    created = {_full_title(p.namespace, p.title): p.edits[0].ts for p in planned}
    summaries = part("summaries")
    for p in planned:
        cast_edits(p.edits, cast)
        write_comments(p.edits, _full_title(p.namespace, p.title), summaries, article=p.namespace == 0)
    # Page moves leave a redirect behind at the old title.
    for p in list(planned):
        for e in p.edits:
            if e.note.get("move_from"):
                old = e.note["move_from"]
                text = f"#REDIRECT [[{p.title}]]\n\n{{{{Redirect category shell|\n{{{{R from move}}}}\n}}}}"
                planned.append(PlannedPage(0, old, "wikitext", "text/x-wiki", p.title, [
                    Edit("same", "move-redirect", text=text, ts=e.ts, editor=e.editor, comment=e.comment)],
                    {}, "redirect"))
    planned += _plan_redirects(part("redirects"), world, {p.title for p in planned if p.namespace == 0}, created)
    for p in planned:
        cast_edits(p.edits, cast)
    planned += _plan_talk(part("talk"), cast, [p for p in planned if p.namespace == 0 and p.redirect is None])
    planned += _plan_project_discussions(part("project"), cast)
    planned += _plan_user_pages(part("user-pages"), cast)
    for p in planned:
        cast_edits(p.edits, cast)
    planned += _plan_user_talk(part("user-talk"), cast, planned)
    for p in planned:
        cast_edits(p.edits, cast)
    _deletions(part("deletions"), planned)
    return _finish(planned, cast, part("ids"))
