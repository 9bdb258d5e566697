"""Planned edits (Edit, PlannedPage) and how each gets its time, its editor and its edit summary.

Separate because every planner (articles, vandalism, discussions) makes Edits and every page's
edits go through the same filling-in steps, while none of this depends on what is planned.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .articles_writer import MONTHS
from .history_editors import Cast, Editor
from .history_site import WIKI_END
from .model import Ledger


# ---------------------------------------------------------------------------------------------
# Planned edits

@dataclass
class Edit:
    """One planned revision of a page.

    `restore` is the index (in the page's edit list) of the revision whose text this one restores;
    comments refer to other revisions of the page as "\\x00R<index>\\x00", replaced by rev ids once
    ids are known.
    """

    role: str
    kind: str
    gap: str = "normal"
    text: str = ""
    minor: bool = False
    comment: str | None = None
    ts: datetime | None = None
    editor: Editor | None = None
    restore: int | None = None
    same_as: int | None = None
    note: dict = field(default_factory=dict)
    seq: int = 0
    contributor_deleted: bool = False
    comment_deleted: bool = False
    text_deleted: bool = False


def rev_ref(index: int) -> str:
    """A placeholder for the rev_id of the page's edit number `index`."""
    return f"\x00R{index}\x00"


def contribs(name: str) -> str:
    """How MediaWiki's revert summaries link an editor."""
    return f"[[Special:Contributions/{name}|{name}]] ([[User talk:{name}|talk]])"


@dataclass
class PlannedPage:
    namespace: int
    title: str
    model: str
    format: str
    redirect: str | None
    edits: list[Edit]
    facts: dict = field(default_factory=dict)
    role: str = "article"
    ledger: Ledger | None = None


# ---------------------------------------------------------------------------------------------
# Timestamps, editors and summaries

def assign_times(edits: list[Edit], start: datetime, rng: random.Random, end: datetime = WIKI_END) -> None:
    """Spread the edits from `start` to (before) `end`: quick gaps for reverts, the rest scaled."""
    fixed = []
    scaled = []
    for e in edits[1:]:
        if e.gap == "quick":
            fixed.append(rng.randint(90, 5400))
            scaled.append(0.0)
        elif e.gap == "short":
            fixed.append(rng.randint(3 * 3600, 4 * 86400))
            scaled.append(0.0)
        else:
            fixed.append(0)
            scaled.append(rng.expovariate(1.0) + 0.05)
    span = (end - start).total_seconds() * rng.uniform(0.5, 0.97) - sum(fixed)
    factor = max(span, 3600 * len(edits)) / (sum(scaled) or 1.0)
    t = start
    edits[0].ts = start
    for e, f, s in zip(edits[1:], fixed, scaled):
        t = t + timedelta(seconds=max(61, int(f + s * factor)))
        e.ts = t
    if edits[-1].ts > end:
        # Squeeze proportionally; happens only for pages created close to the end.
        total = (edits[-1].ts - start).total_seconds()
        room = (end - start).total_seconds()
        for e in edits[1:]:
            e.ts = start + timedelta(seconds=int((e.ts - start).total_seconds() * room / total))
        for prev, e in zip(edits, edits[1:]):
            if e.ts <= prev.ts:
                e.ts = prev.ts + timedelta(seconds=1)


def _rand_time(rng: random.Random, lo: datetime, hi: datetime, skew: float = 1.0) -> datetime:
    frac = rng.random() ** skew
    return lo + timedelta(seconds=int((hi - lo).total_seconds() * frac))


def cast_edits(edits: list[Edit], cast: Cast) -> None:
    """Choose an editor for every edit that has none yet, at its time; track first edits."""
    for i, e in enumerate(edits):
        if e.editor is None:
            if e.role == "same":
                e.editor = edits[e.same_as].editor
            else:
                e.editor = cast.pick(e.role, e.ts)
            # A reverter is never the vandal they revert.
            if e.kind == "revert" and e.role != "same":
                bad = {edits[j].editor.name for j in range((e.restore or 0) + 1, i)}
                while e.editor.name in bad:
                    e.editor = cast.pick("revert", e.ts)
        if e.editor.first_edit is None or e.ts < e.editor.first_edit:
            e.editor.first_edit = e.ts


def _summary_text(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 150 else flat[:147] + "..."


def write_comments(edits: list[Edit], full_title: str, rng: random.Random, article: bool = True) -> None:
    """Edit summaries: MediaWiki's automatic ones, /* section */ prefixes, revert tools' formats."""
    for i, e in enumerate(edits):
        note = e.note
        if e.comment is not None:
            continue
        e.comment = ""
        if e.kind == "create":
            e.comment = f"Created page with '{_summary_text(e.text)}'" if rng.random() < 0.75 else \
                rng.choice(["new article", "start page", "Creating article", ""])
        elif e.kind == "expand":
            labels = note.get("labels") or []
            what = rng.choice(["expand", "new section", "added sources", "expanded from the sources", "", "+"]
                              if article else ["update", "tweak", "add parameter", "+doc", "expand", ""])
            e.comment = f"/* {labels[0]} */ {what}".rstrip() if labels and rng.random() < 0.7 else what
        elif e.kind == "copyedit":
            e.comment = rng.choice(["typo", "copyedit", "fix typo & spelling", "ce", "", "spelling"])
        elif e.kind == "maint":
            e.comment = rng.choice(["tagging unsourced claims", "+{{Citation needed}}", "needs a source"])
        elif e.kind == "update":
            e.comment = rng.choice(["update population to the 2021 census", "update figures", "updated"])
        elif e.kind == "category":
            added = _added_category(edits[i - 1].text, e.text)
            e.comment = f"added [[Category:{added}]] using [[WP:HC|HotCat]]" if rng.random() < 0.7 else "+cat"
        elif e.kind == "interlang":
            e.comment = "Bot: Adding interlanguage links" if e.editor.kind == "bot" else "interwikis"
        elif e.kind == "bot":
            e.comment = {"bot:accessdate": "Bot: replacing deprecated |accessdate= with |access-date=",
                         "bot:archive": "Rescuing 1 sources and tagging 0 as dead.) #ArchiverBot",
                         "tidy": "General fixes: heading spacing ([[WP:GENFIXES]])"}[e.role]
        elif e.kind == "vandalism":
            if note.get("auto"):
                e.comment = note["auto"]
            elif rng.random() < 0.3:
                e.comment = rng.choice(["fixed typo", "updated info", "lol", "/* History */"])
            else:
                e.comment = ""
        elif e.kind == "revert":
            style = note.get("style")
            if style == "self":
                e.comment = rng.choice(["oops", "self-revert, test", ""])
            elif style == "undo-contested":
                undone = note["undone"]
                e.comment = (f"Undid revision {rev_ref(undone)} by {contribs(edits[undone].editor.name)} "
                             f"unsourced, please cite a reliable source")
            elif style == "undo-restore":
                undone = note["undone"]
                e.comment = (f"Undid revision {rev_ref(undone)} by {contribs(edits[undone].editor.name)}: "
                             f"the source is in the next section, see talk")
            else:
                first, n = note["first_bad"], note["n_bad"]
                bad = edits[first].editor.name
                prev = edits[e.restore].editor.name
                # Only rollback marks its edits minor; undo and restore do not.
                e.minor = False
                if n > 1:
                    e.comment = f"Reverted {n} edits by {contribs(bad)}: Vandalism"
                elif rng.random() < 0.5:
                    e.comment = f"Reverted edits by {contribs(bad)} to last version by {prev}"
                    e.minor = True
                elif rng.random() < 0.6:
                    e.comment = f"Undid revision {rev_ref(first)} by {contribs(bad)}"
                else:
                    e.comment = f"Restored revision {rev_ref(e.restore)} by {contribs(prev)}"
        elif e.kind == "null":
            if note.get("protect"):
                expiry = e.ts + timedelta(days=rng.choice([7, 31, 92]))
                when = f"{expiry:%H:%M}, {expiry.day} {MONTHS[expiry.month - 1]} {expiry.year}"
                e.comment = (f"Protected \"[[{full_title}]]\": Persistent [[WP:Vandalism|vandalism]] "
                             f"([Edit=Require autoconfirmed or confirmed access] (expires {when} (UTC)) "
                             f"[Move=Require autoconfirmed or confirmed access] (expires {when} (UTC)))")
            else:
                e.comment = (f"{e.editor.name} moved page [[{note['move_from']}]] to [[{full_title}]]: "
                             f"{rng.choice(['correct spelling', 'common name', 'per [[WP:TITLE]]'])}")


def _added_category(before: str, after: str) -> str:
    old = set(re.findall(r"\[\[Category:([^|\]]+)", before))
    new = [c for c in re.findall(r"\[\[Category:([^|\]]+)", after) if c not in old]
    return new[0] if new else "?"
