"""Biographies: one article per person of world.py, with the topics, book titles, awards and
nationality adjectives they are written from.

Separate from the other kinds because these word lists serve biographies only.
"""

from __future__ import annotations

from .articles_writer import PUBLISHERS, Writer, _years, an
from .markup import Draft, isbn10, isbn13, tpl
from .world import COUNTRY


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


LANG_NAMES = {"ar": "Arabic", "he": "Hebrew", "el": "Greek", "ru": "Russian", "zh": "Chinese",
              "ja": "Japanese", "hi": "Hindi"}
