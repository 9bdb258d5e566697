"""samplewiki's Wikidata: an entity dump in Wikidata's JSON layout, written from the articles' facts.

Every content article with a `wikidata_id` gets an item with a `samplewiki` sitelink; its statements
come from `Page.facts` (instance of, gender, dates, coordinates, countries). Articles without
`instance_of` facts (the main page, a disambiguation page, ...) have no item. A few statements exercise
what a reader must get right: a deprecated and a preferred citizenship, sexual orientations (one not
among the common labelled values), towns with coordinates but no country, a string-valued property.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from sample_dumps.model import SampleWiki

WIKIDATA_DUMP = "wikidata-{date}-all.json.gz"
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
EARTH = "http://www.wikidata.org/entity/Q2"

CLASS_ITEMS = {
    "human": "Q5", "town": "Q3957", "taxon": "Q16521", "album": "Q482994", "river": "Q4022",
    "musical group": "Q215380", "province": "Q34876", "programming language": "Q9143", "list": "Q13406463",
    "canal": "Q12284", "bridge": "Q12280", "university": "Q3918", "astronomical observatory": "Q62832",
    "railway line": "Q728937", "dialect": "Q33384", "flood": "Q8068", "country": "Q6256",
}
GENDER_ITEMS = {"female": "Q6581072", "male": "Q6581097"}
# Real countries the people of samplewiki are citizens of (Eastmarch itself is samplewiki's own item).
COUNTRY_ITEMS = {"Lebanon": "Q822", "Israel": "Q801", "Greece": "Q41", "Japan": "Q17", "Poland": "Q36",
                 "Denmark": "Q35", "Spain": "Q29", "India": "Q668", "Finland": "Q33", "Egypt": "Q79",
                 "Ghana": "Q117", "Germany": "Q183"}
# P91 for a few people: three common values and one that no label covers (non-heterosexuality).
SEXUAL_ORIENTATIONS = {"Ilse Marchetti": "Q1035954", "Søren Vangsgaard": "Q6636", "Elena Costa": "Q43200",
                       "Lukas Brandt": "Q339014"}
# Irina Volkova's earlier citizenship stays, deprecated; her Eastmarch citizenship is preferred.
DEPRECATED_CITIZENSHIP = {"Irina Volkova": "Q159"}
TOWNS_WITHOUT_COUNTRY_EVERY = 4  # every 4th town has coordinates but no P17
PLACE_KINDS = ("town", "river", "province", "university", "railway", "observatory", "bridge", "canal")


def _item(qid: str) -> dict:
    return {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid}


def _statement(statement_id: str, prop: str, value, vtype: str, datatype: str, rank: str = "normal") -> dict:
    return {"mainsnak": {"snaktype": "value", "property": prop, "datavalue": {"value": value, "type": vtype},
                         "datatype": datatype},
            "type": "statement", "id": statement_id, "rank": rank}


def _time(date: str) -> dict:
    """A Wikidata time value from YYYY, YYYY-MM or YYYY-MM-DD (precision 9, 10 or 11)."""
    parts = str(date).split("-")
    year, month, day = (parts + ["00", "00"])[:3]
    return {"time": f"+{int(year):04d}-{month}-{day}T00:00:00Z", "timezone": 0, "before": 0, "after": 0,
            "precision": 8 + len(parts), "calendarmodel": GREGORIAN}


def build_entities(wiki: SampleWiki) -> list[dict]:
    """The items of samplewiki's articles, in item id order, then the P31 property."""
    articles = [p for p in wiki.pages if p.wikidata_id]
    country = next(p.wikidata_id for p in articles if p.facts.get("kind") == "country")
    entities = []
    towns = 0
    for page in sorted(articles, key=lambda p: int(p.wikidata_id[1:])):
        facts, qid = page.facts, page.wikidata_id
        claims: dict[str, list] = {}

        def add(prop, value, vtype="wikibase-entityid", datatype="wikibase-item", rank="normal"):
            statements = claims.setdefault(prop, [])
            statements.append(_statement(f"{qid}${prop}-{len(statements) + 1}", prop, value, vtype, datatype, rank))

        add("P31", _item(CLASS_ITEMS[facts["instance_of"]]))
        if facts.get("gender") and facts["instance_of"] == "human":
            add("P21", _item(GENDER_ITEMS[facts["gender"]]))
        if page.title in SEXUAL_ORIENTATIONS:
            add("P91", _item(SEXUAL_ORIENTATIONS[page.title]))
        kind = facts["kind"]
        if kind == "town":
            towns += 1
        if facts.get("country") and kind in PLACE_KINDS and not (kind == "town" and towns % TOWNS_WITHOUT_COUNTRY_EVERY == 0):
            add("P17", _item(country))
        if facts.get("citizenship"):
            citizenship = COUNTRY_ITEMS.get(facts["citizenship"], country)
            deprecated = DEPRECATED_CITIZENSHIP.get(page.title)
            add("P27", _item(citizenship), rank="preferred" if deprecated else "normal")
            if deprecated:
                add("P27", _item(deprecated), rank="deprecated")
        if kind in ("album", "band"):
            add("P495", _item(country))
        if facts.get("coordinates"):
            latitude, longitude = facts["coordinates"]
            add("P625", {"latitude": latitude, "longitude": longitude, "altitude": None, "precision": 0.001,
                         "globe": EARTH}, "globecoordinate", "globe-coordinate")
        for prop, fact in (("P569", "birth_date"), ("P570", "death_date"), ("P571", "inception"),
                           ("P571", "formed"), ("P577", "publication_date"), ("P585", "point_in_time")):
            if facts.get(fact) and (fact != "formed" or kind == "band"):
                add(prop, _time(facts[fact]), "time", "time")
        if facts.get("taxon_name"):
            add("P225", facts["taxon_name"], "string", "string")
        entities.append({
            "type": "item", "id": qid,
            "labels": {"en": {"language": "en", "value": page.title}},
            "descriptions": {}, "aliases": {},
            "claims": claims,
            "sitelinks": {wiki.siteinfo.dbname: {"site": wiki.siteinfo.dbname, "title": page.full_title, "badges": []}},
        })
    entities.append({"type": "property", "datatype": "wikibase-item", "id": "P31",
                     "labels": {"en": {"language": "en", "value": "instance of"}}, "descriptions": {},
                     "aliases": {}, "claims": {}})
    return entities


def dump_text(entities: list[dict]) -> str:
    """Wikidata's dump layout: `[`, one entity per line with a trailing comma except the last, `]`."""
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entities]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def write_wikidata_dump(wiki: SampleWiki, out_dir: Path) -> Path:
    path = Path(out_dir) / WIKIDATA_DUMP.format(date=wiki.dump_date)
    path.write_bytes(gzip.compress(dump_text(build_entities(wiki)).encode("utf-8"), mtime=0))
    return path
