"""What every article writer shares: the Writer (one article's state and its wikitext helpers),
month names, the word lists citations are drawn from, and small text helpers.

Separate from the per-kind modules (articles_places.py, articles_people.py, ...) because all of
them write through a Writer; history.py's modules take MONTHS from here too.
"""

from __future__ import annotations

import random

from .markup import Citations, Doc, Draft, isbn10, isbn13, link, ref, ref_reuse, tpl
from .world import World


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


_CYRILLIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "абкдефгхийклмнопкрстуввкыз"))


def cyrillic(name: str) -> str:
    """A rough Russian transliteration, for [[ru:...]] interlanguage links."""
    out = []
    for ch in name:
        low = ch.lower()
        if low in _CYRILLIC:
            c = _CYRILLIC[low]
            out.append(c.upper() if ch.isupper() else c)
        else:
            out.append(ch)
    return "".join(out)


def an(word: str) -> str:
    """The indefinite article for a word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _years(p: dict) -> str:
    born = p["born"][:4]
    return f"{born}&ndash;{p['died'][:4]}" if p["died"] else f"born {born}"


class Writer:
    """Shared state and helpers for writing one article."""

    def __init__(self, rng: random.Random, world: World, title: str, features: set[str]):
        self.rng = rng
        self.world = world
        self.title = title
        self.features = features
        self.doc = Doc()
        self.cites = Citations(rng, spaced=rng.random() < 0.5, capital=rng.random() < 0.4)
        self.ledger = self.cites.ledger = self.doc.ledger
        self.dmy = rng.random() < 0.6
        self.notes_used = False
        self.cn_count = 0

    # -- small pieces -------------------------------------------------------------------------

    def date(self, year: int, month: int, day: int) -> str:
        """A date in the article's style (dmy or mdy)."""
        if self.dmy:
            return f"{day} {MONTHS[month - 1]} {year}"
        return f"{MONTHS[month - 1]} {day}, {year}"

    def access_date(self) -> str:
        """An access date during the wiki's lifetime, in ISO form as editors often write it."""
        return f"2024-{self.rng.randint(3, 12):02d}-{self.rng.randint(1, 28):02d}"

    def wl(self, target: str, label: str | None = None) -> str:
        """A wikilink, sometimes written with a lower-case first letter or underscores, which
        MediaWiki resolves to the same page."""
        shown = target
        if "lowercase_links" in self.features and self.rng.random() < 0.35 and target[0].isupper() \
                and not label and " " in target:
            return f"[[{target[0].lower()}{target[1:]}]]"
        if "underscore_links" in self.features and self.rng.random() < 0.35 and " " in target:
            shown = target.replace(" ", "_")
            return f"[[{shown}|{label or target}]]"
        return link(shown, label)

    def cn(self) -> str:
        """A {{Citation needed}} tag that a patroller adds later."""
        self.cn_count += 1
        year, month = self.rng.choice([(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 11)])
        tag = tpl("Citation needed", [("date", f"{MONTHS[month - 1]} {year}")])
        return self.doc.opt(f"cn{self.cn_count}", "maint", tag)

    def comment(self, text: str) -> str:
        """An HTML comment for editors, on articles that carry that feature."""
        return f"<!-- {text} -->" if "html_comment" in self.features else ""

    def media(self, filename: str, caption: str, *, upright: bool = False) -> str:
        """A thumbnail image; some articles use the old Image: prefix."""
        prefix = "Image" if "image_alias" in self.features else "File"
        self.ledger.media.append(filename)
        opts = "thumb|upright=1.15" if upright else "thumb"
        if self.rng.random() < 0.3:
            opts += "|left"
        return f"[[{prefix}:{filename}|{opts}|{caption}]]"

    def note(self, text: str) -> str:
        """An explanatory footnote in the "note" group."""
        if "note_group" not in self.features:
            return ""
        self.notes_used = True
        self.ledger.citations.append({"in_ref": True, "ref_name": None, "ref_group": "note", "template": None})
        return ref(text, group="note")

    def web_ref(self, url: str, title: str, website: str, *, name: str | None = None,
                archived: bool | None = None, parent: str | None = None) -> str:
        """A <ref> holding {{cite web}}, sometimes with an archive copy added by the archiving bot."""
        if archived is None:
            archived = self.rng.random() < 0.5
        archive = None
        if archived:
            rng = self.rng
            stamp = (f"2024{rng.randint(3, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 23):02d}"
                     f"{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}")
            archive = (f"https://web.archive.org/web/{stamp}/{url}",
                       f"2024-{self.rng.randint(3, 12):02d}-{self.rng.randint(1, 28):02d}")
        body = self.cites.web(url, title, website, self.access_date(), self.doc, archive, parent=parent)
        return self._in_ref(body, name)

    def journal_ref(self, topic: str, *, name: str | None = None, biomedical: bool = False,
                    taxon: bool = False) -> str:
        """A <ref> holding {{cite journal}} with an invented DOI under the 10.5555 test prefix;
        biomedical papers also carry a PubMed id (and some a PMC id)."""
        rng = self.rng
        authors = []
        for person in rng.sample(self.world.people, rng.randint(1, 3)):
            first = person["name"].split()[0] if person["name"] != "Chen Mei" else "Mei"
            authors.append((person["surname"], first))
        year = rng.randint(1968, 2023)
        journal = rng.choice(JOURNALS)
        abbrev = "".join(w[0] for w in journal.split() if w[0].isupper()).lower()
        doi = f"10.5555/{abbrev}.{year}.{rng.randint(100, 9999):04d}"
        title = rng.choice(PAPER_TITLES_BIO if taxon else PAPER_TITLES).format(topic=topic)
        title = title[0].upper() + title[1:]
        self.cites.journal_count += 1
        # PubMed Central ids exist for open-access papers only: give one to every other paper.
        body = self.cites.journal(authors, year, title, journal, doi, pmid=biomedical,
                                  pmc=biomedical and self.cites.journal_count % 2 == 1)
        return self._in_ref(body, name)

    def book_ref(self, title: str, *, name: str | None = None, pages: str | None = None) -> str:
        """A <ref> holding {{cite book}} with an ISBN-13, or an ISBN-10 for older books."""
        rng = self.rng
        person = rng.choice(self.world.people)
        first = person["name"].split()[0] if person["name"] != "Chen Mei" else "Mei"
        year = rng.randint(1962, 2022)
        if year < 2007:
            isbn = isbn10(rng, hyphens=rng.random() < 0.7, want_x=rng.random() < 0.25)
        else:
            isbn = isbn13(rng, hyphens=rng.random() < 0.75)
        publisher, place = rng.choice(PUBLISHERS)
        body = self.cites.book(person["surname"], first, year, title, publisher, place, isbn,
                               pages or str(rng.randint(3, 420)))
        return self._in_ref(body, name)

    def news_ref(self, title: str, *, name: str | None = None, year: int | None = None) -> str:
        """A <ref> holding {{cite news}} (from `year` when the story has a date)."""
        rng = self.rng
        paper, domain = rng.choice(NEWSPAPERS)
        year = year or rng.randint(2001, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        slug = "-".join(title.lower().replace(",", "").replace("'", "").split()[:6])
        author = (rng.choice(REPORTER_SURNAMES), rng.choice(REPORTER_FIRSTNAMES)) if rng.random() < 0.6 else None
        url = f"https://{domain}/{year}/{month:02d}/{slug}" if rng.random() < 0.8 else None
        return self._in_ref(self.cites.news(title, paper, self.date(year, month, day), url, author), name)

    def bare_doi_ref(self, suffix: str) -> str:
        """A bare reference that is only a DOI resolver URL."""
        self.ledger.citations.append({"in_ref": True, "ref_name": None, "ref_group": None, "template": None,
                                      "doi": f"10.1000/{suffix}", "url": f"https://doi.org/10.1000/{suffix}"})
        return ref(f"https://doi.org/10.1000/{suffix}")

    def _in_ref(self, body: str, name: str | None) -> str:
        """Wraps the citation template just written in a <ref>, and says so in the ledger."""
        self.ledger.citations[-1].update(in_ref=True, ref_name=name)
        return ref(body, name=name)

    def reuse(self, name: str) -> str:
        """A reuse of a named reference."""
        self.ledger.reuses.append(name)
        return ref_reuse(name)

    def references_section(self) -> str:
        """Notes (when used) and References sections, with {{Reflist}} or <references />."""
        out = ""
        if self.notes_used:
            notes = "<references group=\"note\" />" if "references_tag" in self.features \
                else tpl("Reflist", [("group", "note")])
            out += f"\n== Notes ==\n{notes}\n"
            self.ledger.sections.append((2, "Notes"))
        self.ledger.sections.append((2, "References"))
        body = "<references />" if "references_tag" in self.features else \
            self.rng.choice([tpl("Reflist"), tpl("Reflist"), tpl("Reflist", [("", "30em")])])
        return out + f"\n== References ==\n{body}\n"

    def categories(self, cats: list[str | tuple[str, str]]) -> str:
        """Category links, each added by its own edit; a tuple carries a sort key."""
        lines = []
        self.ledger.categories += [cat[0] if isinstance(cat, tuple) else cat for cat in cats]
        for i, cat in enumerate(cats):
            text = f"[[Category:{cat[0]}|{cat[1]}]]" if isinstance(cat, tuple) else f"[[Category:{cat}]]"
            lines.append(self.doc.opt(f"cat{i}", "category", text + "\n"))
        return "\n" + "".join(lines)

    def interlanguage(self, names: dict[str, str]) -> str:
        """Interlanguage links at the very bottom, added in one edit."""
        if "interlang" not in self.features:
            return ""
        self.ledger.interlanguage += list(names.items())
        body = "".join(f"[[{lang}:{title}]]\n" for lang, title in names.items())
        return self.doc.opt("interlang", "interlang", "\n" + body)

    def draft(self, text: str, facts: dict) -> Draft:
        """Wrap the finished text."""
        return Draft(0, self.title, text.strip() + "\n", list(self.doc.flags.values()), facts=facts,
                     ledger=self.ledger)


JOURNALS = ["Journal of Eastmarch Natural History", "Marchland Hydrology", "Annals of the Hollin Society",
            "Northern Atlantic Geoscience", "Island Ecology Letters", "Journal of Insular Zoology",
            "Proceedings of the Calderon Academy", "Freshwater Biology Reports"]
PAPER_TITLES = ["A survey of {topic} in the Western Sound region",
                "Seasonal variation in {topic}: evidence from long-term monitoring",
                "{topic} and land use change, 1950–2010",
                "New data on {topic}",
                "Re-examining the early records of {topic}"]
PAPER_TITLES_BIO = ["Notes on {topic}, with a revised key",
                    "Genetic structure of {topic} populations across Eastmarch",
                    "Seasonal variation in {topic}: evidence from long-term monitoring",
                    "Re-examining the early records of {topic}"]
PUBLISHERS = [("Hollin University Press", "Kingsholm"), ("Calderon Books", "Brackenford"),
              ("Westsound Publishing", "Redmere"), ("Marchland Academic", "Brackenford"),
              ("Oxbow & Reed", "Redmere")]
NEWSPAPERS = [("The Calderon Courier", "www.calderoncourier.example"),
              ("Lowmere Evening Post", "lowmerepost.example"),
              ("The Eastmarch Herald", "www.eastmarchherald.example"),
              ("Hollin Gazette", "hollingazette.example")]
REPORTER_SURNAMES = ["Ashdown", "Pelham", "Ruddock", "Vance", "Okafor", "Lindgren", "Tavares", "Moreau"]
REPORTER_FIRSTNAMES = ["Claire", "Martin", "Sunita", "Owen", "Greta", "Paulo", "Hannah", "Idris"]
