"""Knowledge-gap categories of an article from its Wikidata item: gender, sexual orientation, time.

Each function takes the item's `wikidata_entities` row (a dict as the dataset gives it, or None when the
article has no item) and returns exactly one category, so that every article is counted once per gap:
- NO_ITEM: the article has no Wikidata item;
- NOT_A_PERSON: the gap is about people (gender, sexual orientation) and the item is not an instance of
  human (Q5);
- UNKNOWN: the item has no usable value for the gap;
- otherwise a label for common values, or the value's item id for the others (kept, never dropped).
docs/knowledge-gaps.md states every mapping.
"""
from __future__ import annotations

from schemas.article_gaps import NO_ITEM, NOT_A_PERSON, UNKNOWN

HUMAN = "Q5"

# P21 values, labelled as Wikidata labels them in English.
GENDER_LABELS = {
    "Q6581097": "male",
    "Q6581072": "female",
    "Q1097630": "intersex",
    "Q1052281": "trans woman",
    "Q2449503": "trans man",
    "Q48270": "non-binary",
    "Q505371": "agender",
    "Q12964198": "genderqueer",
    "Q18116794": "genderfluid",
    "Q301702": "two-spirit",
    "Q189125": "transgender",
    "Q27679684": "transfeminine",
    "Q27679766": "transmasculine",
    "Q859614": "bigender",
}
# P91 values.
SEXUAL_ORIENTATION_LABELS = {
    "Q1035954": "heterosexuality",
    "Q6636": "homosexuality",
    "Q6649": "lesbianism",
    "Q43200": "bisexuality",
    "Q724351": "asexuality",
    "Q271534": "pansexuality",
}
# The date that places an item in time, in order of relevance: a person's birth, a work's publication,
# an organisation's or place's inception, an event's start or point in time, and last a death date.
TIME_COLUMNS = ("date_of_birth", "publication_date", "inception", "start_time", "point_in_time", "date_of_death")
CENTURY_PRECISION = 7  # Wikidata time precision: 7 century, 8 decade, 9 year, 10 month, 11 day


def is_human(entity: dict) -> bool:
    return HUMAN in (entity.get("instance_of") or ())


def _person_category(entity: dict | None, column: str, labels: dict[str, str]) -> str:
    if entity is None:
        return NO_ITEM
    if not is_human(entity):
        return NOT_A_PERSON
    values = entity.get(column) or ()
    if not values:
        return UNKNOWN
    # An item with several best-rank values is counted once, under its first one (statement order).
    return labels.get(values[0], values[0])


def gender_category(entity: dict | None) -> str:
    """The gender gap category: P21 of a human (P31 = Q5), labelled when common, else its item id."""
    return _person_category(entity, "sex_or_gender", GENDER_LABELS)


def sexual_orientation_category(entity: dict | None) -> str:
    """The sexual-orientation gap category: P91 of a human, labelled when common, else its item id."""
    return _person_category(entity, "sexual_orientation", SEXUAL_ORIENTATION_LABELS)


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def century_label(year: int) -> str:
    """`20th century` for 1901-2000, `1st century BCE` for -100 to -1.

    Wikidata's JSON writes years BCE as negative numbers (-0044 is 44 BCE); a year 0, which that
    reading does not have, is taken as 1 BCE.
    """
    if year > 0:
        return f"{_ordinal((year - 1) // 100 + 1)} century"
    before = max(-year, 1)
    return f"{_ordinal((before - 1) // 100 + 1)} century BCE"


def time_category(entity: dict | None) -> str:
    """The century of the item's most relevant date (TIME_COLUMNS order), UNKNOWN when it has none.

    Dates less precise than a century (millennia, millions of years) cannot name a century and are
    skipped.
    """
    if entity is None:
        return NO_ITEM
    for column in TIME_COLUMNS:
        value = entity.get(column)
        if value and value.get("year") is not None and (value.get("precision") or 0) >= CENTURY_PRECISION:
            return century_label(value["year"])
    return UNKNOWN
