"""Album articles: one per album of world.py, and album_title(), the page title an album gets.

Separate from the other kinds of article; articles_misc.py (band discographies) and articles.py
import album_title from here.
"""

from __future__ import annotations

from .articles_writer import MONTHS, Writer, an
from .markup import Draft, link, tpl
from .world import World


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
