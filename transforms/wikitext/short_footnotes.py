"""Short footnotes (Harvard references) and the anchors of the full citations they point at.

`{{sfn|Shoshani|2002|p=5}}`, `{{harvnb|...}}`, `{{harv}}` and their kin name up to four surnames and a year;
they link to the page's full citation whose anchor is `CITEREF` + surnames + year, the id CS1 gives a
citation template (from its authors and year, or from its `ref=`).
"""
from __future__ import annotations

import re

from transforms.wikitext.scanner import Template

# Short footnotes (Harvard references): surnames (up to four) and a year as positional parameters, pointing
# at the page's full citation whose anchor is CITEREF + surnames + year (sfnm: 1a1..1a4 and 1y for its first).
SHORT_FOOTNOTES = frozenset({
    "sfn", "sfnp", "sfnm", "sfnmp", "harv", "harvnb", "harvp", "harvtxt", "harvcol", "harvcolnb", "harvcoltxt",
    "harvs", "harvard citation", "harvard citation no brackets", "harvard citation text", "harvnb/core",
})
# What a full citation's ref= may hold instead of its default anchor: {{sfnref|Smith|Jones|2002}}.
ANCHOR_TEMPLATES = frozenset({"sfnref", "harvid"})
SFNM_AUTHOR = re.compile(r"^1a([1-4])$")
ANCHOR_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)([a-z]?)")


def anchor_of(surnames: list[str], year: str | None) -> str | None:
    """CITEREF + surnames + year, compared without spaces or underscores (ids spell spaces as underscores)."""
    if not surnames or not year:
        return None
    return "CITEREF" + "".join("".join(part.replace("_", " ").split()) for part in [*surnames, year])


def anchor_year(value: str | None) -> str | None:
    """The year of a date as an anchor spells it, its disambiguation letter included ("2002a")."""
    match = ANCHOR_YEAR.search(value) if value else None
    return match.group(1) + match.group(2) if match else None


def short_footnote(template: Template) -> tuple[list[str], str | None]:
    """(surnames, year as written) of a short footnote: its positional parameters, the last being the year."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for arg in template.args or ():
        name, equals, value = arg.partition("=")
        if equals and not ("[" in name or "{" in name):
            named[name.strip()] = " ".join(value.split())
        elif value := " ".join(arg.split()):
            positional.append(value)
    if template.key in ("sfnm", "sfnmp"):
        authors = sorted((int(m.group(1)), value) for key, value in named.items() if (m := SFNM_AUTHOR.match(key)))
        return [value for _, value in authors if value], named.get("1y") or None
    if len(positional) < 2:
        return positional, None
    return positional[:-1][:4], positional[-1]


def citation_anchor(template: Template, fields: dict, anchors: list[Template]) -> str | None:
    """The anchor a full citation gives itself: from ref= ({{sfnref}} inside it, or an id as written; none
    for ref=none), else from its authors and year."""
    for arg in template.args or ():
        name, equals, value = arg.partition("=")
        if equals and name.strip().lower() == "ref":
            value = value.strip()
            inner = next((t for t in anchors if template.start < t.start and t.end <= template.end), None)
            if inner is not None:
                surnames, year = short_footnote(inner)
                return anchor_of(surnames, year)
            if value.lower() == "none":
                return None
            if value and value.lower() != "harv":
                return "".join(value.replace("_", " ").split())
    return anchor_of(fields.get("_surnames") or [], fields.get("year") or anchor_year(fields.get("date")))
