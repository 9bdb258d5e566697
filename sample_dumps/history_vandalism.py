"""Vandalism and its clean-up: vandal edits and the reverts that undo them, good-faith edits that
are reverted and restored, and revision deletion of the worst vandalism.

Separate from the planning of good-faith edits (history_planning.py), which calls into it.
"""

from __future__ import annotations

import random
import re

from .history_edits import Edit, PlannedPage
from .markup import Draft


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
