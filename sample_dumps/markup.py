"""Building blocks for samplewiki's wikitext: flagged drafts, template calls and citations.

A page is written once, in its final form, with some parts marked as optional and named by a flag
("the History section", "typo 3 fixed", "bot renamed accessdate"). A revision is that text with a set
of flags switched on. Reverting to an earlier flag set therefore gives back byte-identical text,
which is what makes identity reverts (same sha1) real rather than approximate.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .model import Ledger

# Private-use characters never occur in the content, so they can delimit optional parts.
_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_PLAIN = f"[^{_OPEN}{_SEP}{_CLOSE}]*"
_BLANK_RUNS = re.compile(r"\n{3,}")
_INNERMOST = re.compile(f"{_OPEN}({_PLAIN}){_SEP}({_PLAIN}){_SEP}({_PLAIN}){_CLOSE}")


@dataclass(frozen=True)
class Flag:
    """An optional part of a draft.

    kind tells the history builder who would make the change and how: "section", "content" and
    "infobox" are additions by editors, "typo" a minor copyedit, "update" a changed figure, "maint" a
    maintenance tag, "category" and "interlang" link additions, "bot-accessdate", "bot-archive" and
    "tidy" bot edits. `parent` is the flag that must be on before this one changes anything (a hint
    for ordering); `label` is the section heading for /* */ summaries.
    """

    name: str
    kind: str
    parent: str | None = None
    label: str | None = None


@dataclass
class Draft:
    """A page's final text with flagged optional parts, plus what the model needs to know about it."""

    namespace: int
    title: str
    marked: str
    flags: list[Flag] = field(default_factory=list)
    model: str = "wikitext"
    format: str = "text/x-wiki"
    role: str = "article"
    facts: dict = field(default_factory=dict)
    redirect: str | None = None
    ledger: Ledger | None = None

    def render(self, present: frozenset[str] | set[str]) -> str:
        """The text with exactly the flags in `present` switched on, as MediaWiki would store it:
        trailing whitespace removed (MediaWiki trims on save) and, in wikitext, no runs of blank
        lines left behind by parts that are off."""
        text = render_marked(self.marked, present)
        if self.model == "wikitext":
            text = _BLANK_RUNS.sub("\n\n", text)
        return text.rstrip()

    @property
    def final_text(self) -> str:
        """The text with every flag on."""
        return self.render({f.name for f in self.flags})


def render_marked(marked: str, present: frozenset[str] | set[str]) -> str:
    """Resolve optional parts innermost first, so parts can nest."""
    text = marked
    while _OPEN in text:
        text = _INNERMOST.sub(lambda m: m.group(3) if m.group(1) in present else m.group(2), text)
    return text


class Doc:
    """Collects the flags of one draft while its text is being written."""

    def __init__(self) -> None:
        self.flags: dict[str, Flag] = {}
        self._typos = 0
        self.ledger = Ledger()

    def opt(self, name: str, kind: str, present: str, absent: str = "", parent: str | None = None,
            label: str | None = None) -> str:
        """Text that reads `present` once flag `name` is on and `absent` before."""
        if any(c in name for c in (_OPEN, _SEP, _CLOSE)):
            raise ValueError(f"bad flag name {name!r}")
        self.flags.setdefault(name, Flag(name, kind, parent, label))
        return f"{_OPEN}{name}{_SEP}{absent}{_SEP}{present}{_CLOSE}"

    def section(self, name: str, heading: str, body: str, level: int = 2, parent: str | None = None,
                tidy: bool = False) -> str:
        """A section added by one edit; with tidy, its heading starts as `==X==` until a tidy-up bot."""
        marks = "=" * level
        self.ledger.sections.append((level, heading))
        if tidy:
            head = marks + self.opt("tidy", "tidy", f" {heading} ", heading) + marks
        else:
            head = f"{marks} {heading} {marks}"
        return self.opt(name, "section", f"\n\n{head}\n{body.strip()}\n", parent=parent, label=heading)

    def typo(self, word: str, parent: str | None = None) -> str:
        """A word that is misspelt until a copyedit fixes it."""
        self._typos += 1
        return self.opt(f"typo{self._typos}", "typo", word, misspell(word), parent=parent)


_MISSPELLINGS = {
    "received": "recieved", "occurred": "occured", "separate": "seperate", "government": "goverment",
    "population": "popualtion", "between": "bewteen", "approximately": "aproximately",
    "established": "establised", "published": "publsihed", "including": "inlcuding",
    "described": "discribed", "beginning": "begining", "environment": "enviroment",
    "successful": "succesful", "recommended": "reccomended", "which": "wich", "their": "thier",
    "until": "untill", "independent": "independant", "particularly": "particulary",
}


def misspell(word: str) -> str:
    """A plausible misspelling: a known one, else two inner letters swapped."""
    if word in _MISSPELLINGS:
        return _MISSPELLINGS[word]
    if len(word) < 4:
        return word + word[-1]
    return word[:1] + word[2] + word[1] + word[3:]


def tpl(name: str, params: list[tuple[str, str]] | None = None, *, block: bool = False,
        spaced: bool = False) -> str:
    """A template call; block lays it out one parameter per line, as infoboxes are written."""
    params = params or []
    if block:
        lines = [f"{{{{{name}"] + [f"| {k} = {v}" if k else f"| {v}" for k, v in params] + ["}}"]
        return "\n".join(lines)
    sep = " |" if spaced else "|"
    body = "".join(f"{sep}{k}={v}" if k else f"{sep}{v}" for k, v in params)
    return f"{{{{{name}{body}}}}}"


def link(target: str, label: str | None = None) -> str:
    """A wikilink, piped when a label is given."""
    return f"[[{target}|{label}]]" if label else f"[[{target}]]"


# ---------------------------------------------------------------------------------------------
# Identifiers: ISBNs, DOIs, PubMed ids. Invented, but with correct check digits.

def isbn13(rng: random.Random, hyphens: bool = True) -> str:
    """A syntactically valid ISBN-13 (978 prefix), hyphenated by group/publisher/title."""
    from .model import isbn13_check_digit

    group = rng.choice(["0", "1", "3", "2", "90", "951"])
    publisher_len = rng.choice([2, 3, 4])
    title_len = 9 - len(group) - publisher_len
    publisher = str(rng.randint(10 ** (publisher_len - 1), 10 ** publisher_len - 1))
    title = str(rng.randint(0, 10 ** title_len - 1)).zfill(title_len)
    first12 = "978" + group + publisher + title
    check = isbn13_check_digit(first12)
    if hyphens:
        return f"978-{group}-{publisher}-{title}-{check}"
    return first12 + check


def isbn10(rng: random.Random, hyphens: bool = True, want_x: bool = False) -> str:
    """A syntactically valid ISBN-10; want_x draws until the check character is X."""
    from .model import isbn10_check_digit

    while True:
        group = rng.choice(["0", "1", "3"])
        publisher = str(rng.randint(100, 9999))
        title_len = 9 - len(group) - len(publisher)
        title = str(rng.randint(0, 10 ** title_len - 1)).zfill(title_len)
        check = isbn10_check_digit(group + publisher + title)
        if not want_x or check == "X":
            break
    if hyphens:
        return f"{group}-{publisher}-{title}-{check}"
    return group + publisher + title + check


@dataclass
class Citations:
    """Writes citation templates in one article's house style (spacing, capitalisation)."""

    rng: random.Random
    spaced: bool = False
    capital: bool = False
    journal_count: int = 0
    ledger: Ledger = field(default_factory=Ledger)

    def _record(self, template: str, **found) -> None:
        self.ledger.citations.append({"in_ref": False, "ref_name": None, "ref_group": None, "template": template,
                                      **found})

    def _name(self, kind: str) -> str:
        return f"Cite {kind}" if self.capital else f"cite {kind}"

    def journal(self, authors: list[tuple[str, str]], year: int, title: str, journal: str,
                doi: str, *, pmid: bool = False, pmc: bool = False) -> str:
        """{{cite journal}} with doi= and, for biomedical topics, pmid= (and some pmc=)."""
        params: list[tuple[str, str]] = []
        for i, (last, first) in enumerate(authors, start=1):
            params += [(f"last{i}", last), (f"first{i}", first)]
        vol = self.rng.randint(3, 88)
        start = self.rng.randint(1, 900)
        params += [("year", str(year)), ("title", title), ("journal", f"[[{journal}]]" if
                   self.rng.random() < 0.3 else journal), ("volume", str(vol))]
        if self.rng.random() < 0.7:
            params.append(("issue", str(self.rng.randint(1, 12))))
        params.append(("pages", f"{start}–{start + self.rng.randint(4, 30)}"))
        params.append(("doi", doi))
        found = {"doi": doi}
        if pmid:
            params.append(("pmid", str(self.rng.randint(10_000_000, 39_999_999))))
            found["pmid"] = params[-1][1]
        if pmc:
            params.append(("pmc", str(self.rng.randint(1_000_000, 9_999_999))))
            found["pmcid"] = "PMC" + params[-1][1]
        self._record(self._name("journal"), **found)
        return tpl(self._name("journal"), params, spaced=self.spaced)

    def book(self, last: str, first: str, year: int, title: str, publisher: str, location: str,
             isbn: str, pages: str | None = None) -> str:
        """{{cite book}} with an ISBN."""
        params = [("last", last), ("first", first), ("year", str(year)), ("title", title),
                  ("publisher", publisher), ("location", location)]
        if pages:
            params.append(("page" if "–" not in pages else "pages", pages))
        params.append(("isbn", isbn))
        self._record(self._name("book"), isbn=isbn)
        return tpl(self._name("book"), params, spaced=self.spaced)

    def web(self, url: str, title: str, website: str, access_date: str, doc: Doc,
            archive: tuple[str, str] | None = None, parent: str | None = None) -> str:
        """{{cite web}}; access-date starts as the deprecated accessdate until a bot renames it, and
        the archive link is added by the archiving bot."""
        sep = " |" if self.spaced else "|"
        ad = doc.opt("bot:accessdate", "bot-accessdate", "access-date", "accessdate", parent=parent)
        text = f"{{{{{self._name('web')}{sep}url={url}{sep}title={title}{sep}website={website}"
        text += f"{sep}{ad}={access_date}"
        if archive:
            archive_url, archive_date = archive
            text += doc.opt("bot:archive", "bot-archive",
                            f"{sep}archive-url={archive_url}{sep}archive-date={archive_date}{sep}url-status=live",
                            parent=parent)
        self._record(self._name("web"), url=url, archive_url=archive[0] if archive else None)
        return text + "}}"

    def news(self, title: str, newspaper: str, date: str, url: str | None = None,
             author: tuple[str, str] | None = None) -> str:
        """{{cite news}}."""
        params: list[tuple[str, str]] = []
        if author:
            params += [("last", author[0]), ("first", author[1])]
        params += [("title", title), ("newspaper", newspaper), ("date", date)]
        if url:
            params.append(("url", url))
        self._record(self._name("news"), url=url)
        return tpl(self._name("news"), params, spaced=self.spaced)


def ref(body: str, name: str | None = None, group: str | None = None) -> str:
    """A <ref> footnote, optionally named and/or grouped."""
    attrs = ""
    if name:
        attrs += f' name="{name}"'
    if group:
        attrs += f' group="{group}"'
    return f"<ref{attrs}>{body}</ref>"


def ref_reuse(name: str) -> str:
    """A reuse of a named footnote."""
    return f'<ref name="{name}" />'
