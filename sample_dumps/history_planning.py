"""Planning the histories of pages whose text comes from a draft: articles (with vandalism,
contested edits, protections and moves), support pages (templates, modules, categories, files,
project pages) and redirects.

Separate from discussions (history_discussions.py), which are written post by post rather than
replayed from a draft, and from the assembly of the wiki (history.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import articles, pages
from .history_editors import Cast
from .history_edits import Edit, PlannedPage, _rand_time, _summary_text, assign_times
from .history_site import UTC, WIKI_START
from .history_vandalism import _contest, _vandal_event
from .markup import Draft


@dataclass
class Profile:
    """How eventful a page's history is."""

    vandal_events: int = 0
    contested: int = 0
    protections: int = 0
    move_from: str | None = None
    creation_share: float = 0.0


def _group_actions(draft: Draft, rng: random.Random, creation_share: float) -> tuple[set[str], list[dict]]:
    """Split the draft's flags into the creation state and a list of later good-faith actions."""
    flags = draft.flags
    placed: list = []
    names = {f.name: f for f in flags}

    def place(f):
        if f in placed:
            return
        if f.parent and f.parent in names:
            place(names[f.parent])
        placed.append(f)

    for f in flags:
        place(f)
    content = [f for f in placed if f.kind in ("section", "content", "infobox")]
    n_initial = int(len(content) * creation_share)
    initial = {f.name for f in content[:n_initial]}
    actions = []
    rest = content[n_initial:]
    i = 0
    while i < len(rest):
        size = rng.choice([1, 1, 1, 2, 2, 3])
        group = rest[i:i + size]
        actions.append({"kind": "expand", "role": "content", "flags": [f.name for f in group],
                        "labels": [f.label for f in group if f.label], "key": (i + 0.5) / max(1, len(rest))})
        i += size
    typos = [f.name for f in placed if f.kind == "typo"]
    while typos:
        take = typos[:rng.choice([1, 1, 2])]
        typos = typos[len(take):]
        actions.append({"kind": "copyedit", "role": "copyedit", "flags": take, "key": rng.uniform(0.15, 1.05)})
    maint = [f.name for f in placed if f.kind == "maint"]
    for name in maint:
        actions.append({"kind": "maint", "role": "maint", "flags": [name], "key": rng.uniform(0.2, 1.0)})
    for f in placed:
        if f.kind == "update":
            actions.append({"kind": "update", "role": "update", "flags": [f.name], "key": rng.uniform(0.4, 1.05)})
        elif f.kind == "category":
            actions.append({"kind": "category", "role": "category", "flags": [f.name], "key": rng.uniform(0.1, 1.0),
                            "labels": []})
        elif f.kind == "interlang":
            actions.append({"kind": "interlang", "role": rng.choice(["interlang", "interlang-bot"]),
                            "flags": [f.name], "key": rng.uniform(0.2, 1.0)})
        elif f.kind in ("bot-accessdate", "bot-archive", "tidy"):
            role = {"bot-accessdate": "bot:accessdate", "bot-archive": "bot:archive", "tidy": "tidy"}[f.kind]
            actions.append({"kind": "bot", "role": role, "flags": [f.name], "key": rng.uniform(0.35, 1.1)})
    actions.sort(key=lambda a: a["key"])
    return initial, actions


def plan_flagged(draft: Draft, rng: random.Random, profile: Profile) -> list[Edit]:
    """Replay a draft as a list of edits (texts filled in; times, editors and comments later)."""
    initial, actions = _group_actions(draft, rng, profile.creation_share)
    state = frozenset(initial)
    edits = [Edit("create", "create", text=draft.render(state), note={})]
    n_actions = len(actions)
    vandal_after = sorted(rng.sample(range(n_actions + 1), min(profile.vandal_events, n_actions + 1)))
    if profile.vandal_events > n_actions + 1:
        vandal_after += [n_actions] * (profile.vandal_events - n_actions - 1)
    contested = set(rng.sample([i for i, a in enumerate(actions) if a["kind"] == "expand"],
                               min(profile.contested, sum(a["kind"] == "expand" for a in actions))))
    protect_after = set(rng.sample(vandal_after, min(profile.protections, len(vandal_after)))) if vandal_after else set()
    move_at = rng.randint(1, max(1, n_actions // 2)) if profile.move_from else None
    queue = list(enumerate(actions))
    done = 0

    def events_after(count: int) -> None:
        for _ in range(vandal_after.count(count)):
            _vandal_event(edits, draft, rng)
        if count in protect_after:
            edits.append(Edit("protect", "null", gap="quick", text=edits[-1].text, minor=True,
                              note={"protect": True}))

    events_after(0)
    while queue:
        # The first queued action that changes the text; the others wait for the parts they edit
        # (a typo fix inside a section that is not written yet, say).
        current = draft.render(state)
        ready = [i for i, (_, a) in enumerate(queue) if draft.render(state | set(a["flags"])) != current]
        if not ready:
            break
        index, action = queue.pop(ready[0])
        state = state | frozenset(action["flags"])
        text = draft.render(state)
        edit = Edit(action["role"], action["kind"], text=text, note=dict(action),
                    minor=action["kind"] in ("copyedit", "bot") or (action["kind"] == "category" and rng.random() < 0.4))
        edits.append(edit)
        if index in contested:
            _contest(edits, rng)
        done += 1
        if move_at is not None and done == move_at:
            edits.append(Edit("sysop" if rng.random() < 0.5 else "core", "null", text=edits[-1].text,
                              minor=True, note={"move_from": profile.move_from}))
        events_after(done)
    final = draft.render({f.name for f in draft.flags})
    if edits[-1].text != final:
        raise RuntimeError(f"{draft.title}: history does not end at the final text")
    return edits


MOVES = {"Hollin University": "University of Hollin", "Calder–Wend Canal": "Calder-Wend Canal",
         "Zofia Wiśniewska": "Zofia Wisniewska", "Tamlin (programming language)": "Tamlin (language)"}


def _article_profile(draft: Draft, rng: random.Random) -> Profile:
    if draft.title == "Eastmarch":
        return Profile(vandal_events=15, contested=3, protections=2, creation_share=0.2)
    if draft.title == "Main Page":
        return Profile(creation_share=1.0)
    vandal = rng.choices([0, 1, 2, 3], [0.32, 0.38, 0.2, 0.1])[0]
    return Profile(vandal_events=vandal, contested=1 if rng.random() < 0.12 else 0,
                   protections=1 if vandal >= 2 and rng.random() < 0.35 else 0,
                   move_from=MOVES.get(draft.title),
                   creation_share=rng.choice([0.0, 0.0, 0.15, 0.3, 0.5]))


def _plan_articles(text_rng: random.Random, rng: random.Random, world, cast: Cast) -> list[PlannedPage]:
    planned = []
    for draft in articles.write_articles(text_rng, world):
        profile = _article_profile(draft, rng)
        edits = plan_flagged(draft, rng, profile)
        if draft.title == "Main Page":
            install = Edit("system", "create", text=MAIN_PAGE_DEFAULT, ts=WIKI_START, comment="",
                           editor=cast.by_name["MediaWiki default"])
            edits[0].kind = "expand"
            edits[0].comment = f"Replaced content with '{_summary_text(edits[0].text)}'"
            edits.insert(0, install)
            start = WIKI_START + timedelta(hours=2)
            assign_times(edits[1:], start, rng)
        else:
            start = _rand_time(rng, datetime(2024, 3, 6, tzinfo=UTC), datetime(2025, 9, 30, tzinfo=UTC), 1.6)
            assign_times(edits, start, rng)
        planned.append(PlannedPage(0, draft.title, draft.model, draft.format, None, edits, draft.facts, draft.role,
                                   draft.ledger))
    return planned


MAIN_PAGE_DEFAULT = ("<strong>MediaWiki has been installed.</strong>\n\nConsult the "
                     "[https://www.mediawiki.org/wiki/Special:MyLanguage/Help:Contents User's Guide] for "
                     "information on using the wiki software.\n\n== Getting started ==\n"
                     "* [https://www.mediawiki.org/wiki/Special:MyLanguage/Manual:Configuration_settings "
                     "Configuration settings list]\n"
                     "* [https://www.mediawiki.org/wiki/Special:MyLanguage/Manual:FAQ MediaWiki FAQ]\n"
                     "* [https://lists.wikimedia.org/postorius/lists/mediawiki-announce.lists.wikimedia.org/ "
                     "MediaWiki release mailing list]")


def _plan_support(rng: random.Random, world, cast: Cast) -> list[PlannedPage]:
    """Templates, modules, CSS/JS, categories, files, project pages: quiet histories, early start."""
    planned = []
    drafts = (pages.templates() + pages.modules() + pages.site_scripts() + pages.categories(world)
              + pages.files(world) + pages.project_pages())
    for draft in drafts:
        edits = plan_flagged(draft, rng, Profile(creation_share=rng.choice([0.0, 0.5])))
        for e in edits:
            if e.role in ("content", "create", "copyedit", "update", "maint"):
                e.role = "sysop" if draft.role in ("template", "module", "site-css", "site-js") and \
                    rng.random() < 0.7 else "core"
            if draft.role == "draft":
                # The newcomer writes the draft; the reviewer named in {{AfC submission}} declines it.
                e.editor = cast.by_name["Marisol Ferreira" if e.kind == "maint" else "Heron Quill"]
                if e.kind == "maint":
                    e.comment = ("Declining submission: nn - Submission is about a topic not yet shown to meet "
                                 "notability guidelines ([[WP:AFCH|AFCH]])")
        if draft.role in ("template", "module", "site-css", "site-js", "category"):
            lo, hi = WIKI_START + timedelta(hours=1), datetime(2024, 4, 20, tzinfo=UTC)
        else:
            lo, hi = datetime(2024, 3, 10, tzinfo=UTC), datetime(2025, 6, 30, tzinfo=UTC)
        if draft.role == "draft":
            lo, hi = datetime(2025, 3, 5, tzinfo=UTC), datetime(2025, 3, 20, tzinfo=UTC)
        assign_times(edits, _rand_time(rng, lo, hi), rng)
        planned.append(PlannedPage(draft.namespace, draft.title, draft.model, draft.format, None, edits,
                                   draft.facts, draft.role))
    return planned


def _plan_redirects(rng: random.Random, world, article_titles: set[str],
                    created: dict[str, datetime]) -> list[PlannedPage]:
    planned = []
    for draft in pages.redirects(world, article_titles):
        target_created = created.get(draft.redirect, WIKI_START + timedelta(days=3))
        start = _rand_time(rng, target_created + timedelta(days=1), datetime(2025, 11, 30, tzinfo=UTC), 1.5)
        text = draft.render(set())
        edits = [Edit("core", "create", text=text, ts=start,
                      comment=rng.choice([f"Redirected page to [[{draft.redirect}]]", "redirect", "rdr", ""]))]
        first = text.split("\n")[0]
        if first != text and rng.random() < 0.5:
            # The redirect category template arrived later.
            edits = [Edit("core", "create", text=first, ts=start,
                          comment=f"Redirected page to [[{draft.redirect}]]"),
                     Edit("core", "expand", text=text, ts=start + timedelta(days=rng.randint(3, 90)),
                          minor=True, comment="tag redirect")]
        planned.append(PlannedPage(draft.namespace, draft.title, "wikitext", "text/x-wiki", draft.redirect,
                                   edits, {}, "redirect"))
    return planned
