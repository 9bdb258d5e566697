"""Articles about places: towns, rivers and the country article (Eastmarch).

Separate because places share their own helpers and word lists (twin towns, place-name suffixes,
provincial capitals) and together make the largest kind of article.
"""

from __future__ import annotations

from .articles_writer import MONTHS, PUBLISHERS, Writer, _years, cyrillic
from .markup import Draft, isbn13, tpl
from .world import COUNTRY, PROVINCES


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
# The country (hand-written)

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
