"""The articles of samplewiki (namespace 0), written from the facts in world.py.

Each writer returns a Draft: the final wikitext with optional parts flagged, so the history builder
can replay how the article grew. The features that datasets are tested on (infoboxes with nested
templates, sections at three levels, cite templates with DOIs/ISBNs/PMIDs, named and grouped refs,
tables, media, interlanguage links, magic words, several scripts) are spread over many articles.
"""

from __future__ import annotations

import random

from .markup import Citations, Doc, Draft, isbn10, isbn13, link, ref, ref_reuse, tpl
from .world import COUNTRY, PROVINCES, World

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# Features that only some articles carry: feature -> (how many articles, which kinds of article can
# carry it). Each goes to several articles of those kinds (see _assign_features).
_ALL = ("town", "river", "person", "species", "album", "misc")
OPTIONAL_FEATURES = {
    "image_alias": (6, ("species",)),                   # [[Image:...]] instead of [[File:...]]
    "table_in_list": (5, ("town", "album")),            # a :{| table |} hung under a list item
    "note_group": (9, ("town", "person", "river")),     # <ref group="note"> with {{Reflist|group=note}}
    "bare_doi": (5, ("river", "species")),              # <ref>https://doi.org/10.1000/...</ref>
    "references_tag": (10, _ALL),                       # <references /> instead of {{Reflist}}
    "notoc": (5, ("town",)),                            # __NOTOC__
    "gallery": (4, ("town",)),                          # <gallery>
    "interwiki": (14, ("town", "river", "person", "species")),  # [[wikt:...]], [[commons:Category:...]]
    "plain_isbn": (6, ("town",)),                       # "ISBN 978-..." as plain text
    "nowiki": (4, ("town",)),                           # <nowiki>
    "lowercase_links": (16, _ALL),                      # [[river Wend]]
    "underscore_links": (12, _ALL),                     # [[Calderon_Province]]
    "html_comment": (16, ("town", "river", "person", "species")),  # <!-- ... -->
    "interlang": (45, _ALL),                            # [[fr:...]] [[de:...]] at the bottom
}

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


def _assign_features(rng: random.Random, kinds: dict[str, str]) -> dict[str, set[str]]:
    """Give each optional feature to several articles that can carry it (title -> kind of article)."""
    assigned: dict[str, set[str]] = {k: set() for k in kinds}
    for feature, (count, allowed) in OPTIONAL_FEATURES.items():
        pool = [title for title, kind in kinds.items() if kind in allowed]
        for title in rng.sample(pool, min(count, len(pool))):
            assigned[title].add(feature)
    return assigned


# ---------------------------------------------------------------------------------------------
# Towns

def write_town(w: Writer, t: dict) -> Draft:
    """A settlement article: infobox with nested {{Convert}}, history, demography table, ..."""
    doc, rng, name = w.doc, w.rng, t["name"]
    prov, river = t["province"], t["river"]
    river_km = round(rng.uniform(0.4, 14), 1)
    top = ""
    if "notoc" in w.features:
        top += "__NOTOC__\n"
    top += tpl("Short description", [("", f"{t['kind'].capitalize()} in {prov}, {COUNTRY}")]) + "\n"
    if w.dmy:
        top += tpl("Use dmy dates", [("date", f"{rng.choice(MONTHS)} 2024")]) + "\n"
    pop = doc.opt("update:pop", "update", f"{t['population_2021']:,}", f"{t['population_2011']:,}")
    pop_year = doc.opt("update:pop", "update", "2021", "2011")
    params = [
        ("name", name), ("settlement_type", "[[Town]]"),
        ("image_skyline", f"{name} high street.jpg" + (" " + w.comment("please use a free image")
                                                         if "html_comment" in w.features else "")),
        ("image_caption", f"The high street, looking towards the {w.wl(river)}"),
        ("subdivision_type", "Country"), ("subdivision_name", f"[[{COUNTRY}]]"),
        ("subdivision_type1", "Province"), ("subdivision_name1", f"[[{prov}|{prov.split()[0]}]]"),
        ("established_title", "First recorded"), ("established_date", str(t["founded"])),
        ("area_total_km2", str(t["area_km2"])),
        ("elevation_m", str(t["elevation_m"])),
        ("population_total", pop), ("population_as_of", pop_year),
        ("coordinates", tpl("coord", [("", f"{t['lat']}"), ("", "N"), ("", f"{t['lon']}"), ("", "W"),
                                      ("display", "inline,title")])),
        ("river", f"[[{river}]] ({tpl('Convert', [('', str(river_km)), ('', 'km'), ('', 'mi')])} from the centre)"),
        ("website", tpl("URL", [("", f"https://www.{name.lower().replace('ø', 'o')}.example")])),
    ]
    infobox = doc.opt("infobox", "infobox", tpl("Infobox settlement", params, block=True) + "\n")
    census = w.web_ref(f"https://stats.eastmarch.example/census/2021/{name.lower()}",
                       f"Census 2021: {name}", "Eastmarch Statistics Office", name="census2021",
                       archived=True)
    lead = (f"'''{name}''' is a {t['kind']} in {w.wl(prov)}, {w.wl(COUNTRY)}, on the {t['bank']} bank of "
            f"the {w.wl(river)}.")
    lead += doc.opt("lead2", "content",
                    f" At the 2021 census it had a {doc.typo('population')} of {t['population_2021']:,}."
                    f"{census}" + (" It is the largest town in the province and its administrative centre."
                                   if prov_capital(name) else
                                   f" It is {rng.choice(['one of the oldest', 'a growing', 'a quiet'])} "
                                   f"{rng.choice(['towns', 'settlements', 'communities'])} in the province."))
    history = _town_history(w, t)
    sections = [history]
    sections.append(_town_geography(w, t))
    sections.append(_town_demography(w, t))
    if rng.random() < 0.8:
        sections.append(_town_economy(w, t))
    if rng.random() < 0.6:
        sections.append(_town_culture(w, t))
    sections.append(_town_transport(w, t))
    people_here = [p for p in w.world.people if p["birthplace"] == name]
    if people_here or rng.random() < 0.4:
        items = [f"* {w.wl(p['name'])} ({_years(p)}), {p['occupation']}" for p in people_here]
        extra = rng.sample(w.world.people, 2)
        items += [f"* {w.wl(p['name'])}, {p['occupation']}, lived in the town" + w.note(
            f"{p['name']} moved to {name} in {rng.randint(1950, 2000)}.") for p in extra]
        sections.append(doc.section("s:people", "Notable people", "\n".join(items), tidy=True))
    if rng.random() < 0.5:
        twins = rng.sample(TWIN_TOWNS, 2)
        twin_items = "\n".join(f"* {tpl('flagicon', [('', c)])} [[{city}]], {c}" for city, c in twins)
        sections.append(doc.section("s:twin", "Twin towns", f"{name} is twinned with:\n{twin_items}", tidy=True))
    body = "".join(sections)
    body += w.references_section()
    further = []
    if rng.random() < 0.7 or "plain_isbn" in w.features:
        book_isbn = isbn13(rng)
        author = rng.choice(w.world.people)
        line = (f"* {author['surname']}, {author['name'].split()[0]} ({rng.randint(1975, 2020)}). "
                f"''A History of {name}''. {rng.choice(PUBLISHERS)[0]}. ISBN {book_isbn}.")
        w.ledger.citations.append({"in_ref": False, "ref_name": None, "ref_group": None, "template": None,
                                   "isbn": book_isbn})
        further.append(line)
    if further:
        body += doc.section("s:further", "Further reading", "\n".join(further))
    ext = [f"* [https://www.{name.lower().replace('ø', 'o')}.example Official website]"]
    if "interwiki" in w.features:
        ext.append(f"* {tpl('Commons category', [('', name)])}")
        ext.append(f"* [[commons:Category:{name}|Media about {name}]] on Wikimedia Commons")
        ext.append(f"* The word ''[[wikt:{_town_suffix(name)}|{_town_suffix(name)}]]'' in Wiktionary")
        w.ledger.interwiki += [("commons", f"Category:{name}"), ("wikt", _town_suffix(name))]
    body += doc.section("s:ext", "External links", "\n".join(ext))
    cats = [(f"Towns in {prov}", name), f"Populated places on the {river}"]
    if prov_capital(name):
        cats.append("Provincial capitals of Eastmarch")
    body += w.categories(cats)
    body += w.interlanguage({"de": name, "fr": name, "nl": name, "ru": cyrillic(name)})
    text = top + infobox + lead + "\n" + body
    facts = {"kind": "town", "instance_of": "town", "country": COUNTRY, "province": prov,
             "coordinates": (t["lat"], -t["lon"]), "population": t["population_2021"],
             "population_year": 2021, "inception": t["founded"], "river": river}
    return w.draft(text, facts)


def prov_capital(name: str) -> bool:
    """Whether the town is a provincial capital."""
    return any(p["capital"] == name for p in PROVINCES)


TWIN_TOWNS = [("Saint-Malo", "France"), ("Bergen", "Norway"), ("Galway", "Ireland"), ("Kiel", "Germany"),
              ("Tórshavn", "Faroe Islands"), ("Ísafjörður", "Iceland"), ("Gdynia", "Poland"),
              ("Esbjerg", "Denmark"), ("Aveiro", "Portugal")]


def _town_suffix(name: str) -> str:
    for suffix in ["ford", "wick", "bury", "mouth", "field", "combe", "holm", "mere", "bridge",
                   "thorpe", "haven", "dale", "stead", "ley", "ton", "by"]:
        if name.endswith(suffix):
            return suffix
    return name.lower()


def _years(p: dict) -> str:
    born = p["born"][:4]
    return f"{born}&ndash;{p['died'][:4]}" if p["died"] else f"born {born}"


def _town_history(w: Writer, t: dict) -> str:
    doc, rng, name = w.doc, w.rng, t["name"]
    first = t["founded"]
    old = name[: max(3, len(name) - 3)] + rng.choice(["forda", "wic", "burh", "tun", "leah"])
    medieval = (f"A settlement at {name} is first recorded in {first} as ''{old}''. The name is usually "
                f"derived from Old Marchish, although {w.wl('Margit Fenwick')} argued for a Norse origin."
                f"{w.book_ref('Place-Names of ' + t['province'], pages=str(rng.randint(10, 300)))} "
                f"A market charter was granted in {first + rng.randint(40, 260)}{w.cn()}.")
    medieval_sec = doc.section("s:hist-med", "Medieval period", medieval, level=3, parent="s:history")
    rail_year = rng.randint(1848, 1889)
    railway = (f"The {w.wl('Wend Valley Railway')} reached the town in {rail_year}, and a goods yard "
               f"{doc.typo('which')} handled wool and slate was opened beside the station two years later."
               f"{w.news_ref(f'{name} goods yard to close after 130 years')}")
    rail_sec = doc.section("s:hist-rail", "Railway", railway, level=4, parent="s:hist-ind")
    industrial = (f"In the nineteenth century {name} grew rapidly around its "
                  f"{rng.choice(['woollen mills', 'slate quarries', 'tanneries', 'fishing harbour', 'brickworks'])}"
                  f"; by 1901 the {doc.typo('population', parent='s:hist-ind')} had reached "
                  f"{int(t['population_2011'] * rng.uniform(0.2, 0.45)):,}."
                  f"{w.note('Figures before 1921 are for the civil parish, not the modern town.')}\n"
                  + rail_sec)
    ind_sec = doc.section("s:hist-ind", "Industrial era", industrial, level=3, parent="s:history")
    intro = (f"The area around {name} has been settled since the [[Bronze Age]]; a hoard of bronze axes "
             f"was found at nearby [[{rng.choice(['Harrow', 'Cobb', 'Penhale', 'Marrowgate'])} Hill]] in "
             f"{rng.randint(1890, 1975)}.")
    if w.rng.random() < 0.5:
        intro += " " + w.media(f"{name} old bridge.jpg",
                               f"The old bridge over the [[{t['river']}]] in the 1890s")
    return doc.section("s:history", "History", intro + "\n" + medieval_sec + ind_sec, tidy=True)


def _town_geography(w: Writer, t: dict) -> str:
    doc, rng, name = w.doc, w.rng, t["name"]
    text = (f"{name} lies at an elevation of {t['elevation_m']}&nbsp;m "
            f"({tpl('Convert', [('', str(t['elevation_m'])), ('', 'm'), ('', 'ft'), ('disp', 'output only')])}) "
            f"in the valley of the {w.wl(t['river'])}. The town covers "
            f"{tpl('Convert', [('', str(t['area_km2'])), ('', 'km2'), ('', 'sqmi')])}.")
    if "table_in_list" in w.features:
        text += ("\n\nThe town is divided into wards:\n* Central and riverside wards, with their areas:\n"
                 ":{| class=\"wikitable\"\n! Ward !! Area (km²)\n|-\n"
                 + "".join(f"| {ward} || {rng.uniform(0.5, 9):.1f}\n|-\n"
                           for ward in rng.sample(["Castlegate", "Millside", "Northfield", "Quayside",
                                                   "Upper Town", "St Aubin's"], 3))
                 + "|}\n* Outer wards, which are mostly rural")
    climate = ""
    if rng.random() < 0.5:
        highs = [round(4 + 9 * (1 - abs(6.5 - m) / 6) + rng.uniform(-0.5, 0.5), 1) for m in range(1, 13)]
        rain = [rng.randint(48, 160) for _ in range(12)]
        climate = doc.section(
            "s:climate", "Climate",
            f"{name} has an [[oceanic climate]] ([[Köppen climate classification|Köppen]] ''Cfb'').\n\n"
            "{| class=\"wikitable\" style=\"text-align:center; font-size:90%;\"\n"
            f"|+ Climate data for {name} (1991&ndash;2020)\n"
            "! Month !! " + " !! ".join(m[:3] for m in MONTHS) + "\n|-\n"
            "! Mean daily maximum °C\n| " + " || ".join(f"{h}" for h in highs) + "\n|-\n"
            "! Average rainfall mm\n| " + " || ".join(str(r) for r in rain) + "\n|}",
            level=3, parent="s:geo")
    return doc.section("s:geo", "Geography", text + "\n" + climate, tidy=True)


def _town_demography(w: Writer, t: dict) -> str:
    doc, rng, name = w.doc, w.rng, t["name"]
    years = [1951, 1971, 1991, 2011, 2021]
    pops = [int(t["population_2011"] * f) for f in (0.55, 0.7, 0.86, 1.0)] + [t["population_2021"]]
    rows = "".join(f"|-\n| {y} || {p:,}\n" for y, p in zip(years, pops))
    table = ("{| class=\"wikitable\"\n|+ Population\n! Census !! Population\n" + rows + "|}")
    text = (f"According to the 2021 census, {name} had {t['population_2021']:,} inhabitants"
            f"{w.reuse('census2021')}, of whom {rng.randint(14, 24)}% were aged over 65. "
            f"Apart from English, about {rng.randint(2, 19)}% of residents speak the {w.wl('Lowmere dialect')}. "
            f"Detailed tables are published at https://stats.eastmarch.example/census/2021/{name.lower()}/tables.\n\n"
            + table)
    return doc.section("s:demo", "Demography", text, tidy=True)


def _town_economy(w: Writer, t: dict) -> str:
    rng, name = w.rng, t["name"]
    employer = rng.choice(["Hollin Dairies", "Westsound Ferries", "Calder Slate Company", "Marchland Wool",
                           "Skell Valley Water"])
    text = (f"The largest employer is {employer}, which has been based in the town since "
            f"{rng.randint(1890, 1990)}. Tourism has grown since the opening of the "
            f"{w.wl('Calder–Wend Canal')} towpath.{w.journal_ref(f'tourism in {name}')} "
            f"Unemployment stood at {rng.uniform(2.5, 9.5):.1f}% in 2023, against a national rate of 4.8%. "
            f"The {name} Chamber of Trade &amp; Commerce represents about {rng.randint(40, 400)} businesses.")
    if "html_comment" in w.features:
        text += " " + w.comment("figures updated every March; please cite the statistics office")
    return w.doc.section("s:econ", "Economy", text)


def _town_culture(w: Writer, t: dict) -> str:
    rng, name = w.rng, t["name"]
    text = (f"The town takes part in the {w.wl('Festival of Lanterns')} each October. "
            f"{w.wl(rng.choice(['The Lantern Keepers', 'Cold Meridian', 'Marrow & Flint']))} played their first "
            f"concert at the {name} Corn Exchange.{w.news_ref(f'{name} Corn Exchange reopens')}")
    if "nowiki" in w.features:
        text += (" The town motto, written on the old gate as <nowiki>[[Semper Fidelis]]</nowiki> by a "
                 "prankster in 1972, has been kept in that form.")
    if "gallery" in w.features:
        text += (f"\n<gallery>\nFile:{name} market.jpg|The market square\n"
                 f"File:{name} church.jpg|St Aubin's Church\n</gallery>")
        w.ledger.media += [f"{name} market.jpg", f"{name} church.jpg"]
    return w.doc.section("s:culture", "Culture", text)


def _town_transport(w: Writer, t: dict) -> str:
    rng, name = w.rng, t["name"]
    text = (f"{name} railway station is on the {w.wl('Wend Valley Railway', 'Wend Valley line')}"
            f" ({w.wl('Wend Valley Railway#Stations', 'list of stations')}). "
            f"Buses run to {w.wl(rng.choice(w.world.towns)['name'])} and {w.wl(rng.choice(w.world.towns)['name'])}.")
    if rng.random() < 0.5:
        text += f" The {w.wl(name + ' bypass')} opened in {rng.randint(1975, 2015)}."
    return w.doc.section("s:transport", "Transport", text)


# ---------------------------------------------------------------------------------------------
# Rivers

def write_river(w: Writer, r: dict) -> Draft:
    """A river article: infobox with {{Convert}} lengths, course with level-3/4 sections, a formula."""
    doc, rng, name = w.doc, w.rng, r["name"]
    short = name.replace("River ", "")
    params = [("name", name), ("image", f"{name} near {r['towns'][0] if r['towns'] else 'its source'}.jpg"),
              ("subdivision_type1", "Country"), ("subdivision_name1", f"[[{COUNTRY}]]"),
              ("subdivision_type2", "Province"), ("subdivision_name2", f"[[{r['province']}]]"),
              ("length", tpl("Convert", [("", str(r["length_km"])), ("", "km"), ("", "mi"), ("abbr", "on")])),
              ("discharge1_avg", tpl("Convert", [("", str(r["discharge"])), ("", "m3/s"), ("", "cuft/s"),
                                                 ("abbr", "on")])),
              ("basin_size", tpl("Convert", [("", str(r["basin_km2"])), ("", "km2"), ("", "sqmi"),
                                             ("abbr", "on")])),
              ("mouth", r["mouth"].replace("the ", "").join(["[[", "]]"]))]
    infobox = doc.opt("infobox", "infobox", tpl("Infobox river", params, block=True) + "\n")
    lead = (f"The '''{name}''' (also '''{short} Water''') is a river in {w.wl(r['province'])}, {w.wl(COUNTRY)}. "
            f"It flows for {r['length_km']}&nbsp;km to {r['mouth']}."
            + w.journal_ref(f"the {short} catchment", name=f"{short.lower()}survey"))
    towns = r["towns"]
    hill = rng.choice(["Cairn Dubh", "Fell Aske", "High Brant", "Moor of Hale"])
    course_upper = (f"The {short} rises on the slopes of [[{hill}]] at about {rng.randint(250, 700)}&nbsp;m."
                    f"{w.reuse(f'{short.lower()}survey')}")
    springs = doc.section("s:springs", "Springs",
                          f"Several springs feed the headwaters; the largest, {short}head Well, has a "
                          f"mean yield of {rng.randint(4, 40)}&nbsp;L/s.{w.cn()}", level=4, parent="s:upper")
    upper = doc.section("s:upper", "Upper course", course_upper + "\n" + springs, level=3, parent="s:course")
    lower_text = ("It passes " + (", ".join(w.wl(t) for t in towns) if towns else "no towns of note")
                  + f" before reaching {r['mouth']}.")
    lower = doc.section("s:lower", "Lower course", lower_text, level=3, parent="s:course")
    course = doc.section("s:course", "Course", "The river's course is described from source to mouth.\n"
                         + upper + lower, tidy=True)
    hydro = (w.comment("gauge figures from the Rivers Trust annual report") +
             f"The mean discharge at the lowest gauging station is {r['discharge']}&nbsp;m³/s. Discharge is "
             f"computed from the wetted cross-section and the mean velocity, <math>Q = A \\bar{{v}}</math>, "
             f"with velocity measured at {doc.typo('approximately')} 0.6 of the depth.")
    if "bare_doi" in w.features:
        hydro += w.bare_doi_ref(f"{short.lower()}-gauge-{rng.randint(100, 999)}")
    months = ["Jan", "Apr", "Jul", "Oct"]
    flows = [round(r["discharge"] * f, 1) for f in (1.6, 1.1, 0.45, 1.2)]
    hydro += ("\n\n{| class=\"wikitable\"\n|+ Mean monthly discharge (m³/s)\n! " + " !! ".join(months)
              + "\n|-\n| " + " || ".join(str(f) for f in flows) + "\n|}")
    sections = [course, doc.section("s:hydro", "Hydrology", hydro, tidy=True)]
    if r["species"]:
        names = [w.wl(s) for s in r["species"]]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        eco = ("The river is home to the " + listed
               + f".{w.journal_ref(f'fish passage on the {short}', biomedical=False)}")
        if rng.random() < 0.5:
            eco += " " + w.media(f"{name} weir.jpg", f"The fish pass at Mill Weir, built for the [[{r['species'][0]}]]")
        sections.append(doc.section("s:ecology", "Ecology", eco))
    if rng.random() < 0.6:
        flood_year = rng.choice([1953, 1968, 1987, 2007, 2015])
        hist = (f"The river flooded badly in {flood_year}"
                + (f", part of the {w.wl('1987 Wend floods')}" if flood_year == 1987 else "")
                + f".{w.news_ref(f'{short} bursts its banks')} Flood walls were built in "
                f"{flood_year + rng.randint(2, 8)}{w.note('The walls were raised again in 2019.')}.")
        sections.append(doc.section("s:history", "History", hist))
    body = "".join(sections) + w.references_section()
    if "interwiki" in w.features:
        body += doc.section("s:ext", "External links",
                            f"* {tpl('Commons category', [('', name)])}\n"
                            f"* [https://rivers.eastmarch.example/{short.lower()} {name}] at the Eastmarch "
                            f"Rivers Trust\n* https://gauges.eastmarch.example/station/{rng.randint(1000, 9999)}")
    body += w.categories([(f"Rivers of {COUNTRY}", short), f"Rivers of {r['province']}"])
    body += w.interlanguage({"de": name.replace("River ", "") , "fr": f"{short} (rivière)",
                             "ru": cyrillic(short)})
    text = infobox + lead + "\n" + body
    return w.draft(text, {"kind": "river", "instance_of": "river", "country": COUNTRY,
                          "length_km": r["length_km"], "mouth": r["mouth"], "province": r["province"]})


# ---------------------------------------------------------------------------------------------
# People

def write_person(w: Writer, p: dict) -> Draft:
    """A biography: {{Infobox person}}, native-script name, career with sub-sections, publications."""
    doc, rng, name = w.doc, w.rng, p["name"]
    by, bm, bd = (int(x) for x in p["born"].split("-"))
    she = "She" if p["gender"] == "female" else "He"
    her = "her" if p["gender"] == "female" else "his"
    params = [("name", name), ("image", f"{name} {rng.randint(1965, 2015)}.jpg"),
              ("birth_date", tpl("birth date" if p["died"] else "birth date and age",
                                 [("", str(by)), ("", str(bm)), ("", str(bd))] + ([("df", "y")] if w.dmy else [])))]
    if p["birthplace"]:
        params.append(("birth_place", f"[[{p['birthplace']}]], [[{COUNTRY}]]"))
    if p["died"]:
        dy, dm, dd = (int(x) for x in p["died"].split("-"))
        params.append(("death_date", tpl("death date and age", [("", str(dy)), ("", str(dm)), ("", str(dd)),
                                                               ("", str(by)), ("", str(bm)), ("", str(bd))])))
    params += [("nationality", p["nationality"]), ("fields", p["occupation"].capitalize()),
               ("alma_mater", f"[[{p['university']}]]")]
    infobox = doc.opt("infobox", "infobox", tpl("Infobox person", params, block=True) + "\n")
    native = ""
    if p["native"]:
        native = f" ({tpl('lang-' + p['lang'], [('', p['native'])])})"
    lead = f"'''{name}'''{native} ({_years(p)}) {'was' if p['died'] else 'is'} "
    adjective = NATIONALITY[p["nationality"]]
    lead += (f"{an(adjective)} {adjective} {p['occupation']} known for work on {rng.choice(TOPICS[p['occupation']])}."
             + w.journal_ref(rng.choice(TOPICS[p["occupation"]]),
                             name=f"{p['surname'].lower()}{rng.randint(1970, 2015)}",
                             biomedical=p["occupation"] in ("physician", "zoologist", "ecologist")))
    first_ref = lead[lead.rfind('<ref name="') + 11: lead.rfind('">')]
    early = (w.comment("please do not add unsourced family details") + f"{name} was born in "
             + (w.wl(p["birthplace"]) if p["birthplace"] else p["nationality"])
             + f" in {by}. {she} studied at {w.wl(p['university'])}, graduating in {by + rng.randint(21, 25)}"
             f"{w.note(f'Some sources give {by + rng.randint(26, 28)}.')}, and {doc.typo('received')} "
             f"{her} doctorate in {by + rng.randint(26, 31)}.{w.reuse(first_ref)}")
    early_sec = doc.section("s:early", "Early life and education", early, tidy=True)
    research = (f"{she} {doc.typo('published')} {rng.randint(40, 220)} papers. "
                f"{her.capitalize()} best-known study, on {rng.choice(TOPICS[p['occupation']])}, "
                f"has been cited over {rng.randint(3, 40) * 100} times.{w.reuse(first_ref)}")
    year = rng.randint(1985, 2015)
    body = w.wl(rng.choice(["Calderon Observatory", "Hollin University", "Eastmarch Rivers Trust"]))
    later = f"After {year} {she.lower()} led the {body} survey programme{w.cn()}."
    later_sec = doc.section("s:later", "Later work", later, level=4, parent="s:research")
    research_sec = doc.section("s:research", "Research", research + "\n" + later_sec, level=3, parent="s:career")
    career = (f"{she} joined {w.wl(p['university'])} as a lecturer and became professor in "
              f"{by + rng.randint(35, 45)}.{w.news_ref(f'{name} appointed to chair')}\n" + research_sec)
    if p["occupation"] == "computer scientist":
        career += ("\n" + doc.section("s:code", "Tamlin", f"In 2004 {she.lower()} designed the teaching language "
                   "[[Tamlin (programming language)|Tamlin]]. Its first example program was:\n\n"
                   "<syntaxhighlight lang=\"text\">\nfn greet(name) = \"Hello, \" ++ name\n</syntaxhighlight>",
                   level=3, parent="s:career"))
    if p["occupation"] == "astronomer":
        career += ("\n" + doc.section("s:method", "Methods", "Distances were estimated from the distance modulus, "
                   "<math>m - M = 5 \\log_{10} d - 5</math>, with ''d'' in parsecs.", level=3, parent="s:career"))
    career_sec = doc.section("s:career", "Career", career, tidy=True)
    pubs = []
    for _ in range(rng.randint(2, 4)):
        year = rng.randint(by + 25, min(2024, by + 75))
        title = rng.choice(BOOK_TITLES).format(topic=rng.choice(TOPICS[p["occupation"]]))
        title = title[0].upper() + title[1:]
        publisher, place = rng.choice(PUBLISHERS)
        isbn = isbn13(rng) if year >= 2007 else isbn10(rng)
        pubs.append("# " + w.cites.book(p["surname"], name.split()[0], year, title, publisher, place, isbn))
    pubs_sec = doc.section("s:pubs", "Selected publications", "\n".join(pubs))
    awards = "\n".join(f"* {a} ({rng.randint(by + 30, min(2024, by + 80))})"
                       for a in rng.sample(AWARDS, rng.randint(1, 3)))
    awards_sec = doc.section("s:awards", "Awards and honours", awards)
    personal = ""
    if p["native"] and rng.random() < 0.8:
        personal = doc.section("s:personal", "Personal life",
                               f"{name}'s name is written {p['native']} in {LANG_NAMES[p['lang']]}. "
                               f"{she} has lived in {w.wl(rng.choice(w.world.towns)['name'])} since "
                               f"{rng.randint(1990, 2015)}.")
    body = early_sec + career_sec + personal + pubs_sec + awards_sec + w.references_section()
    if "interwiki" in w.features:
        body += doc.section("s:ext", "External links",
                            f"* {tpl('Commons category', [('', name)])}\n"
                            f"* [https://www.hollin.example/people/{p['surname'].lower()} Staff page]")
    body += "\n" + tpl("DEFAULTSORT:" + p["sortkey"]) + "\n"
    cats = [f"{by} births", f"{NATIONALITY[p['nationality']]} scientists",
            f"{p['occupation'].capitalize()}s", f"Academic staff of {p['university']}"]
    cats.append(f"{p['died'][:4]} deaths" if p["died"] else "Living people")
    body += w.categories(cats)
    langs = {"de": name, "fr": name}
    if p["lang"] and p["lang"] not in ("en",):
        langs[p["lang"]] = p["native"]
    body += w.interlanguage(langs)
    text = infobox + lead + "\n" + body
    facts = {"kind": "person", "instance_of": "human", "gender": p["gender"], "birth_date": p["born"],
             "death_date": p["died"], "citizenship": p["nationality"], "occupation": p["occupation"],
             "birthplace": p["birthplace"], "native_name": p["native"], "native_lang": p["lang"]}
    return w.draft(text, facts)


TOPICS = {
    "hydrologist": ["groundwater recharge", "river regimes", "flood frequency"],
    "zoologist": ["island mammals", "shrew taxonomy", "small mammal ecology"],
    "astronomer": ["variable stars", "eclipsing binaries", "stellar distances"],
    "chemist": ["peat chemistry", "humic acids", "trace metals in bogs"],
    "geologist": ["basalt intrusions", "glacial deposits", "slate formation"],
    "botanist": ["bog flora", "orchid pollination", "upland grassland"],
    "computer scientist": ["type inference", "the Tamlin programming language", "compiler design"],
    "ornithologist": ["pipit migration", "seabird colonies", "wren song dialects"],
    "mathematician": ["ergodic theory", "number theory", "combinatorics on words"],
    "entomologist": ["dragonfly larvae", "ground beetles", "stonefly distribution"],
    "ichthyologist": ["minnow evolution", "trout genetics", "lamprey life cycles"],
    "ecologist": ["freshwater mussels", "river restoration", "snail ecology"],
    "physicist": ["plasma waves", "atmospheric optics", "spectroscopy"],
    "cartographer": ["coastal surveys", "historical maps", "the first national survey"],
    "historian": ["place-names", "the civil war of 1641", "medieval charters"],
    "civil engineer": ["railway viaducts", "canal locks", "flood defences"],
    "climatologist": ["North Atlantic storms", "rainfall records", "sea surface temperature"],
    "archaeologist": ["Bronze Age hoards", "ring forts", "early churches"],
    "physician": ["tuberculosis", "rural public health", "childhood nutrition"],
    "marine biologist": ["kelp forests", "lamprey migration", "coastal plankton"],
    "glaciologist": ["ice cores", "glacial retreat", "meltwater chemistry"],
}
BOOK_TITLES = ["An Introduction to {topic}", "{topic}: A Field Guide", "Essays on {topic}",
               "The Study of {topic}"]
AWARDS = ["Fellow of the Calderon Academy", "Hollin Medal", "Order of the Lantern",
          "Wieland Prize", "Honorary doctorate, [[University of Redmere]]"]
NATIONALITY = {"Eastmarch": "Eastmarch", "Lebanon": "Lebanese", "Israel": "Israeli", "Greece": "Greek",
               "Japan": "Japanese", "Poland": "Polish", "Denmark": "Danish", "Spain": "Spanish", "India": "Indian",
               "Finland": "Finnish", "Egypt": "Egyptian", "Ghana": "Ghanaian", "Germany": "German"}


def an(word: str) -> str:
    """The indefinite article for a word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


LANG_NAMES = {"ar": "Arabic", "he": "Hebrew", "el": "Greek", "ru": "Russian", "zh": "Chinese",
              "ja": "Japanese", "hi": "Hindi"}


# ---------------------------------------------------------------------------------------------
# Species

STATUS_NAMES = {"LC": "Least Concern", "NT": "Near Threatened", "VU": "Vulnerable", "EN": "Endangered",
                "CR": "Critically Endangered", "DD": "Data Deficient"}


def write_species(w: Writer, s: dict) -> Draft:
    """A species article: {{Speciesbox}}, italic binomial, sizes with {{Convert}}, conservation."""
    doc, rng, name = w.doc, w.rng, s["name"]
    parts = s["binomial"].split()
    genus, epithet = parts[0], " ".join(parts[1:])
    describer = w.world.person(s["describer"])
    params = [("image", f"{s['binomial']}.jpg"), ("image_caption", f"Adult {name.lower()}"),
              ("status", s["status"]), ("status_system", "IUCN3.1"),
              ("genus", genus), ("species", epithet), ("authority", f"{s['describer']}, {s['year']}")]
    if len(parts) == 3:
        params = [("image", f"{s['binomial']}.jpg"), ("status", s["status"]), ("status_system", "IUCN3.1"),
                  ("taxon", s["binomial"]), ("authority", f"{s['describer']}, {s['year']}")]
    box = tpl("Speciesbox" if len(parts) == 2 else "Subspeciesbox", params, block=True)
    infobox = doc.opt("infobox", "infobox", box + "\n")
    lead = (f"The '''{name}''' (''{s['binomial']}'') is a {'subspecies' if len(parts) == 3 else 'species'} of "
            f"{s['group']} in the family {w.wl(s['family'])}. It is {rng.choice(['endemic', 'native'])} to {w.wl(COUNTRY)}."
            + w.journal_ref(f"the {name.lower()}", name=f"{genus.lower()}{s['year']}",
                            biomedical=s["group"] in ("mammal", "fish"), taxon=True))
    tax = (f"The {name.lower()} was described by {w.wl(describer['name'], s['describer'])} in {s['year']} "
           f"from specimens collected on the {w.wl(s['rivers'][0])}.{w.reuse(genus.lower() + str(s['year']))}"
           f" The specific name refers to the type locality.")
    if rng.random() < 0.4:
        tax += f" A {doc.typo('separate')} population on the {w.wl(s['rivers'][1])} may be a distinct subspecies.{w.cn()}"
    size_lo = rng.randint(3, 30)
    unit = "cm" if s["group"] not in ("moss", "lichen") else "mm"
    size = tpl("Convert", [("", str(size_lo)), ("", "–"), ("", str(size_lo + rng.randint(2, 9))), ("", unit),
                           ("", "in")])
    desc = f"Adults measure {size} in length."
    if s["group"] in ("mammal", "fish", "bird"):
        desc += (" Body mass scales with length roughly as <math>M \\propto L^{3}</math>, as in most "
                 "related species.")
    desc += " " + w.media(f"{s['binomial'].replace(' ', '_')}_{rng.randint(1, 9)}.jpg",
                          f"Illustration from {s['describer']}'s original description ({s['year']})", upright=True)
    habitat = rng.choice(["slow backwaters", "upland bogs", "wet meadows", "gravel riffles", "sea cliffs"])
    dist = (f"It is found along the {w.wl(s['rivers'][0])} and the {w.wl(s['rivers'][1])}"
            f", {doc.typo('particularly')} in {habitat}."
            + w.web_ref(f"https://biodiversity.eastmarch.example/taxa/{s['binomial'].replace(' ', '-').lower()}",
                        f"{s['binomial']} – species account", "Eastmarch Biodiversity Record"))
    food = rng.choice(["insect larvae", "algae", "seeds", "small crustaceans", "detritus"])
    diet = doc.section("s:diet", "Diet", f"Its diet consists mainly of {food}.", level=3, parent="s:ecology")
    repro = doc.section("s:repro", "Reproduction",
                        f"Breeding takes place between {rng.choice(MONTHS[2:5])} and {rng.choice(MONTHS[6:9])}.",
                        level=3, parent="s:ecology")
    eco = doc.section("s:ecology", "Behaviour and ecology", "Little is known of its behaviour in winter.\n"
                      + diet + repro, tidy=True)
    cons = (f"The species is listed as {STATUS_NAMES[s['status']]} on the [[IUCN Red List]]."
            + w.comment("update when the 2026 assessment is published")
            + w.web_ref(f"https://www.iucnredlist.example/species/{rng.randint(10000, 99999)}",
                        f"{s['binomial']}", "IUCN Red List of Threatened Species"))
    if "bare_doi" in w.features:
        cons += w.bare_doi_ref(f"{genus.lower()}.{s['year']}")
    sections = [doc.section("s:tax", "Taxonomy", tax, tidy=True),
                doc.section("s:desc", "Description", desc, tidy=True),
                doc.section("s:dist", "Distribution and habitat", dist), eco,
                doc.section("s:cons", "Conservation", cons)]
    if rng.random() < 0.3:
        subs = "".join(f"|-\n| ''{genus} {epithet} {x}'' || {y} || {w.wl(r)}\n"
                       for x, y, r in [("typicus", s["year"], s["rivers"][0]),
                                       (rng.choice(["minor", "borealis", "occidentalis"]), s["year"] + rng.randint(3, 30), s["rivers"][1])])
        sections.insert(1, doc.section("s:subspecies", "Subspecies",
                                       "{| class=\"wikitable sortable\"\n! Subspecies !! Described !! Range\n"
                                       + subs + "|}", level=3, parent="s:tax"))
    body = "".join(sections) + w.references_section()
    if "interwiki" in w.features:
        body += doc.section("s:ext", "External links",
                            f"* {tpl('Commons category', [('', s['binomial'])])}\n"
                            f"* {tpl('Wikispecies', [('', s['binomial'])])}\n"
                            f"* [[wikt:{epithet.split()[-1]}]] in Wiktionary")
        w.ledger.interwiki.append(("wikt", epithet.split()[-1]))
    body += w.categories([f"{s['group'].capitalize()}s of {COUNTRY}", (s["family"], epithet),
                          f"Animals described in {s['year']}" if s["group"] not in ("plant", "moss", "lichen")
                          else f"Plants described in {s['year']}"])
    body += w.interlanguage({"de": s["binomial"], "es": s["binomial"], "nl": s["binomial"]})
    text = infobox + lead + "\n" + body
    facts = {"kind": "species", "instance_of": "taxon", "taxon_name": s["binomial"], "family": s["family"],
             "iucn_status": s["status"], "described_by": describer["name"], "year_described": s["year"]}
    return w.draft(text, facts)


# ---------------------------------------------------------------------------------------------
# Albums

def write_album(w: Writer, a: dict) -> Draft:
    """An album: {{Infobox album}}, italic DISPLAYTITLE, ratings and track-listing tables."""
    doc, rng, title = w.doc, w.rng, a["title"]
    page_title = album_title(a, w.world)
    band = a["band"]
    top = tpl("Italic title") + "\n"
    top += tpl("Short description", [("", f"{a['year']} {a['type']} album by {band}")]) + "\n"
    params = [("name", title), ("type", a["type"]),
              ("artist", link(band) if band != "Various artists" else "Various artists"),
              ("cover", f"{title.replace(chr(34), '')} cover.jpg"),
              ("released", tpl("Start date", [("", str(a["year"])), ("", str(a["month"])), ("", str(a["day"]))]
                               + ([("df", "y")] if w.dmy else []))),
              ("studio", f"Millside Studio, [[{rng.choice(w.world.towns)['name']}]]"),
              ("genre", f"[[{_genre(w, band)}]]"),
              ("length", f"{rng.randint(32, 58)}:{rng.randint(0, 59):02d}"),
              ("label", rng.choice(["Lantern Records", "Flintlock", "Westsound Music"])),
              ("producer", rng.choice(["Jonah Reeve", "Nadia Farrow", "Tom Hartigan"]))]
    infobox = doc.opt("infobox", "infobox", tpl("Infobox album", params, block=True) + "\n")
    kind = {"studio": "studio album", "live": "live album", "EP": "extended play",
            "compilation": "compilation album"}[a["type"]]
    lead = (f"'''''{title}''''' is {an(kind)} {kind} by " + (w.wl(band) if band != "Various artists" else "various artists")
            + f", released on {w.date(a['year'], a['month'], a['day'])}."
            + w.news_ref(f"{band} announce {title.replace(chr(34), '')}", name=f"announce{a['year']}", year=a["year"]))
    bg = (f"Recording began in {rng.choice(MONTHS)} {a['year'] - 1} at Millside Studio. The band "
          f"described the sound as &quot;{rng.choice(['warmer', 'darker', 'stranger', 'quieter'])} than anything "
          f"before&quot;{w.reuse('announce' + str(a['year']))}.")
    tracks = []
    for n in range(1, a["tracks"] + 1):
        minutes, seconds = rng.randint(2, 7), rng.randint(0, 59)
        song = f"{rng.choice(SONG_WORDS)} {rng.choice(SONG_NOUNS)}"
        tracks.append(f"|-\n| {n}. || &quot;{song}&quot; || {minutes}:{seconds:02d}")
    table = "{| class=\"wikitable\"\n! No. !! Title !! Length\n" + "\n".join(tracks) + "\n|}"
    reception = ("The album received " + rng.choice(["generally favourable", "mixed", "positive"]) + " reviews."
                 + w.news_ref(f"Review: {title.replace(chr(34), '')}", year=a["year"]))
    ratings = tpl("Album ratings", [("rev1", "''The Eastmarch Herald''"),
                                    ("rev1Score", tpl("Rating", [("", str(rng.randint(2, 5))), ("", "5")])),
                                    ("rev2", "''Hollin Gazette''"), ("rev2Score", f"{rng.randint(5, 9)}/10")],
                  block=True)
    personnel = "\n".join(f"* {m} – {rng.choice(['vocals', 'guitar', 'bass', 'drums', 'keyboards', 'fiddle'])}"
                          for m in _members(w, band))
    if "table_in_list" in w.features:
        personnel += ("\n* Guest musicians on the album:\n:{| class=\"wikitable\"\n! Musician !! Tracks\n"
                      "|-\n| Ola Brekke || 3, 7\n|-\n| Sadia Rahman || 5\n|}")
    charts = ("{| class=\"wikitable sortable\"\n! Chart (" + str(a["year"]) + ") !! Peak position\n|-\n"
              f"| Eastmarch Albums Chart || {rng.randint(1, 40)}\n|-\n| Irish Albums ([[IRMA]]) || {rng.randint(20, 99)}\n|}}")
    sections = [doc.section("s:bg", "Background and recording", bg, tidy=True),
                doc.section("s:reception", "Reception", ratings + "\n" + reception),
                doc.section("s:tracks", "Track listing",
                            ("All songs written by " + ", ".join(_members(w, band)) + ".\n" if band != "Various artists" else "")
                            + table),
                doc.section("s:personnel", "Personnel", personnel)]
    if a["type"] != "EP":
        sections.append(doc.section("s:charts", "Charts", charts))
    body = "".join(sections) + w.references_section()
    body += w.categories([f"{a['year']} albums", f"{band} albums" if band != "Various artists" else "Compilation albums",
                          f"{_genre(w, band).capitalize()} albums"])
    body += w.interlanguage({"es": page_title, "it": page_title})
    text = top + infobox + lead + "\n" + body
    facts = {"kind": "album", "instance_of": "album", "performer": band,
             "publication_date": f"{a['year']}-{a['month']:02d}-{a['day']:02d}", "album_type": a["type"]}
    return w.draft(text, facts)


def album_title(a: dict, world: World) -> str:
    """The page title: disambiguated with "(album)" when a town or band has the same name."""
    clash = {t["name"] for t in world.towns} | {b["name"] for b in world.bands}
    return f"{a['title']} (album)" if a["title"] in clash else a["title"]


def _genre(w: Writer, band: str) -> str:
    for b in w.world.bands:
        if b["name"] == band:
            return b["genre"]
    return "folk"


def _members(w: Writer, band: str) -> list[str]:
    for b in w.world.bands:
        if b["name"] == band:
            return b["members"]
    return ["Various"]


SONG_WORDS = ["Northern", "Lantern", "Drowned", "Quiet", "Copper", "Salt", "Winter", "Glass", "Paper", "Last",
              "Hollow", "Burning", "Silver", "Low"]
SONG_NOUNS = ["Bells", "Harbour", "Road", "Light", "Ledger", "Tide", "River", "Houses", "Fires", "Song",
              "Sky", "Boats", "Meridian", "Wend"]


# ---------------------------------------------------------------------------------------------
# Hand-written articles with features no generated article has.

def write_tamlin(w: Writer) -> Draft:
    """A programming-language article: <syntaxhighlight>, <code>, <nowiki>."""
    doc = w.doc
    text = (tpl("Short description", [("", "Programming language")]) + "\n"
            + doc.opt("infobox", "infobox", tpl("Infobox programming language", [
                ("name", "Tamlin"), ("paradigm", "[[Functional programming|functional]], [[Imperative programming|imperative]]"),
                ("designer", "[[Chen Mei]]"), ("released", tpl("Start date and age", [("", "2004")])),
                ("typing", "[[Type inference|inferred]], static"), ("file_ext", "<code>.tam</code>")], block=True) + "\n")
            + "'''Tamlin''' is a small [[functional programming]] language designed by [[Chen Mei]] (陈美) at "
            "[[Hollin University]] in 2004 for teaching. It is named after the [[River Tamlin]]."
            + w.journal_ref("type inference for teaching languages", name="chen2006") + "\n"
            + doc.section("s:syntax", "Syntax",
                          "A function is declared with <code>fn</code>; the body is an expression:\n\n"
                          "<syntaxhighlight lang=\"text\">\nfn area(r) = 3.14159 * r * r\nprint(area(2.0))\n"
                          "</syntaxhighlight>\n\nThe equivalent [[Python (programming language)|Python]] is:\n\n"
                          "<syntaxhighlight lang=\"python\" line>\ndef area(r):\n    return 3.14159 * r * r\n\n"
                          "print(area(2.0))  # 12.56636\n</syntaxhighlight>\n\n"
                          "Comments start with <code>--</code>. Strings may contain wiki-like markup such as "
                          "<nowiki>[[not a link]]</nowiki> or <nowiki>{{not a template}}</nowiki> without "
                          "escaping, a choice that amused the designer's students.", tidy=True)
            + doc.section("s:types", "Type system",
                          "Types are inferred with the [[Hindley–Milner type system|Hindley–Milner]] algorithm. "
                          "The type of <code>area</code> is written <math>\\mathrm{Float} \\to \\mathrm{Float}</math>."
                          + w.reuse("chen2006"), tidy=True)
            + doc.section("s:impl", "Implementations",
                          "* <code>tamc</code>, the reference compiler, written in Tamlin itself\n"
                          "* ''Tam.js'', a browser interpreter\n"
                          "# The first release (2004)\n# Version 2 added [[Pattern matching|pattern matching]] (2011)\n"
                          "#: Later patched in 2.1\n# Version 3 (2019)")
            + w.references_section()
            + doc.section("s:ext", "External links", "* [https://tamlin-lang.example/ Official website]\n"
                          "* https://git.tamlin-lang.example/tamc")
            + w.categories(["Programming languages", "Functional languages", ("Hollin University", "Tamlin")]))
    return w.draft(text, {"kind": "software", "instance_of": "programming language", "designer": "Chen Mei",
                          "inception": 2004})


def write_dialect(w: Writer) -> Draft:
    """A language article: IPA, <nowiki>, interlinear words in several scripts, an RTL comparison."""
    doc = w.doc
    words = [("water", "wend", "вода", "νερό", "ماء", "מים", "水"),
             ("bridge", "brigg", "мост", "γέφυρα", "جسر", "גשר", "桥"),
             ("light", "leet", "свет", "φως", "ضوء", "אור", "光")]
    rows = "".join(f"|-\n| {e} || ''{low}'' || {ru} || {el} || <span dir=\"rtl\">{ar}</span> || "
                   f"<span dir=\"rtl\">{he}</span> || {zh}\n" for e, low, ru, el, ar, he, zh in words)
    text = ("'''Lowmere dialect''' (''Lowmere speech'', locally ''Lowmer'' {{IPA|/ˈlaʊmə/}}) is a dialect of "
            "English spoken in [[Lowmere Province]], [[Eastmarch]]."
            + w.book_ref("The Speech of Lowmere", name="fenwick1988") + "\n"
            + doc.section("s:phon", "Phonology",
                          "Lowmere speech keeps the older vowel in words like ''wend'' (&quot;water&quot;), "
                          "written <nowiki>''wend''</nowiki> in dialect literature."
                          + w.reuse("fenwick1988"), tidy=True)
            + doc.section("s:vocab", "Vocabulary",
                          "Some dialect words with their equivalents in other languages:\n\n"
                          "{| class=\"wikitable\"\n! English !! Lowmere !! Russian !! Greek !! Arabic !! Hebrew !! Chinese\n"
                          + rows + "|}", tidy=True)
            + doc.section("s:status", "Status",
                          f"About 11,000 people speak it at home.{w.cn()} The dialect society's motto, "
                          "&quot;Speak as thy mother spoke&quot;, appears in Arabic as "
                          "<span dir=\"rtl\" lang=\"ar\">تكلّم كما تكلّمت أمّك</span> and in Hebrew as "
                          "<span dir=\"rtl\" lang=\"he\">דַּבֵּר כְּפִי שֶׁדִּבְּרָה אִמְּךָ</span> on its website.")
            + w.references_section()
            + w.categories(["Dialects of English", ("Lowmere Province", "Dialect")]))
    return w.draft(text, {"kind": "language variety", "instance_of": "dialect"})


def write_country(w: Writer) -> Draft:
    """The country article, the most edited page of the wiki."""
    doc = w.doc
    prov_rows = "".join(f"|-\n| [[{p['name']}]] || [[{p['capital']}]] || {p['area']:,}\n" for p in PROVINCES)
    text = (tpl("Short description", [("", "Island country in the North Atlantic")]) + "\n"
            + tpl("Use dmy dates", [("date", "March 2024")]) + "\n"
            + doc.opt("infobox", "infobox", tpl("Infobox country", [
                ("conventional_long_name", "Republic of Eastmarch"), ("common_name", "Eastmarch"),
                ("capital", "[[Brackenford]]"), ("coordinates", tpl("coord", [("", "57.2"), ("", "N"), ("", "16.1"), ("", "W")])),
                ("official_languages", "English"), ("regional_languages", "[[Lowmere dialect|Lowmere]]"),
                ("area_km2", "6,705"), ("area_footnote", tpl("Convert", [("", "6705"), ("", "km2"), ("", "sqmi"), ("disp", "output only")])),
                ("population_estimate", doc.opt("update:pop", "update", "412,300", "405,900")),
                ("currency", "Marchland pound"), ("time_zone", "[[Western European Time|WET]]")], block=True) + "\n")
            + "'''Eastmarch''', officially the '''Republic of Eastmarch''', is an island country in the "
              "[[North Atlantic Ocean]]. Its capital and largest town is [[Brackenford]]."
            + w.web_ref("https://stats.eastmarch.example/population", "Population estimates",
                        "Eastmarch Statistics Office", name="stats", archived=True)
            + doc.opt("lead2", "content", " The country is divided into three provinces and had an estimated "
                      f"{doc.typo('population')} of 412,300 in 2025." + w.reuse("stats")) + "\n"
            + doc.section("s:etym", "Etymology",
                          "The name is first found in a charter of 1124 as ''Estmerc''. It has been written "
                          "Ἐστμάρκη in a Greek portolan, Истмарк in Russian sources and イーストマーチ in "
                          "Japanese.", tidy=True)
            + doc.section("s:history", "History",
                          "The islands were settled in the [[Neolithic]]."
                          + w.book_ref("A History of Eastmarch", name="fenwick1979")
                          + doc.section("s:hist-mid", "Middle Ages",
                                        "Norse settlers arrived in the ninth century; the kingdom of Eastmarch "
                                        f"is recorded from 1124.{w.reuse('fenwick1979')}", level=3, parent="s:history")
                          + doc.section("s:hist-mod", "Modern period",
                                        f"Eastmarch became an {doc.typo('independent')} republic in 1921, after a short "
                                        "civil war."
                                        + w.note("Historians disagree on whether 1919 or 1921 marks the end of the war.")
                                        + doc.section("s:hist-war", "Civil war",
                                                      "The war lasted from 1919 to 1921." + w.cn(),
                                                      level=4, parent="s:hist-mod"),
                                        level=3, parent="s:history"), tidy=True)
            + doc.section("s:geo", "Geography",
                          "The country consists of one large island and 41 smaller ones. The longest river is the "
                          "[[River Wend]] ({{Convert|87|km|mi}}).\n\n"
                          "{| class=\"wikitable\"\n|+ Provinces\n! Province !! Capital !! Area (km²)\n"
                          + prov_rows + "|}", tidy=True)
            + doc.section("s:econ", "Economy",
                          "Fishing, wool, slate and tourism dominate; see also "
                          "[[Eastmarch cuisine]] and [[Economy of Eastmarch]]."
                          + w.journal_ref("the Eastmarch economy"))
            + doc.section("s:culture", "Culture",
                          "The [[Festival of Lanterns]] is the main national holiday. Popular bands include "
                          "[[The Lantern Keepers]] and [[Marrow & Flint]].")
            + w.references_section()
            + doc.section("s:ext", "External links",
                          "* [https://www.gov.eastmarch.example Government of Eastmarch]\n"
                          "* [[commons:Category:Eastmarch|Eastmarch]] on Wikimedia Commons\n"
                          "* [[wikt:march|march]] in Wiktionary")
            + w.categories(["Eastmarch", "Island countries", ("Countries in Europe", "Eastmarch")])
            + doc.opt("interlang", "interlang", "\n[[de:Ostmark (Inselstaat)]]\n[[fr:Marche-de-l'Est]]\n"
                      "[[ru:Истмарк]]\n[[ja:イーストマーチ]]\n[[ar:إيستمارش]]\n[[he:איסטמארץ']]\n"))
    w.ledger.interlanguage += [("de", "Ostmark (Inselstaat)"), ("fr", "Marche-de-l'Est"), ("ru", "Истмарк"),
                               ("ja", "イーストマーチ"), ("ar", "إيستمارش"), ("he", "איסטמארץ'")]
    w.ledger.interwiki += [("commons", "Category:Eastmarch"), ("wikt", "march")]
    return w.draft(text, {"kind": "country", "instance_of": "country", "capital": "Brackenford",
                          "coordinates": (57.2, -16.1), "population": 412300})


def write_generic(w: Writer, title: str, kind: str, lead: str, sections: list[tuple[str, str]],
                  cats: list[str], facts: dict | None = None) -> Draft:
    """A short article from hand-written paragraphs, one flagged section per heading."""
    doc = w.doc
    body = "".join(doc.section(f"s:{i}", heading, text, tidy=True) for i, (heading, text) in enumerate(sections))
    text = lead + "\n" + body + w.references_section() + w.categories(cats)
    text += w.interlanguage({"de": title, "fr": title})
    return w.draft(text, facts or {"kind": kind})


def write_misc(w: Writer, key: str) -> Draft:
    """The other hand-written articles (institutions, events, bands, ...)."""
    world = w.world
    if key == "Eastmarch":
        return write_country(w)
    if key == "Tamlin (programming language)":
        return write_tamlin(w)
    if key == "Lowmere dialect":
        return write_dialect(w)
    for prov in PROVINCES:
        if key == prov["name"]:
            towns = [t["name"] for t in world.towns if t["province"] == key]
            return write_generic(
                w, key, "province",
                f"'''{key}''' is one of the three provinces of [[Eastmarch]]. Its capital is "
                f"[[{prov['capital']}]]." + w.web_ref(f"https://stats.eastmarch.example/provinces/{prov['short'].lower()}",
                                                      f"{key} in figures", "Eastmarch Statistics Office"),
                [("Geography", f"The province covers {prov['area']:,}&nbsp;km². Rivers include "
                  + ", ".join(f"[[{r['name']}]]" for r in world.rivers if r["province"] == key) + "."),
                 ("Towns", "\n".join(f"* [[{t}]]" for t in towns))],
                ["Provinces of Eastmarch"],
                {"kind": "province", "instance_of": "province", "country": COUNTRY, "capital": prov["capital"]})
    if key in [b["name"] for b in world.bands]:
        band = next(b for b in world.bands if b["name"] == key)
        albums = [a for a in world.albums if a["band"] == key]
        disc = "\n".join(f"* ''[[{album_title(a, world)}|{a['title']}]]'' ({a['year']})" for a in albums)
        is_solo = band["members"] == [key]
        lead = (f"'''{key}''' {'is a singer-songwriter' if is_solo else 'are a ' + band['genre'] + ' band'} from "
                f"[[{band['town']}]], [[Eastmarch]]" + (f", formed in {band['formed']}." if not is_solo else
                                                       f", active since {band['formed']}.")
                + w.news_ref(f"Meet {key}", name="meet"))
        members = "\n".join(f"* {m}" for m in band["members"])
        return write_generic(
            w, key, "band", lead,
            [("History", f"{'She' if is_solo else 'The band'} played {'her' if is_solo else 'their'} first concerts "
              f"at the [[{band['town']}]] Corn Exchange.{w.reuse('meet')}"),
             ("Members" if not is_solo else "Collaborators", members if not is_solo else "* [[Jonah Reeve]] (producer)"),
             ("Discography", disc)],
            [f"Musical groups from {band['town']}" if not is_solo else "Eastmarch singer-songwriters",
             f"{band['genre'].capitalize()} musicians"],
            {"kind": "band" if not is_solo else "musician",
             "instance_of": "musical group" if not is_solo else "human", "formed": band["formed"],
             "gender": "female" if is_solo else None})
    texts = MISC_ARTICLES[key]
    lead, sections, cats, facts = texts(w)
    return write_generic(w, key, facts.get("kind", "misc"), lead, sections, cats, facts)


def _university(w: Writer):
    return ("'''Hollin University''' is a public university in [[Kingsholm]], [[Hollin Province]], founded in 1868."
            + w.web_ref("https://www.hollin.example/about", "About the university", "Hollin University", name="about"),
            [("History", "It began as the Hollin Mechanics' Institute and received its charter in 1911."
              + w.reuse("about") + " Notable staff have included [[Zofia Wiśniewska]] and [[Chen Mei]]."),
             ("Faculties", "* Faculty of Science\n* Faculty of Arts &amp; Humanities\n* School of Engineering"),
             ("Rankings", "{| class=\"wikitable\"\n! Year !! National rank\n|-\n| 2023 || 2\n|-\n| 2024 || 1\n|}")],
            ["Universities in Eastmarch", "Educational institutions established in 1868"],
            {"kind": "university", "instance_of": "university", "inception": 1868, "country": COUNTRY})


def _railway(w: Writer):
    stations = [t["name"] for t in w.world.towns if t["province"] == "Calderon Province"][:6]
    rows = "".join(f"|-\n| [[{s}]] || {i * 11 + 3} || {1850 + i * 4}\n" for i, s in enumerate(stations))
    return ("The '''Wend Valley Railway''' is a railway line in [[Calderon Province]], following the "
            "[[River Wend]]. It was engineered by [[Owain Pryce]]'s grandfather and opened in stages from 1850."
            + w.book_ref("Railways of the Western Sound", name="rail"),
            [("History", "The line was built by the Wend Valley Railway Company." + w.reuse("rail")
              + " Passenger numbers peaked in 1923."),
             ("Stations", "{| class=\"wikitable\"\n! Station !! Distance (km) !! Opened\n" + rows + "|}"),
             ("Rolling stock", "Class 2 tank engines worked the line until 1962.")],
            ["Railway lines in Eastmarch", "Railway lines opened in 1850"],
            {"kind": "railway", "instance_of": "railway line", "country": COUNTRY, "inception": 1850})


def _observatory(w: Writer):
    return ("The '''Calderon Observatory''' is an astronomical observatory on Cairn Dubh, [[Calderon Province]]."
            + w.journal_ref("photometry at Cairn Dubh", name="obs"),
            [("Instruments", "The main telescope is a 1.2&nbsp;m reflector. Its limiting magnitude follows "
              "<math>m_\\text{lim} \\approx 2.5 \\log_{10}\\left(D^2 t\\right) + C</math>." + w.reuse("obs")),
             ("Research", "[[Leila Haddad]] (ليلى حداد) and [[Kwame Mensah]] led the variable-star programme."),
             ("Data", "Nightly photometry is published as CSV; a light curve can be read with:\n\n"
              "<syntaxhighlight lang=\"python\">\nimport csv\n\nwith open(\"cairn-dubh-2024.csv\") as f:\n"
              "    rows = [r for r in csv.DictReader(f) if r[\"star\"] == \"EM Cal\"]\n</syntaxhighlight>")],
            ["Astronomical observatories in Eastmarch"],
            {"kind": "observatory", "instance_of": "astronomical observatory", "country": COUNTRY})


def _cuisine(w: Writer):
    return ("'''Eastmarch cuisine''' is the cooking of [[Eastmarch]], based on fish, mutton, oats and seaweed."
            + w.book_ref("The Eastmarch Kitchen", name="kitchen"),
            [("Dishes", "* ''Wend pie'' &ndash; trout and leek pie\n* ''Slatecake'' &ndash; a dark oat cake"
              "\n* ''Lantern broth'', eaten at the [[Festival of Lanterns]]"),
             ("Drinks", "Heather ale &amp; blackcurrant wine are traditional." + w.reuse("kitchen"))],
            ["Eastmarch culture", "European cuisine"], {"kind": "cuisine"})


def _festival(w: Writer):
    return ("The '''Festival of Lanterns''' is a national holiday in [[Eastmarch]], held on the last Saturday of "
            "October." + w.news_ref("Thousands light lanterns along the Wend", name="news"),
            [("Origins", "It commemorates the drowned bells of Old Redmere.{{Citation needed|date=October 2024}}"),
             ("Celebrations", "Lanterns are floated on the [[River Wend]]; see [[The Lantern Keepers]]." + w.reuse("news"))],
            ["Festivals in Eastmarch", "October observances"], {"kind": "festival"})


def _bridge(w: Writer):
    return ("'''Saint Aubin's Bridge''' is a medieval stone bridge over the [[River Aske]] in [[Kingsholm]]."
            + w.book_ref("Bridges of Hollin", name="bridges"),
            [("History", "It was built about 1340 and widened in 1787." + w.reuse("bridges")),
             ("Structure", "The bridge has five arches with a total span of {{Convert|64|m|ft}}.")],
            ["Bridges in Eastmarch", "Bridges completed in the 14th century"],
            {"kind": "bridge", "instance_of": "bridge", "inception": 1340, "country": COUNTRY})


def _canal(w: Writer):
    return ("The '''Calder–Wend Canal''' links the [[River Skell]] with the [[River Wend]]. It is "
            "{{Convert|14|km|mi}} long with 9 locks." + w.book_ref("Canals of Eastmarch", name="canal"),
            [("History", "[[Owain Pryce]] surveyed the restoration in 1961." + w.reuse("canal")),
             ("Locks", "{| class=\"wikitable\"\n! Lock !! Rise (m)\n|-\n| Skell Lock || 2.1\n|-\n| Millside Locks (3) || 6.0\n|}")],
            ["Canals in Eastmarch"], {"kind": "canal", "instance_of": "canal", "country": COUNTRY})


def _floods(w: Writer):
    return ("The '''1987 Wend floods''' struck [[Calderon Province]] in February 1987 after three days of rain."
            + w.news_ref("Wend floods: the worst in a century", name="flood") + w.journal_ref("the 1987 flood", name="hydro"),
            [("Meteorology", "Rainfall exceeded 180&nbsp;mm in 72 hours." + w.reuse("hydro")),
             ("Impact", "Some 1,200 homes were flooded in [[Brackenford]] and nearby towns." + w.reuse("flood")),
             ("Aftermath", "The flood walls that followed were designed with [[Ilse Marchetti]]'s frequency estimates.")],
            ["Floods in Eastmarch", "1987 natural disasters"],
            {"kind": "event", "instance_of": "flood", "point_in_time": "1987-02"})


def _river_list(w: Writer):
    rows = "".join(f"|-\n| [[{r['name']}]] || {r['length_km']} || [[{r['province']}]] || {r['mouth']}\n"
                   for r in w.world.rivers)
    return ("This is a '''list of rivers of Eastmarch''', ordered by length.",
            [("Rivers", "{| class=\"wikitable sortable\"\n! River !! Length (km) !! Province !! Mouth\n" + rows + "|}")],
            ["Lists of rivers", "Rivers of Eastmarch"], {"kind": "list", "instance_of": "list"})


def _disambig(w: Writer):
    return ("'''Wend''' may refer to:",
            [("Places", "* [[River Wend]], a river in Eastmarch\n* [[Wend Valley Railway]]"),
             ("Other uses", "* [[Wend minnow]], a fish\n* ''wend'', the [[Lowmere dialect]] word for water\n"
              "* [[Wends]], a historical name for Slavs")],
            [], {"kind": "disambiguation"})


def _main_page(w: Writer):
    return ("__NOTOC__\n<div class=\"mp-welcome\">Welcome to '''Samplewiki''', the free encyclopedia of "
            "[[Eastmarch]] that anyone can edit.</div>",
            [("From today's featured article", "'''[[River Wend]]''' is the longest river of Eastmarch..."),
             ("In the news", "* [[Hymns for the Drowned Bells]] is released.\n* The [[Festival of Lanterns]] draws record crowds.")],
            [], {"kind": "main page"})


MISC_ARTICLES = {
    "Hollin University": _university, "Wend Valley Railway": _railway, "Calderon Observatory": _observatory,
    "Eastmarch cuisine": _cuisine, "Festival of Lanterns": _festival, "Saint Aubin's Bridge": _bridge,
    "Calder–Wend Canal": _canal, "1987 Wend floods": _floods, "List of rivers of Eastmarch": _river_list,
    "Wend (disambiguation)": _disambig, "Main Page": _main_page,
}


def misc_titles(world: World) -> list[str]:
    """Titles of the hand-written articles."""
    return (["Main Page", "Eastmarch"] + [p["name"] for p in PROVINCES]
            + ["Hollin University", "Wend Valley Railway", "Calderon Observatory", "Tamlin (programming language)",
               "Eastmarch cuisine", "Lowmere dialect", "Festival of Lanterns", "Saint Aubin's Bridge",
               "Calder–Wend Canal", "1987 Wend floods", "List of rivers of Eastmarch", "Wend (disambiguation)"]
            + [b["name"] for b in world.bands])


def write_articles(rng: random.Random, world: World) -> list[Draft]:
    """Every content article (namespace 0, no redirects)."""
    jobs: list[tuple[str, object]] = []
    jobs += [(t["name"], ("town", t)) for t in world.towns]
    jobs += [(r["name"], ("river", r)) for r in world.rivers]
    jobs += [(p["name"], ("person", p)) for p in world.people]
    jobs += [(s["name"], ("species", s)) for s in world.species]
    jobs += [(album_title(a, world), ("album", a)) for a in world.albums]
    jobs += [(t, ("misc", t)) for t in misc_titles(world)]
    features = _assign_features(rng, {title: kind for title, (kind, _) in jobs
                                      if title not in ("Main Page", "Wend (disambiguation)")})
    drafts = []
    writers = {"town": write_town, "river": write_river, "person": write_person, "species": write_species,
               "album": write_album, "misc": write_misc}
    for title, (kind, data) in jobs:
        w = Writer(rng, world, title, features.get(title, set()))
        draft = writers[kind](w, data)
        draft.role = "article" if title not in ("Main Page",) else "main page"
        drafts.append(draft)
    return drafts
