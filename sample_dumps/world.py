"""The invented world samplewiki writes about: the island country of Eastmarch.

Facts are fixed here (or drawn once from the seeded generator) before any text is written, so that
articles link to each other consistently and later writers (Wikidata entities, pageviews) can reuse
the same facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTRY = "Eastmarch"

PROVINCES = [
    {"name": "Calderon Province", "short": "Calderon", "capital": "Brackenford", "area": 2140},
    {"name": "Lowmere Province", "short": "Lowmere", "capital": "Redmere", "area": 1675},
    {"name": "Hollin Province", "short": "Hollin", "capital": "Kingsholm", "area": 2890},
]

RIVERS = [
    # name, length km, province, mouth
    ("River Wend", 87, "Calderon Province", "the Western Sound"),
    ("River Aske", 64, "Hollin Province", "the River Wend"),
    ("River Tamlin", 52, "Lowmere Province", "Lowmere Bay"),
    ("River Orrin", 41, "Hollin Province", "the River Aske"),
    ("River Skell", 23, "Calderon Province", "the River Wend"),
    ("River Dunmere", 38, "Lowmere Province", "Lowmere Bay"),
    ("River Hale", 29, "Hollin Province", "the Northern Firth"),
    ("River Lisk", 17, "Calderon Province", "the River Skell"),
    ("River Brant", 33, "Lowmere Province", "the River Tamlin"),
    ("River Cinder", 21, "Hollin Province", "the River Hale"),
    ("River Falk", 46, "Calderon Province", "the Western Sound"),
    ("River Ewe", 12, "Lowmere Province", "the River Dunmere"),
]

# Some names are given in their native script too: samplewiki must carry right-to-left text
# (Arabic, Hebrew) and Greek, Cyrillic, CJK and Devanagari.
PEOPLE = [
    # name, native name, lang, gender, born, died, field, nationality, sort key
    ("Ilse Marchetti", None, None, "female", "1931-04-02", "2004-11-19", "hydrologist", "Eastmarch", "Marchetti, Ilse"),
    ("Tomasz Wieland", None, None, "male", "1902-08-14", "1979-01-30", "zoologist", "Eastmarch", "Wieland, Tomasz"),
    ("Leila Haddad", "ليلى حداد", "ar", "female", "1948-06-21", None, "astronomer", "Lebanon", "Haddad, Leila"),
    ("Dov Abramson", "דב אברמסון", "he", "male", "1939-03-09", "2011-07-04", "chemist", "Israel", "Abramson, Dov"),
    ("Nikos Papadakis", "Νίκος Παπαδάκης", "el", "male", "1956-10-27", None, "geologist", "Greece", "Papadakis, Nikos"),
    ("Irina Volkova", "Ирина Волкова", "ru", "female", "1962-01-15", None, "botanist", "Eastmarch", "Volkova, Irina"),
    ("Chen Mei", "陈美", "zh", "female", "1971-09-03", None, "computer scientist", "Eastmarch", "Chen, Mei"),
    ("Yuki Hanamura", "花村 雪", "ja", "male", "1944-12-11", "2019-05-06", "ornithologist", "Japan", "Hanamura, Yuki"),
    ("Zofia Wiśniewska", None, None, "female", "1925-05-30", "2010-02-18", "mathematician", "Poland", "Wisniewska, Zofia"),
    ("Søren Vangsgaard", None, None, "male", "1950-07-07", None, "entomologist", "Denmark", "Vangsgaard, Soren"),
    ("José Alcántara", None, None, "male", "1933-02-24", "1998-09-12", "ichthyologist", "Spain", "Alcantara, Jose"),
    ("Amara Okonkwo-Reyes", None, None, "female", "1979-11-08", None, "ecologist", "Eastmarch", "Okonkwo-Reyes, Amara"),
    ("Priya Raghunathan", "प्रिया रघुनाथन", "hi", "female", "1966-04-17", None, "physicist", "India", "Raghunathan, Priya"),
    ("Henrik Aaltonen", None, None, "male", "1918-01-22", "1992-08-03", "cartographer", "Finland", "Aaltonen, Henrik"),
    ("Margit Fenwick", None, None, "female", "1940-09-29", None, "historian", "Eastmarch", "Fenwick, Margit"),
    ("Owain Pryce", None, None, "male", "1921-03-16", "1988-12-01", "civil engineer", "Eastmarch", "Pryce, Owain"),
    ("Farid Nasser", "فريد ناصر", "ar", "male", "1958-02-05", None, "climatologist", "Egypt", "Nasser, Farid"),
    ("Ruth Ben-Ami", "רות בן-עמי", "he", "female", "1935-10-10", "2020-04-25", "archaeologist", "Israel", "Ben-Ami, Ruth"),
    ("Agnes Thorsdottir", None, None, "female", "1910-06-01", "1996-03-14", "physician", "Eastmarch", "Thorsdottir, Agnes"),
    ("Kwame Mensah", None, None, "male", "1969-08-19", None, "astronomer", "Ghana", "Mensah, Kwame"),
    ("Elena Costa", None, None, "female", "1990-12-02", None, "marine biologist", "Eastmarch", "Costa, Elena"),
    ("Lukas Brandt", None, None, "male", "1984-05-23", None, "glaciologist", "Germany", "Brandt, Lukas"),
]

SPECIES = [
    # common name, binomial, family, group, describer (surname), year, IUCN status
    ("Calderon shrew", "Sorex calderonensis", "Soricidae", "mammal", "Wieland", 1961, "LC"),
    ("Wend minnow", "Phoxinus wendensis", "Leuciscidae", "fish", "Alcántara", 1968, "VU"),
    ("Aske crayfish", "Astacus askeanus", "Astacidae", "crustacean", "Alcántara", 1972, "EN"),
    ("Hollin orchid", "Dactylorhiza hollinensis", "Orchidaceae", "plant", "Volkova", 1994, "NT"),
    ("Eastmarch pipit", "Anthus marchicus", "Motacillidae", "bird", "Hanamura", 1979, "LC"),
    ("Lowmere bog beetle", "Carabus lowmerensis", "Carabidae", "insect", "Vangsgaard", 1988, "DD"),
    ("Brackenford bog moss", "Sphagnum brackenfordii", "Sphagnaceae", "moss", "Volkova", 2001, "LC"),
    ("Tamlin trout", "Salmo tamlinensis", "Salmonidae", "fish", "Alcántara", 1975, "NT"),
    ("Marchland vole", "Microtus marchicus", "Cricetidae", "mammal", "Wieland", 1958, "LC"),
    ("Skell hawker", "Aeshna skellensis", "Aeshnidae", "insect", "Vangsgaard", 1992, "LC"),
    ("Cinder lichen", "Lecanora cinderensis", "Lecanoraceae", "lichen", "Volkova", 2008, "DD"),
    ("Fenwick's sedge", "Carex fenwickiana", "Cyperaceae", "plant", "Volkova", 1999, "LC"),
    ("Orrin pearl mussel", "Margaritifera orrinensis", "Margaritiferidae", "mollusc", "Okonkwo-Reyes", 2011, "CR"),
    ("Eastmarch rock wren", "Troglodytes petricola", "Troglodytidae", "bird", "Hanamura", 1983, "VU"),
    ("Dunmere bat", "Myotis dunmerensis", "Vespertilionidae", "mammal", "Wieland", 1966, "NT"),
    ("Hale stonefly", "Perla halensis", "Perlidae", "insect", "Vangsgaard", 2003, "LC"),
    ("Calderon bellflower", "Campanula calderonica", "Campanulaceae", "plant", "Volkova", 1997, "VU"),
    ("Aske lamprey", "Lampetra askensis", "Petromyzontidae", "fish", "Costa", 2021, "EN"),
    ("Lisk snail", "Helix liskensis", "Helicidae", "mollusc", "Okonkwo-Reyes", 2014, "LC"),
    ("Marchland otter", "Lutra lutra marchica", "Mustelidae", "mammal", "Wieland", 1970, "NT"),
]

BANDS = [
    # name, genre, formed, home town index (filled in later), members
    ("The Lantern Keepers", "folk rock", 2008, ["Mara Tolland", "Jonah Reeve", "Ciaran Holt", "Bea Lindqvist"]),
    ("Marrow & Flint", "post-punk", 2006, ["Ivo Sandberg", "Della Marsh", "Tomas Quigley"]),
    ("Cold Meridian", "electronic", 2013, ["Nadia Farrow", "Eli Whitcombe"]),
    ("Ada Quill", "folk", 2009, ["Ada Quill"]),
]

ALBUMS = [
    # title, band, year, type, tracks
    ("Lanterns Over Wend", "The Lantern Keepers", 2012, "studio", 10),
    ("Salt and Cinder", "The Lantern Keepers", 2015, "studio", 11),
    ("The Quiet Harbour", "The Lantern Keepers", 2019, "studio", 9),
    ("Hymns for the Drowned Bells", "The Lantern Keepers", 2025, "studio", 12),
    ("Ninefold", "Marrow & Flint", 2010, "studio", 9),
    ("Copper Sky", "Marrow & Flint", 2014, "studio", 10),
    ('"Northbound" Sessions', "Marrow & Flint", 2021, "live", 8),
    ("Glass Meridian", "Cold Meridian", 2016, "studio", 10),
    ("Signal Fires", "Cold Meridian", 2018, "EP", 5),
    ("Tidewater", "Cold Meridian", 2023, "studio", 11),
    ("Songs from the Aske Valley", "Ada Quill", 2011, "studio", 12),
    ("Paper Boats", "Ada Quill", 2017, "studio", 10),
    ("Winter Ledger", "Ada Quill", 2024, "studio", 9),
    ("Brackenford Nights", "Various artists", 2020, "compilation", 14),
]

_TOWN_FIRST = ["Bracken", "Ash", "Thorn", "Elm", "Wyn", "Mill", "Hart", "Stan", "Fern", "Oak", "Red",
               "Kings", "Black", "Whit", "Cold", "Hay", "Brook", "Moss", "Lang", "Sel", "Wester",
               "Cran", "Dun", "Marl", "Gos", "Pen", "Tarn", "Holl"]
_TOWN_LAST = ["ford", "wick", "bury", "ton", "ley", "stead", "mouth", "field", "combe", "holm", "mere",
              "bridge", "by", "thorpe", "haven", "dale"]
# Fixed names first: provincial capitals and towns with non-ASCII titles.
_FIXED_TOWNS = ["Brackenford", "Redmere", "Kingsholm", "Ørnsby", "Llanwyn"]


@dataclass
class World:
    """Every fact the articles are written from."""

    towns: list[dict] = field(default_factory=list)
    rivers: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    species: list[dict] = field(default_factory=list)
    bands: list[dict] = field(default_factory=list)
    albums: list[dict] = field(default_factory=list)

    def town(self, name: str) -> dict:
        """The town with this name."""
        return next(t for t in self.towns if t["name"] == name)

    def person(self, surname: str) -> dict:
        """The person with this surname."""
        return next(p for p in self.people if p["surname"] == surname)

    def river(self, name: str) -> dict:
        """The river with this name."""
        return next(r for r in self.rivers if r["name"] == name)


def build_world(rng: random.Random, n_towns: int = 28) -> World:
    """Draw the facts of Eastmarch."""
    world = World()
    names = list(_FIXED_TOWNS)
    while len(names) < n_towns:
        name = rng.choice(_TOWN_FIRST) + rng.choice(_TOWN_LAST)
        if name not in names and not name.startswith(("Wend", "Ask")):
            names.append(name)
    for name, length, province, mouth in RIVERS:
        world.rivers.append({"name": name, "length_km": length, "province": province, "mouth": mouth,
                             "discharge": round(length * rng.uniform(0.12, 0.3), 1),
                             "basin_km2": length * rng.randint(9, 16), "towns": [], "species": []})
    for i, name in enumerate(names):
        if i < 3:
            province = PROVINCES[i]["name"]
        else:
            province = PROVINCES[rng.randrange(3)]["name"]
        rivers_here = [r for r in world.rivers if r["province"] == province]
        river = rng.choice(rivers_here)
        pop2011 = rng.randint(1800, 48000) if i >= 3 else rng.randint(52000, 140000)
        town = {
            "name": name, "province": province, "river": river["name"],
            "population_2011": pop2011,
            "population_2021": int(pop2011 * rng.uniform(0.9, 1.18)),
            "founded": rng.randint(820, 1390),
            "lat": round(rng.uniform(56.05, 58.45), 3), "lon": round(rng.uniform(14.1, 18.4), 3),
            "elevation_m": rng.randint(3, 420), "area_km2": round(rng.uniform(4, 95), 1),
            "kind": rng.choice(["market town", "town", "port town", "town", "small town", "mill town"])
            if i >= 3 else "town",
            "bank": rng.choice(["north", "south", "east", "west"]),
        }
        world.towns.append(town)
        river["towns"].append(name)
    for entry in PEOPLE:
        name, native, lang, gender, born, died, occupation, nationality, sortkey = entry
        birthplace = world.towns[rng.randrange(len(world.towns))]["name"] if nationality == "Eastmarch" \
            else None
        world.people.append({
            "name": name, "surname": sortkey_surname(name), "native": native, "lang": lang,
            "gender": gender, "born": born, "died": died, "occupation": occupation,
            "nationality": nationality, "sortkey": sortkey, "birthplace": birthplace,
            "university": rng.choice(["Hollin University", "Hollin University", "University of Redmere"]),
        })
    for entry in SPECIES:
        common, binomial, family, group, describer, year, status = entry
        habitat_rivers = rng.sample(world.rivers, 2)
        world.species.append({
            "name": common, "binomial": binomial, "family": family, "group": group,
            "describer": describer, "year": year,
            "status": status, "rivers": [r["name"] for r in habitat_rivers],
        })
        for r in habitat_rivers:
            r["species"].append(common)
    for band, genre, formed, members in BANDS:
        world.bands.append({"name": band, "genre": genre, "formed": formed, "members": members,
                            "town": rng.choice(world.towns[:12])["name"]})
    for title, band, year, kind, tracks in ALBUMS:
        world.albums.append({"title": title, "band": band, "year": year, "type": kind, "tracks": tracks,
                             "month": rng.randint(1, 12), "day": rng.randint(1, 28)})
    return world


def sortkey_surname(name: str) -> str:
    """The family name as the text writes it ("Chen" for Chen Mei, family name first)."""
    return name.split()[0] if name == "Chen Mei" else name.split()[-1]
