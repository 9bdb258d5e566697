"""Knowledge-gap categories from real Wikidata entities; expectations read off the entity JSON by hand."""
from __future__ import annotations

import bz2
import json

import pytest

from transforms.indices.gap_categories import (
    NO_ITEM,
    NOT_A_PERSON,
    UNKNOWN,
    century_label,
    gender_category,
    sexual_orientation_category,
    time_category,
)
from transforms.indices.geography import (
    ReverseGeocoder,
    continent_category,
    countries,
    country_category,
    wmf_region_category,
)
from transforms.lines.wikidata import decode_line, entity_row


@pytest.fixture(scope="module")
def geocoder():
    return ReverseGeocoder()


@pytest.fixture(scope="module")
def real_entities(real_data) -> dict[str, dict]:
    """Rows of every real entity at hand: the kwnlp dump, Q22 (Scotland) and Q42 (Douglas Adams)."""
    rows = {}
    for line in bz2.decompress((real_data / "wikidata-json" / "kwnlp__wikidata-20210705-all.json.bz2").read_bytes()).splitlines():
        entity = decode_line(line)
        if entity:
            rows[entity["id"]] = entity_row(entity, None, 0)[0]
    scotland = json.loads((real_data / "wikidata-json" / "wikibase-dump-filter__Q22.json").read_text())
    adams = json.loads((real_data / "wikidata-json" / "wdtk__wbgetentities-Douglas-Adams.json").read_text())["entities"]["Q42"]
    for entity in (scotland, adams):
        rows[entity["id"]] = entity_row(entity, None, 0)[0]
    return rows


def test_douglas_adams(real_entities, geocoder):
    # Q42: P31 Q5, P21 Q6581097, P27 Q145, P569 +1952-03-11 (precision 11), no P91.
    adams = real_entities["Q42"]
    assert gender_category(adams) == "male"
    assert sexual_orientation_category(adams) == UNKNOWN
    assert time_category(adams) == "20th century"
    country = country_category(adams, geocoder)
    assert (country, continent_category(country), wmf_region_category(country)) == (
        "GB", "Europe", "Northern & Western Europe")


def test_scotland(real_entities, geocoder):
    # Q22: P31 Q3336843 (preferred), P17 Q145, P625 57/-5 on Q2; no date among the six.
    scotland = real_entities["Q22"]
    assert gender_category(scotland) == NOT_A_PERSON == sexual_orientation_category(scotland)
    assert country_category(scotland, geocoder) == "GB"
    assert time_category(scotland) == UNKNOWN
    # Without P17 the coordinates decide: 57 N 5 W is in the Scottish Highlands.
    assert country_category({**scotland, "country": []}, geocoder) == "GB"


def test_fictional_characters_are_not_people_and_keep_unlisted_countries(real_entities, geocoder):
    # Pippin Took (Q219493): P31 Q74359 (hobbit) and Q15773347, P21 male, P27 Q218728 (the Shire).
    pippin = real_entities["Q219493"]
    assert gender_category(pippin) == NOT_A_PERSON
    country = country_category(pippin, geocoder)
    assert (country, continent_category(country), wmf_region_category(country)) == ("Q218728", UNKNOWN, UNKNOWN)
    # Boromir (Q219504): P495 Q213586 (Gondor) only.
    assert country_category(real_entities["Q219504"], geocoder) == "Q213586"
    # The class item "human" (Q5) has none of the countries and no coordinates.
    assert country_category(real_entities["Q5"], geocoder) == UNKNOWN


def test_articles_without_item_get_no_item(geocoder):
    assert {gender_category(None), sexual_orientation_category(None), time_category(None),
            country_category(None, geocoder), continent_category(NO_ITEM), wmf_region_category(NO_ITEM)} == {NO_ITEM}


def human(**columns) -> dict:
    return {"instance_of": ["Q5"], **columns}


def test_person_values_labelled_or_kept_by_qid():
    assert gender_category(human(sex_or_gender=["Q6581072"])) == "female"
    assert gender_category(human(sex_or_gender=["Q48270", "Q6581072"])) == "non-binary"
    assert gender_category(human(sex_or_gender=["Q99999999"])) == "Q99999999"
    assert gender_category(human(sex_or_gender=[])) == UNKNOWN
    assert sexual_orientation_category(human(sexual_orientation=["Q6636"])) == "homosexuality"
    assert sexual_orientation_category(human(sexual_orientation=["Q123"])) == "Q123"


def test_centuries():
    assert [century_label(y) for y in (1, 100, 101, 1900, 1901, 2000, 2001, -1, -100, -101, 0)] == [
        "1st century", "1st century", "2nd century", "19th century", "20th century", "20th century",
        "21st century", "1st century BCE", "1st century BCE", "2nd century BCE", "1st century BCE"]
    assert [century_label(y) for y in (1050, 1150, 1250, 1111)] == [
        "11th century", "12th century", "13th century", "12th century"]


def test_time_uses_the_most_relevant_precise_date():
    def when(year, precision):
        return {"time": "", "year": year, "precision": precision, "calendar": None}
    assert time_category({"date_of_birth": when(1952, 11), "date_of_death": when(2001, 11)}) == "20th century"
    assert time_category({"date_of_death": when(1805, 9)}) == "19th century"
    # A date known to the millennium names no century: the next date decides, else unknown.
    assert time_category({"inception": when(-3000, 6), "point_in_time": when(-2500, 7)}) == "25th century BCE"
    assert time_category({"inception": when(-3000, 6)}) == UNKNOWN


def test_coordinates_on_another_globe_are_never_geocoded(geocoder):
    on_mars = {"coordinates": {"latitude": 57.0, "longitude": -5.0, "globe": "Q111"}}
    assert country_category(on_mars, geocoder) == UNKNOWN
    assert country_category({"coordinates": {"latitude": -80.0, "longitude": 100.0, "globe": "Q2"}}, geocoder) == "AQ"
    assert country_category({"coordinates": {"latitude": 48.8566, "longitude": 2.3522, "globe": "Q2"}}, geocoder) == "FR"


def test_country_table_is_complete_and_consistent():
    by_iso, by_qid = countries()
    assert len(by_iso) == len(by_qid) == 250
    regions = {c.wikimedia_region for c in by_iso.values()}
    assert regions == {"North America", "Latin America & Caribbean", "Northern & Western Europe",
                       "Central & Eastern Europe & Central Asia", "Middle East & North Africa", "Sub-Saharan Africa",
                       "South Asia", "East, Southeast Asia, & Pacific", ""}
    assert {c.continent for c in by_iso.values()} == {"Africa", "Antarctica", "Asia", "Europe", "North America",
                                                      "Oceania", "South America"}
    assert (by_qid["Q145"].iso_code, by_qid["Q668"].wikimedia_region, by_qid["Q155"].continent) == ("GB", "South Asia", "South America")
