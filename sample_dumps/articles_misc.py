"""The hand-written articles: institutions, events, lists, provinces, bands, a programming
language, a dialect, the Main Page, ... and misc_titles(), the list of their titles.

Separate because these are written one by one (write_misc dispatches on the title) rather than
generated from a list of world.py records; the country article lives in articles_places.py.
"""

from __future__ import annotations

from .articles_albums import album_title
from .articles_places import write_country
from .articles_writer import Writer
from .markup import Draft, tpl
from .world import COUNTRY, PROVINCES, World


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
