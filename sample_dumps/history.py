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
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import articles, pages
from .markup import Draft
from .model import Contributor, Ledger, Namespace, Page, Revision, SampleWiki, SiteInfo, User
from .world import build_world

UTC = timezone.utc
WIKI_START = datetime(2024, 3, 1, 8, 58, 12, tzinfo=UTC)
WIKI_END = datetime(2025, 12, 31, 21, 0, tzinfo=UTC)
# From this date the wiki hides IP addresses behind temporary accounts (as Wikimedia wikis did in
# 2025): anonymous edits before it show an IP, after it a "~2025-..." account.
TEMP_ACCOUNTS_FROM = datetime(2025, 6, 1, tzinfo=UTC)

SITEINFO = SiteInfo(
    dbname="samplewiki",
    sitename="Samplewiki",
    base="https://sample.wikipedia.org/wiki/Main_Page",
    generator="MediaWiki 1.43.0-wmf.1",
    case="first-letter",
    lang="en",
    namespaces=tuple(Namespace(k, n) for k, n in [
        (-2, "Media"), (-1, "Special"), (0, ""), (1, "Talk"), (2, "User"), (3, "User talk"), (4, "Wikipedia"),
        (5, "Wikipedia talk"), (6, "File"), (7, "File talk"), (8, "MediaWiki"), (9, "MediaWiki talk"),
        (10, "Template"), (11, "Template talk"), (12, "Help"), (13, "Help talk"), (14, "Category"),
        (15, "Category talk"), (100, "Portal"), (101, "Portal talk"), (118, "Draft"), (119, "Draft talk"),
        (828, "Module"), (829, "Module talk")]),
)

MONTHS = articles.MONTHS


# ---------------------------------------------------------------------------------------------
# Editors

@dataclass
class Editor:
    """An editor while histories are planned; becomes a model.User (or an IP) at the end.

    kind: "system", "sysop", "patroller", "core", "bot", "new", "vandal", "temp", "ip", "reader".
    New editors, vandal accounts and temporary accounts register just before their first edit.
    """

    name: str
    kind: str
    groups: tuple[str, ...] = ()
    active_from: datetime = WIKI_START
    registration: datetime | None = None
    weight: float = 1.0
    first_edit: datetime | None = None

    @property
    def is_ip(self) -> bool:
        return self.kind == "ip"


def _editors() -> list[Editor]:
    d = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    eds = [
        Editor("MediaWiki default", "system", registration=WIKI_START),
        Editor("Marisol Ferreira", "sysop", ("bureaucrat", "sysop"), registration=WIKI_START - timedelta(seconds=31)),
        Editor("Quentin Abernethy", "sysop", ("sysop",), d(2024, 3, 4)),
        Editor("Keskiyö", "sysop", ("interface-admin", "sysop"), d(2024, 3, 6)),
        Editor("Vigilant Vera", "patroller", ("rollbacker",), d(2024, 3, 12)),
        Editor("Oleander", "patroller", ("rollbacker",), d(2024, 5, 2)),
        Editor("Brackenwood", "core", (), d(2024, 3, 1, 10), weight=3.0),
        Editor("Fennimore", "core", (), d(2024, 3, 5), weight=2.0),
        Editor("Ana Lucía Quispe", "core", (), d(2024, 3, 9), weight=2.0),
        Editor("RiverRat42", "core", (), d(2024, 3, 20), weight=1.5),
        Editor("Zarnitsa", "core", (), d(2024, 4, 2), weight=1.5),
        Editor("Tom & Jerry fan", "core", (), d(2024, 4, 15), weight=1.0),
        Editor("Wendwatcher", "core", (), d(2024, 3, 3), weight=2.0),
        Editor("Moth in the lamp", "core", (), d(2024, 7, 1), weight=1.0),
        Editor("SampleBot", "bot", ("bot",), registration=d(2024, 3, 2, 14, 5, 9)),
        Editor("ArchiverBot", "bot", ("bot",), registration=d(2024, 3, 4, 11, 40, 2)),
        # In the bot group without a bot-like name: only group membership tells it is a bot.
        Editor("Tidy helper", "bot", ("bot",), registration=d(2024, 3, 5, 7, 12, 55)),
        Editor("JakeMillerStinks", "vandal", (), d(2024, 5, 10)),
        Editor("Lolcat2024", "vandal", (), d(2024, 9, 3)),
        Editor("Quiet reader", "reader", (), registration=d(2024, 8, 14, 19, 3, 44)),
    ]
    # New editors arrive one after another, so that "first edit" months differ.
    newcomers = [("Heron Quill", (2024, 4)), ("Petra Nováková", (2024, 6)), ("Dunmere Dan", (2024, 8)),
                 ("Sofía Ramírez", (2024, 10)), ("Lanternlight", (2024, 12)), ("Kofi Asante", (2025, 2)),
                 ("Wren Calloway", (2025, 4)), ("北風", (2025, 7)), ("Мария Ш.", (2025, 9)),
                 ("Noor Al-Hashimi", (2025, 11))]
    for name, (y, m) in newcomers:
        eds.append(Editor(name, "new", (), d(y, m, 3)))
    for ip in ["192.0.2.17", "192.0.2.145", "198.51.100.23", "198.51.100.77", "203.0.113.5", "203.0.113.199",
               "192.0.2.88", "2001:DB8:85A3:0:0:8A2E:370:7334", "2001:DB8:1F70:999:DE8:7648:6E8:1",
               "2001:DB8:ACAD:10:0:0:0:2"]:
        eds.append(Editor(ip, "ip"))
    for name in ["~2025-31415-92", "~2025-65358-97", "~2025-93238-46", "~2025-26433-83", "~2025-27950-28",
                 "~2025-84197-16", "~2025-93993-75"]:
        eds.append(Editor(name, "temp", (), TEMP_ACCOUNTS_FROM))
    return eds


class Cast:
    """Chooses who makes an edit of a given role at a given time."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.editors = _editors()
        self.by_name = {e.name: e for e in self.editors}

    def _weighted(self, pool: list[Editor], ts: datetime) -> Editor:
        weights = []
        for e in pool:
            w = e.weight
            # Newcomers are most active in their first weeks.
            if e.kind == "new" and ts - e.active_from < timedelta(days=45):
                w *= 6
            weights.append(w)
        return self.rng.choices(pool, weights)[0]

    def _active(self, kinds: tuple[str, ...], ts: datetime) -> list[Editor]:
        return [e for e in self.editors if e.kind in kinds and e.active_from <= ts]

    def anonymous(self, ts: datetime) -> Editor:
        """An IP before temporary accounts were switched on, a temporary account after."""
        if ts < TEMP_ACCOUNTS_FROM:
            return self.rng.choice(self._active(("ip",), ts))
        return self.rng.choice(self._active(("temp",), ts))

    def pick(self, role: str, ts: datetime) -> Editor:
        """An editor for one of the roles the planners use."""
        rng = self.rng
        if role == "bot:accessdate" or role == "interlang-bot":
            return self.by_name["SampleBot"]
        if role == "bot:archive":
            return self.by_name["ArchiverBot"]
        if role == "tidy":
            return self.by_name["Tidy helper"]
        if role in ("protect", "sysop"):
            return rng.choice(self._active(("sysop",), ts))
        if role == "revert":
            return self._weighted(self._active(("patroller", "sysop", "core"), ts), ts)
        if role == "maint":
            return rng.choice(self._active(("patroller", "sysop", "core"), ts))
        if role == "category":
            pool = self._active(("core",), ts)
            return self.by_name["Fennimore"] if rng.random() < 0.6 else self._weighted(pool, ts)
        if role == "vandal":
            vandals = self._active(("vandal",), ts)
            if vandals and rng.random() < 0.18:
                return rng.choice(vandals)
            return self.anonymous(ts)
        if role == "create":
            return self._weighted(self._active(("core", "new", "sysop"), ts), ts)
        if role in ("content", "copyedit", "update", "interlang", "discussion"):
            r = rng.random()
            anon_share = {"content": 0.14, "copyedit": 0.3, "update": 0.25, "interlang": 0.0,
                          "discussion": 0.2}[role]
            if r < anon_share:
                return self.anonymous(ts)
            return self._weighted(self._active(("core", "new", "sysop", "patroller"), ts), ts)
        if role == "core":
            return self._weighted(self._active(("core", "sysop"), ts), ts)
        raise ValueError(role)


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


def _contest(edits: list[Edit], rng: random.Random) -> None:
    """A good-faith edit reverted by a patroller, then restored by its author: a revert reverted."""
    good = len(edits) - 1
    edits.append(Edit("revert", "revert", gap="short", text=edits[good - 1].text, restore=good - 1,
                      note={"style": "undo-contested", "undone": good}))
    edits.append(Edit("same", "revert", gap="short", text=edits[good].text, restore=good, same_as=good,
                      note={"style": "undo-restore", "undone": good + 1}))


def _vandal_event(edits: list[Edit], draft: Draft, rng: random.Random) -> None:
    """One to three vandal edits, then a revert to the last good text (an identity revert)."""
    before = len(edits) - 1
    good_text = edits[before].text
    n = rng.choices([1, 2, 3], [0.65, 0.25, 0.10])[0]
    text = good_text
    self_revert = n == 1 and rng.random() < 0.12
    seen = {e.text for e in edits}
    for i in range(n):
        # A vandal edit must not happen to restore an earlier text (say, by deleting the only
        # section added since): the generator's revert labels would then disagree with the sha1s.
        vandal_text, auto, style = vandalize(text, rng, draft.title)
        while vandal_text in seen:
            vandal_text, auto, style = vandalize(text, rng, draft.title)
        seen.add(vandal_text)
        edits.append(Edit("vandal" if i == 0 or rng.random() < 0.4 else "same", "vandalism",
                          gap="normal" if i == 0 else "quick", text=vandal_text, same_as=before + 1 if i else None,
                          note={"auto": auto, "style": style}))
        text = vandal_text
    if self_revert:
        edits.append(Edit("same", "revert", gap="quick", text=good_text, restore=before, same_as=before + 1,
                          note={"style": "self", "undone": before + 1}))
    else:
        edits.append(Edit("revert", "revert", gap="quick", text=good_text, restore=before,
                          note={"style": "rollback", "first_bad": before + 1, "n_bad": n}))


JUNK = ["hi!!!", "jhgjhgjhg", "JAKE WAS HERE", "lol", "this page is boring", "I LOVE PIZZA",
        "Mr Harlow's class rules!!!!", "asdfghjkl", "the best town ever and everyone knows it"]
PERSONAL = ["Call Jake on 555-0142 he is the worst teacher at the high school!!!",
            "Emma Vance of 12 Mill Lane is a liar", "text 555-0199 for free tickets lol"]


def vandalize(text: str, rng: random.Random, title: str) -> tuple[str, str, str]:
    """Damage a text the way vandals do. Returns (new text, automatic summary or "", style)."""
    style = rng.choice(["insert", "insert", "replace", "blank", "section", "spam", "number", "personal"])
    new = text
    auto = ""
    if style in ("insert", "personal"):
        junk = rng.choice(PERSONAL if style == "personal" else JUNK)
        pos = text.find(". ", text.find("'''"))
        pos = pos + 2 if pos > 0 else len(text)
        new = text[:pos] + junk + " " + text[pos:]
    elif style == "replace":
        words = [m for m in re.finditer(r"(?<![\[|=\w])([a-z]{6,})(?![\w\]|])", text)]
        if words:
            m = rng.choice(words)
            new = text[:m.start()] + rng.choice(["poop", "BUTTS", "stinky", "lame"]) + text[m.end():]
    elif style == "blank":
        junk = rng.choice(["", "hi", "jhgjhgjhg", "hello how do i edit this"])
        new = junk
        auto = "Blanked the page" if not junk else f"Replaced content with '{junk}'"
    elif style == "section":
        heads = [m.start() for m in re.finditer(r"\n== [^=]", text)]
        if len(heads) >= 2:
            i = rng.randrange(len(heads) - 1)
            new = text[:heads[i]] + text[heads[i + 1]:]
    elif style == "spam":
        cut = text.find("\n[[Category:")
        cut = cut if cut > 0 else len(text)
        site = rng.choice(["cheap-watches.example.com", "best-casino-bonus.example.net", "replica-bags.example.org"])
        new = text[:cut] + f"\n* [http://{site}/ {rng.choice(['Best prices', 'Click here', 'Official shop'])}]" + text[cut:]
    elif style == "number":
        m = re.search(r"(population_total|elevation_m|length|area_km2) = [^\d\n]*(\d[\d,.]*)", text)
        if m:
            new = text[:m.start(2)] + str(rng.randint(1, 9)) + "000000" + text[m.end(2):]
    if new == text:
        return vandalize(text, rng, title) if rng.random() < 0.9 else (text + " lol", "", "insert")
    return new, auto, style


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


# ---------------------------------------------------------------------------------------------
# Discussions: talk pages, user talk, village pump

def signature(editor: Editor, ts: datetime) -> str:
    """What ~~~~ expands to."""
    when = f"{ts:%H:%M}, {ts.day} {MONTHS[ts.month - 1]} {ts.year} (UTC)"
    if editor.is_ip:
        return f"[[Special:Contributions/{editor.name}|{editor.name}]] ([[User talk:{editor.name}|talk]]) {when}"
    return f"[[User:{editor.name}|{editor.name}]] ([[User talk:{editor.name}|talk]]) {when}"


@dataclass
class Post:
    """One signed comment in a discussion thread."""

    editor: Editor
    ts: datetime
    body: str
    depth: int = 0
    summary: str = ""


@dataclass
class Thread:
    heading: str
    posts: list[Post]


def discussion_edits(header: str, header_editor: Editor | None, header_ts: datetime | None,
                     threads: list[Thread], header_summary: str = "",
                     archive: tuple[datetime, int, str] | None = None) -> tuple[list[Edit], list[Thread]]:
    """A page that grows one signed post at a time. With `archive` (time, number of threads, archive
    title) the archiving bot later moves the oldest threads away; they are returned for the archive."""
    events = []
    if header_editor is not None:
        events.append((header_ts, -1, -1))
    for t_i, thread in enumerate(threads):
        for p_i, post in enumerate(thread.posts):
            events.append((post.ts, t_i, p_i))
    events.sort()
    shown: dict[int, int] = {}
    archived: set[int] = set()
    edits: list[Edit] = []

    def render() -> str:
        parts = [header] if header else []
        for t_i in sorted(shown, key=lambda k: threads[k].posts[0].ts):
            if t_i in archived:
                continue
            thread = threads[t_i]
            lines = [f"== {thread.heading} =="]
            for post in thread.posts[: shown[t_i] + 1]:
                lines.append(":" * post.depth + post.body + " " + signature(post.editor, post.ts))
            parts.append("\n".join(lines))
        return "\n\n".join(parts).strip()

    archive_done = False
    moved: list[Thread] = []
    for ts, t_i, p_i in events:
        if archive and not archive_done and ts > archive[0]:
            archive_done = True
            order = sorted(shown, key=lambda k: threads[k].posts[0].ts)[: archive[1]]
            archived.update(order)
            moved = [Thread(threads[k].heading, threads[k].posts[: shown[k] + 1]) for k in order]
            edits.append(Edit("bot:archive", "archive", text=render(), ts=archive[0], minor=True,
                              comment=f"Archiving {len(order)} discussion(s) to [[{archive[2]}]]) (bot"))
        if t_i == -1:
            edits.append(Edit("discussion", "create", text=header.strip(), ts=ts, editor=header_editor,
                              comment=header_summary))
            continue
        shown[t_i] = p_i
        post = threads[t_i].posts[p_i]
        summary = post.summary or (f"/* {threads[t_i].heading} */ new section" if p_i == 0
                                   else f"/* {threads[t_i].heading} */ Reply")
        edits.append(Edit("discussion", "discussion" if edits else "create", text=render(), ts=ts,
                          editor=post.editor, comment=summary))
    return edits, moved


# ---------------------------------------------------------------------------------------------
# Putting it together

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


def _full_title(ns: int, title: str) -> str:
    return SITEINFO.full_title(ns, title)


def _rand_time(rng: random.Random, lo: datetime, hi: datetime, skew: float = 1.0) -> datetime:
    frac = rng.random() ** skew
    return lo + timedelta(seconds=int((hi - lo).total_seconds() * frac))


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


TALK_TOPICS = {
    "town": [("Population figure", "The infobox and the lead give different population figures. Which census is right?",
              "The 2021 census figure is the current one; I have updated both."),
             ("Etymology", "Is there a source for the Norse origin of the name?",
              "Fenwick's book discusses it on p. 112, I will add the reference."),
             ("Photo of the high street", "The infobox photo is very dark. Could someone take a new one?",
              "I uploaded one from last summer.")],
    "river": [("Length", "Sources give the length as anything from 80 to 95 km. Which should we use?",
               "The Rivers Trust figure, since it is measured from the highest spring."),
              ("Source location", "The source is on the other side of the hill, surely?", "Fixed, thanks.")],
    "person": [("Date of birth", "Her university obituary gives a different date of birth.",
                "The birth certificate in the national archive agrees with the article."),
               ("Native name spelling", "Is the native-script spelling in the lead the usual one?",
                "Yes, it matches her own publications.")],
    "species": [("Conservation status", "The IUCN assessment was updated in 2024; the status may have changed.",
                 "Checked: no change."),
                ("Photo", "Is the photo really of this species? It looks like a close relative.",
                 "The photographer confirmed the identification.")],
    "album": [("Track lengths", "The track lengths do not add up to the album length.",
               "The last track has a hidden track; I will add a note."),
              ("Genre", "Is \"folk rock\" right? The reviews call it post-punk.", "Reviews differ; both are sourced.")],
}


def _discussion_for(rng: random.Random, cast: Cast, kind: str, created: datetime, n_threads: int) -> list[Thread]:
    topics = TALK_TOPICS.get(kind, TALK_TOPICS["town"])
    threads = []
    for heading, question, answer in rng.sample(topics, min(n_threads, len(topics))):
        t0 = _rand_time(rng, created + timedelta(days=2), WIKI_END - timedelta(days=20))
        asker = cast.pick("discussion", t0)
        posts = [Post(asker, t0, question)]
        t1 = t0 + timedelta(minutes=rng.randint(40, 9000))
        responder = cast.pick("core", t1)
        if responder.name == asker.name:
            responder = cast.by_name["Brackenwood"] if asker.name != "Brackenwood" else cast.by_name["Fennimore"]
        posts.append(Post(responder, t1, answer, depth=1))
        if rng.random() < 0.5:
            t2 = t1 + timedelta(minutes=rng.randint(30, 4000))
            posts.append(Post(asker, t2, rng.choice(["Thanks!", "Thank you, that makes sense.",
                                                     "OK, agreed.", "{{done}}"]), depth=2))
        threads.append(Thread(heading, posts))
    return threads


BANNER = ("{{WikiProject banner shell|class=%s|\n{{WikiProject Eastmarch|importance=%s}}\n}}")


def _plan_talk(rng: random.Random, cast: Cast, article_pages: list[PlannedPage]) -> list[PlannedPage]:
    planned = []
    candidates = [p for p in article_pages if p.facts.get("kind") in TALK_TOPICS]
    chosen = rng.sample(candidates, 22)
    country = next(p for p in article_pages if p.title == "Eastmarch")
    for page in chosen + [country]:
        created = page.edits[0].ts
        header = BANNER % (rng.choice(["Start", "C", "B"]), rng.choice(["low", "mid", "high"]))
        header_ts = created + timedelta(days=rng.randint(1, 20))
        header_editor = cast.by_name["SampleBot"] if rng.random() < 0.5 else cast.pick("core", header_ts)
        summary = ("Bot: Tagging for [[Wikipedia:WikiProject Eastmarch]]" if header_editor.kind == "bot"
                   else "Assessment: +Eastmarch (Rater)")
        if page is country:
            threads = []
            topics = [("Capital", "Is Brackenford really the capital, or only the largest town?",
                       "The constitution of 1921 names it, see the History section."),
                      ("Name in other languages", "Should we list the Arabic and Hebrew names in the lead?",
                       "Better in the Etymology section, which already has Greek and Russian."),
                      ("Protection", "Could the page be semi-protected? There is a lot of vandalism.",
                       "Done for a month."),
                      ("Population estimate", "The 2025 estimate is out.", "Updated."),
                      ("Flag image", "The flag image has the wrong shade of green.", "Fixed in the SVG."),
                      ("Civil war dates", "1919 or 1921?", "Both; see the note.")]
            for heading, q, a in topics:
                t0 = _rand_time(rng, created + timedelta(days=3), WIKI_END - timedelta(days=30))
                asker = cast.pick("discussion", t0)
                responder = cast.pick("core", t0 + timedelta(hours=5))
                if responder.name == asker.name:
                    responder = cast.by_name["Wendwatcher"]
                threads.append(Thread(heading, [Post(asker, t0, q), Post(responder, t0 + timedelta(hours=5), a, 1)]))
            threads.sort(key=lambda t: t.posts[0].ts)
            # Archive once the fourth thread has started, so that what is left is a text the page
            # never had before (archiving down to the bare header would look like a revert).
            archive_ts = max(threads[3].posts[0].ts, threads[2].posts[-1].ts) + timedelta(minutes=30)
            edits, moved = discussion_edits(header, header_editor, header_ts, threads, summary,
                                            archive=(archive_ts, 3, "Talk:Eastmarch/Archive 1"))
            planned.append(PlannedPage(1, page.title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
            archive_text = ("{{Talk archive}}\n\n" + "\n\n".join(
                "\n".join([f"== {t.heading} =="] + [":" * p.depth + p.body + " " + signature(p.editor, p.ts)
                                                    for p in t.posts]) for t in moved))
            archive_edit = Edit("bot:archive", "archive", text=archive_text, ts=archive_ts, minor=True,
                                comment="Archiving 3 discussion(s) from [[Talk:Eastmarch]]) (bot")
            planned.append(PlannedPage(1, "Eastmarch/Archive 1", "wikitext", "text/x-wiki", None, [archive_edit],
                                       {}, "talk-archive"))
            continue
        threads = _discussion_for(rng, cast, page.facts.get("kind"), created, rng.choice([1, 1, 2, 3]))
        edits, _ = discussion_edits(header, header_editor, header_ts, threads, summary)
        planned.append(PlannedPage(1, page.title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
    return planned


def _plan_user_talk(rng: random.Random, cast: Cast, planned: list[PlannedPage]) -> list[PlannedPage]:
    """Warnings left by reverters on vandals' talk pages, and welcomes for newcomers."""
    warnings = []
    for page in planned:
        for e in page.edits:
            if e.kind != "revert" or e.note.get("style") != "rollback" or rng.random() > 0.55:
                continue
            ts = e.ts + timedelta(seconds=rng.randint(20, 600))
            if ts < WIKI_END:
                warnings.append((ts, page.edits[e.note["first_bad"]].editor, e.editor,
                                 _full_title(page.namespace, page.title)))
    posts: dict[str, list[tuple[datetime, Editor, str, str, str]]] = {}
    # Warnings escalate from level 1 to 4 in the order they were given.
    for ts, vandal, reverter, full in sorted(warnings, key=lambda w: w[0]):
        level = min(4, len(posts.get(vandal.name, [])) + 1)
        if level == 1:
            body = (f"[[File:Information.svg|25px|alt=Information icon]] Hello, I'm "
                    f"[[User:{reverter.name}|{reverter.name}]]. I noticed that you made a change to [[{full}]] "
                    f"that did not seem constructive, so I have removed it. Please use "
                    f"[[Wikipedia:Sandbox|the sandbox]] for test edits. Thank you.")
        else:
            body = (f"[[File:Nuvola apps important.svg|25px|alt=Warning icon]] Please stop your disruptive "
                    f"editing. If you continue to vandalize pages, as you did at [[{full}]], you may be "
                    f"blocked from editing.")
        summary = (f"Message re. [[{full}]] (level {level})" if rng.random() < 0.5
                   else f"Warning: Vandalism on [[{full}]]. (TW)")
        posts.setdefault(vandal.name, []).append((ts, reverter, body, summary, f"{MONTHS[ts.month - 1]} {ts.year}"))
    for ed in cast.editors:
        if ed.kind == "new" and ed.first_edit is not None:
            ts = ed.first_edit + timedelta(hours=rng.randint(2, 96))
            if ts < WIKI_END:
                welcomer = cast.pick("core", ts)
                body = (f"Hello, {ed.name}, and welcome to Samplewiki! Thank you for your contributions. "
                        f"I hope you like the place and decide to stay. If you have questions, ask at the "
                        f"[[Wikipedia:Village pump|village pump]].")
                posts.setdefault(ed.name, []).append((ts, welcomer, body, "Welcome to Samplewiki!", "Welcome!"))
    out = []
    for name in sorted(posts, key=lambda n: min(p[0] for p in posts[n])):
        entries = sorted(posts[name], key=lambda p: p[0])
        edits = []
        sections: list[str] = []
        for ts, author, body, summary, heading in entries:
            if sections and sections[-1].startswith(f"== {heading} ==") and heading != "Welcome!":
                sections[-1] += f"\n\n{body} {signature(author, ts)}"
            else:
                sections.append(f"== {heading} ==\n{body} {signature(author, ts)}")
            edits.append(Edit("discussion", "discussion" if edits else "create", text="\n\n".join(sections),
                              ts=ts, editor=author, comment=summary))
        out.append(PlannedPage(3, name, "wikitext", "text/x-wiki", None, edits, {}, "user talk"))
    return out


def _plan_user_pages(rng: random.Random, cast: Cast) -> list[PlannedPage]:
    out = []
    d = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    specs = [
        ("Brackenwood", "Brackenwood", ["I write mostly about the towns and rivers of [[Calderon Province]].",
                                        "\n\n{{User en}}\n{{User Eastmarch}}",
                                        "\n\n== Articles I started ==\n* [[River Wend]]\n* [[Brackenford]]"]),
        ("Keskiyö", "Keskiyö", ["Hei! I am an administrator. Leave me a note on [[User talk:Keskiyö|my talk page]].",
                                "\n\n{{User fi}}\n{{User en-3}}"]),
        ("Ana Lucía Quispe", "Ana Lucía Quispe", ["Biologist. Interested in [[Fauna of Eastmarch|the fauna]] of "
                                                  "Eastmarch.", "\n\n{{User es}}\n{{User en-4}}"]),
        ("SampleBot", "Marisol Ferreira", ["{{Bot|Marisol Ferreira|status=active}}\nThis bot fixes citation "
                                           "template parameters. See [[Wikipedia:Bots]]."]),
        ("ArchiverBot", "Brackenwood", ["{{Bot|Brackenwood|status=active}}\nArchives talk pages and rescues "
                                        "dead links with archive copies."]),
        ("Tidy helper", "Keskiyö", ["{{Bot|Keskiyö|status=active}}\nFixes heading spacing. This account is "
                                    "in the bot group even though its name does not say so."]),
        ("Heron Quill", "Heron Quill", ["Hello! I am new here and like lighthouses.",
                                        "\n\nMy draft: [[Draft:Quillon Lighthouse]]"]),
    ]
    for owner, author_name, parts in specs:
        author = cast.by_name[author_name]
        start = max(author.first_edit or author.active_from, author.active_from) + timedelta(hours=rng.randint(1, 400))
        edits = []
        text = ""
        ts = start
        for i, part in enumerate(parts):
            text += part
            edits.append(Edit("user", "create" if i == 0 else "expand", text=text.strip(), ts=ts, editor=author,
                              comment="" if i else f"Created page with '{_summary_text(text)}'"))
            ts = ts + timedelta(days=rng.randint(2, 60))
        out.append(PlannedPage(2, owner, "wikitext", "text/x-wiki", None, edits, {}, "user"))
    # A user script (model javascript) and a sandbox subpage.
    author = cast.by_name["Brackenwood"]
    js1 = "// Personal tools\nmw.loader.load( '//sample.wikipedia.org/w/index.php?title=User:Brackenwood/refcheck.js&action=raw&ctype=text/javascript' );"
    js2 = js1 + "\n// Highlight redirects in orange\nmw.util.addCSS( 'a.mw-redirect { color: #c60; }' );"
    ts = d(2024, 6, 2, 18, 4, 51)
    out.append(PlannedPage(2, "Brackenwood/common.js", "javascript", "text/javascript", None, [
        Edit("user", "create", text=js1, ts=ts, editor=author, comment=f"Created page with '{_summary_text(js1)}'"),
        Edit("user", "expand", text=js2, ts=ts + timedelta(days=40), editor=author, comment="highlight redirects")],
        {}, "user-js"))
    heron = cast.by_name["Heron Quill"]
    sand_ts = max(heron.first_edit or heron.active_from, heron.active_from) + timedelta(days=3)
    sandbox = ["'''Quillon Lighthouse''' is a lighthouse.",
               "'''Quillon Lighthouse''' is a lighthouse on the north coast of [[Eastmarch]].\n\n== History ==\nBuilt 1872."]
    out.append(PlannedPage(2, "Heron Quill/sandbox", "wikitext", "text/x-wiki", None, [
        Edit("user", "create", text=sandbox[0], ts=sand_ts, editor=heron, comment=""),
        Edit("user", "expand", text=sandbox[1], ts=sand_ts + timedelta(hours=3), editor=heron, comment="more")],
        {}, "user"))
    return out


def _plan_project_discussions(rng: random.Random, cast: Cast) -> list[PlannedPage]:
    out = []
    header = "{{Village pump page header}}\nThe '''village pump''' is for discussions about samplewiki."
    topics = [("Bots and minor edits", "Should bot edits always be marked minor?", "Yes, per [[Wikipedia:Bots]]."),
              ("Temporary accounts", "From June 2025 logged-out editors get temporary accounts instead of showing "
                                     "their IP address. Anything we need to change?",
               "Our warning templates need to say \"temporary account\"."),
              ("Citation style", "Can we standardise on {{tl|Cite web}} with |access-date=?", "Support."),
              ("Right-to-left names", "Arabic and Hebrew names break the line layout on mobile.",
               "Wrap them in {{tl|lang}}, which sets dir=\"rtl\"."),
              ("New editors", "We had many new editors this year. Welcome them!", "I have been sending welcomes.")]
    threads = []
    for heading, q, a in topics:
        t0 = _rand_time(rng, datetime(2024, 4, 1, tzinfo=UTC), WIKI_END - timedelta(days=15))
        if heading == "Temporary accounts":
            t0 = datetime(2025, 5, 20, 10, 11, 12, tzinfo=UTC)
        asker = cast.pick("discussion", t0)
        responder = cast.pick("core", t0 + timedelta(hours=9))
        if responder.name == asker.name:
            responder = cast.by_name["Keskiyö"]
        posts = [Post(asker, t0, q), Post(responder, t0 + timedelta(hours=9), a, 1)]
        if rng.random() < 0.6:
            third = cast.pick("discussion", t0 + timedelta(days=1))
            posts.append(Post(third, t0 + timedelta(days=1, hours=2), rng.choice(["Agree.", "Support.", "+1"]), 2))
        threads.append(Thread(heading, posts))
    hdr_editor = cast.by_name["Marisol Ferreira"]
    edits, _ = discussion_edits(header, hdr_editor, datetime(2024, 3, 15, 12, 0, tzinfo=UTC), threads,
                                "Created page with 'The village pump is for discussions'")
    out.append(PlannedPage(4, "Village pump", "wikitext", "text/x-wiki", None, edits, {}, "project"))
    for ns, title in [(5, "Manual of Style"), (11, "Infobox settlement")]:
        created = datetime(2024, 4, 10, tzinfo=UTC)
        threads = _discussion_for(rng, cast, "town", created, 1) if ns == 11 else [
            Thread("Dates in references", [
                Post(cast.pick("discussion", d2 := datetime(2024, 9, 2, 8, 30, tzinfo=UTC)), d2,
                     "Should access dates be ISO (2024-09-02) or dmy?"),
                Post(cast.by_name["Brackenwood"], d2 + timedelta(hours=20), "ISO is fine in references.", 1)])]
        edits, _ = discussion_edits("", None, None, threads)
        out.append(PlannedPage(ns, title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
    return out


def _deletions(rng: random.Random, planned: list[PlannedPage]) -> None:
    """Revision deletion on some vandalism: hidden text, summary and/or editor (never a current revision)."""
    vandal = [(p, i) for p in planned for i, e in enumerate(p.edits)
              if e.kind == "vandalism" and i < len(p.edits) - 1]
    personal = [(p, i) for p, i in vandal if p.edits[i].note.get("style") == "personal"]
    others = [(p, i) for p, i in vandal if (p, i) not in personal]
    for p, i in personal[:6]:
        p.edits[i].text_deleted = True
    for p, i in rng.sample(others, 3):
        p.edits[i].text_deleted = True
    for p, i in rng.sample(others, 5):
        e = p.edits[i]
        e.comment_deleted = True
        if not e.comment:
            e.comment = rng.choice(["JAKE MILLER 12 MILL LANE", "call 555-0142 for a good time"])
    named = [(p, i) for p, i in others if not p.edits[i].editor.is_ip]
    for p, i in rng.sample(named, min(3, len(named))):
        p.edits[i].contributor_deleted = True
    # One suppression of everything at once.
    p, i = others[len(others) // 2]
    p.edits[i].text_deleted = p.edits[i].comment_deleted = p.edits[i].contributor_deleted = True
    if not p.edits[i].comment:
        p.edits[i].comment = "Emma Vance 12 Mill Lane"
    # A good-faith edit whose summary leaked personal details.
    good = [(p, i) for p in planned for i, e in enumerate(p.edits) if e.kind == "expand" and e.comment]
    p, i = good[len(good) // 3]
    p.edits[i].comment_deleted = True


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
