"""Wikidata JSON entity dumps into `wikidata_entities` rows: plain functions, no Beam.

A dump is a JSON array written one entity per line: a `[` line, entity lines each ending with a comma
(the last one without), a `]` line. A file cut short still reads line by line; its cut last line is an
`errors` row. Only the statements the knowledge gaps use are decoded; values are Wikidata's best-rank
("truthy") statements: preferred when a property has preferred ones, else normal; never deprecated.

What is checked, and what a bad record or value costs (every case is an `errors` row and a counter):
- The entity's shape, as Wikibase declares it, is checked whole before anything is read: an object with
  a non-empty string `id`, a string `type` when given; `labels` and `descriptions` objects of
  {language, value} objects, `aliases` an object of lists of them (down to the term objects: terms are
  not read), `sitelinks` an object of objects with a non-empty string `title`, `claims` an object of
  lists of statement objects (null, or an empty list, which is how PHP writes an empty object, stand for
  an empty object). An entity that breaks it is dropped whole (`malformed-entity`, record_kind
  "entity", counted in `entities-dropped`): its other parts cannot be trusted either.
- The values of the decoded statements are checked as they are decoded: a value of another datatype
  than its property's (`unexpected-datatype`), or of the right datatype but out of shape or range
  (`malformed-value`: a rank or snak type Wikibase does not have, an item id that is no id, a time
  that is not `[+-]Y{1,16}-MM-DDThh:mm:ssZ` with month <= 12, day <= 31, hour <= 23, minute <= 59,
  second <= 60 or whose precision is not an integer 0-14, a coordinate whose latitude is not a number
  in [-90, 90] or longitude in [-360, 360], a globe or calendar model that is not a string), is left
  out and the entity kept (record_dropped false, counted in `values-left-out`), as Wikibase's own
  checks would have refused that one value.
"""
from __future__ import annotations

import functools
import json
import re
from collections import Counter
from typing import Iterator

from schemas import ERRORS, WIKIDATA_ENTITIES
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.common.naming import resolve_snapshot
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of, shown
from transforms.datasets.rows import RowBatcher, error_row
from transforms.lines.inputs import LineInput, describe_input, first_lines
from transforms.lines.reader import DamagedLinesError, Line, read_split_lines
from transforms.wikitext.sitedata import wiki_language
from transforms.lines.splits import LineSplit

KIND = "wikidata-json"
WIKIDATA_WIKI = "wikidatawiki"
EARTH = "Q2"
# Error types of the rows this module writes (besides the truncated and damaged input of every family).
MALFORMED_ENTITY = "malformed-entity"  # not a JSON entity, or not of Wikibase's shape: dropped
ENTITY_TOO_LARGE = "entity-too-large"  # longer than the line reader holds: dropped
UNEXPECTED_DATATYPE = "unexpected-datatype"  # a decoded value of another datatype: left out
MALFORMED_VALUE = "malformed-value"  # a decoded value out of shape or range: left out

ITEM_PROPERTIES = {
    "P31": "instance_of",
    "P21": "sex_or_gender",
    "P91": "sexual_orientation",
    "P17": "country",
    "P27": "country_of_citizenship",
    "P495": "country_of_origin",
}
TIME_PROPERTIES = {
    "P569": "date_of_birth",
    "P570": "date_of_death",
    "P571": "inception",
    "P577": "publication_date",
    "P580": "start_time",
    "P585": "point_in_time",
}
COORDINATE_PROPERTY = "P625"
# The datavalue type each decoded property must carry.
EXPECTED_TYPES = {**{p: "wikibase-entityid" for p in ITEM_PROPERTIES},
                  **{p: "time" for p in TIME_PROPERTIES}, COORDINATE_PROPERTY: "globecoordinate"}
# Entities with more statements than this are counted (they are read all the same).
LARGE_ENTITY_STATEMENTS = 5_000
RANKS = ("preferred", "normal", "deprecated")
SNAK_TYPES = ("value", "somevalue", "novalue")
# The id prefix of each entity type that old dumps give as a bare numeric-id.
ID_PREFIXES = {"item": "Q", "property": "P", "lexeme": "L"}
# Wikibase's time format: a signed year of up to 16 digits (so that it fits the int64 `year` column).
WIKIBASE_TIME = re.compile(r"[+-]([0-9]{1,16})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
MAX_PRECISION = 14  # 0 = a billion years ... 14 = a second


class BadValue(Exception):
    """A statement value of a decoded property that cannot be used; `error_type` says why."""

    def __init__(self, message: str, error_type: str = MALFORMED_VALUE):
        super().__init__(message)
        self.error_type = error_type



def decode_line(data: bytes) -> dict | None:
    """The entity on one dump line; None for the array's `[`/`]` lines and blank lines.

    Raises:
        ValueError: the line is not a JSON object with an entity id (json.JSONDecodeError and
            UnicodeDecodeError are ValueErrors; so is JSON nested too deep to decode).
    """
    text = data.strip()
    if text.endswith(b","):
        text = text[:-1].rstrip()
    if text in (b"", b"[", b"]"):
        return None
    try:
        entity = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deep to decode") from None
    if type(entity) is not dict or type(entity.get("id")) is not str or not entity["id"]:
        raise ValueError("not a JSON object with an entity id")
    return entity


def _members(entity: dict, name: str) -> dict | None:
    """An object member of the entity ({} for null or `[]`); None when it is something else."""
    value = entity.get(name)
    if type(value) is dict:
        return value
    if value is None or (type(value) is list and not value):
        return {}
    return None


def shape_error(entity: dict) -> str | None:
    """Why an entity is not of the shape Wikibase declares (see the module docstring); None when it is."""
    kind = entity.get("type")
    if kind is not None and type(kind) is not str:
        return f"type is {shown(kind)}, not a string"
    members = {}
    for name in ("labels", "descriptions", "aliases", "sitelinks", "claims"):
        members[name] = _members(entity, name)
        if members[name] is None:
            return f"{name} is {shown(entity[name])}, not an object"
    # Plain loops without calls: an entity may have hundreds of labels and sitelinks. Terms are not read:
    # their objects are checked, not the strings inside (which would cost 5 % of the reading).
    for name in ("labels", "descriptions"):
        for language, term in members[name].items():
            if type(term) is not dict:
                return f"{name} in {shown(language)} is {shown(term)}, not a {{language, value}} object"
    for language, terms in members["aliases"].items():
        if type(terms) is not list:
            return f"aliases in {shown(language)} are {shown(terms)}, not a list"
        for term in terms:
            if type(term) is not dict:
                return f"an alias in {shown(language)} is {shown(term)}, not a {{language, value}} object"
    for site, link in members["sitelinks"].items():
        title = link.get("title") if type(link) is dict else None
        if type(title) is not str or not title:
            return f"sitelink {shown(site)} is {shown(link)}, not an object with a title"
    for prop, statements in members["claims"].items():
        if type(statements) is not list:
            return f"claims of {shown(prop)} are {shown(statements)}, not a list of statements"
        for statement in statements:
            if type(statement) is not dict:
                return f"a statement of {shown(prop)} is {shown(statement)}, not an object"
    return None


def best_rank(statements: list[dict], prop: str, bad: list[BadValue]) -> list[dict]:
    """Wikidata's truthy statements: preferred ones if any, else normal ones (deprecated never).

    A statement whose rank is not one of Wikibase's is left out, its BadValue appended to `bad`.
    """
    preferred, normal = [], []
    for statement in statements:
        rank = statement.get("rank", "normal")
        if rank == "preferred":
            preferred.append(statement)
        elif rank == "normal":
            normal.append(statement)
        elif rank != "deprecated":
            bad.append(BadValue(f"{prop}: a statement of rank {shown(rank)}, not one of {', '.join(RANKS)}"))
    return preferred or normal


def _value(statement: dict, prop: str):
    """The statement's datavalue value, None for 'unknown value'/'no value' snaks; BadValue when unusable."""
    snak = statement.get("mainsnak")
    if type(snak) is not dict:
        raise BadValue(f"a statement whose mainsnak is {shown(snak)}, not an object")
    snaktype = snak.get("snaktype", "value")
    if snaktype != "value":
        if snaktype in SNAK_TYPES:
            return None
        raise BadValue(f"a snak of type {shown(snaktype)}, not one of {', '.join(SNAK_TYPES)}")
    datavalue = snak.get("datavalue")
    if type(datavalue) is not dict:
        raise BadValue(f"a value snak whose datavalue is {shown(datavalue)}, not an object")
    if datavalue.get("type") != EXPECTED_TYPES[prop]:
        raise BadValue(f"a {shown(datavalue.get('type'))} value (datatype {shown(snak.get('datatype'))}); "
                       f"expected {EXPECTED_TYPES[prop]!r}", UNEXPECTED_DATATYPE)
    return datavalue.get("value")


def item_id(value) -> str:
    """The item id of a wikibase-entityid value (older dumps give only numeric-id)."""
    if type(value) is dict:
        given = value.get("id")
        if type(given) is str and given:
            return given
        number, kind = value.get("numeric-id"), value.get("entity-type", "item")
        if given is None and type(number) is int and number > 0 and type(kind) is str and kind in ID_PREFIXES:
            return f"{ID_PREFIXES[kind]}{number}"
    raise BadValue(f"not an entity id: {shown(value)}")


def entity_of_url(url) -> str | None:
    """Q2 from http://www.wikidata.org/entity/Q2 (globes and calendar models are given as URLs).

    Raises:
        BadValue: when the URL is given but is not a string.
    """
    if url is None:
        return None
    if type(url) is not str:
        raise BadValue(f"not an entity URL: {shown(url)}")
    return url.rsplit("/", 1)[-1] or None


def coordinate(value) -> dict:
    """A globecoordinate value: numbers within Wikibase's ranges, the globe as an item id (Earth by default)."""
    if type(value) is not dict:
        raise BadValue(f"not a coordinate: {shown(value)}")
    latitude, longitude = value.get("latitude"), value.get("longitude")
    # NaN and infinities (which Python's JSON decoder accepts) fail the range tests too.
    if type(latitude) not in (int, float) or not -90 <= latitude <= 90 or type(longitude) not in (int, float) \
            or not -360 <= longitude <= 360:
        raise BadValue(f"not a coordinate (latitude -90..90, longitude -360..360): {shown(value)}")
    globe = entity_of_url(value.get("globe")) or EARTH
    return {"latitude": float(latitude), "longitude": float(longitude), "globe": globe}


def wikidata_time(value) -> dict:
    """A time value with its signed year; Wikidata writes `+1952-03-11T00:00:00Z` (years may be huge)."""
    text = value.get("time") if type(value) is dict else None
    match = WIKIBASE_TIME.fullmatch(text) if type(text) is str else None
    if match is None:
        raise BadValue(f"not a time value: {shown(value)}")
    _, month, day, hour, minute, second = map(int, match.groups())
    if month > 12 or day > 31 or hour > 23 or minute > 59 or second > 60:
        raise BadValue(f"not a date and time: {text[:40]!r}")
    precision = value.get("precision")
    if type(precision) is not int or not 0 <= precision <= MAX_PRECISION:
        raise BadValue(f"time precision {shown(precision)} is not an integer 0-{MAX_PRECISION}")
    year = int(match.group(1))
    return {"time": text, "year": -year if text[0] == "-" else year, "precision": precision,
            "calendar": entity_of_url(value.get("calendarmodel"))}


def sitelinks(entity: dict, wiki_dbs: frozenset[str] | None) -> list[dict]:
    """The entity's sitelinks to `wiki_dbs` (all when None); the entity's shape was checked."""
    links = _members(entity, "sitelinks")
    rows = [{"wiki_db": site, "title": link["title"].replace(" ", "_")} for site, link in links.items()
            if wiki_dbs is None or site in wiki_dbs]
    return sorted(rows, key=lambda r: r["wiki_db"])


@functools.lru_cache(maxsize=16)
def label_languages(wiki_dbs: frozenset[str] | None) -> tuple[str, ...]:
    """English, then the content languages of `wiki_dbs` (dewiki: de), each once: the labels kept."""
    languages = ["en"]
    for wiki_db in sorted(wiki_dbs or ()):
        language = wiki_language(wiki_db)
        if language and language not in languages:
            languages.append(language)
    return tuple(languages)


def labels(entity: dict, wiki_dbs: frozenset[str] | None) -> list[dict]:
    """The entity's labels in the languages of `label_languages` it has (the entity's shape was checked)."""
    terms = _members(entity, "labels")
    found = []
    for language in label_languages(wiki_dbs):
        value = terms.get(language, {}).get("value")
        if type(value) is str and value:
            found.append({"language": language, "value": value})
    return found


def entity_row(entity: dict, wiki_dbs: frozenset[str] | None, offset: int) -> tuple[dict, list[BadValue]]:
    """The `wikidata_entities` row of one entity of checked shape (file columns), and the values left out."""
    claims = _members(entity, "claims")
    bad: list[BadValue] = []
    row = {
        "entity_id": entity["id"],
        "entity_type": entity.get("type") or "item",
        "labels": labels(entity, wiki_dbs),
        "sitelinks": sitelinks(entity, wiki_dbs),
        "statement_count": sum(len(v) for v in claims.values()),
        "source_offset": offset,
        "coordinates": None,
    }
    for prop, column in ITEM_PROPERTIES.items():
        row[column] = _decoded(claims, prop, item_id, bad)
    for prop, column in TIME_PROPERTIES.items():
        values = _decoded(claims, prop, wikidata_time, bad)
        row[column] = values[0] if values else None
    coordinates = _decoded(claims, COORDINATE_PROPERTY, coordinate, bad)
    row["coordinates"] = coordinates[0] if coordinates else None
    return row, bad


def _decoded(claims: dict, prop: str, decode, bad: list[BadValue]) -> list:
    statements = claims.get(prop)
    if not statements:
        return []
    values = []
    for statement in best_rank(statements, prop, bad):
        try:
            value = _value(statement, prop)
            if value is not None:
                values.append(decode(value))
        except BadValue as exc:
            bad.append(BadValue(f"{prop}: {exc}", exc.error_type))
    return values


def describe_inputs(paths: list[str], snapshot: str | None = None) -> list[LineInput]:
    """Describes every input, refusing unusable ones with a one-line reason (UnusableInputError).

    Args:
        paths: the dump files, in the job's order.
        snapshot: the dump date, when the file names do not carry it (latest-all.json).
    """
    inputs = []
    for order, path in enumerate(paths):
        source = describe_input(path, order, KIND, resolve_snapshot(path, snapshot))
        first = first_lines(source, 1)
        if first and not first[0].lstrip().startswith(("[", "{")):
            raise UnusableInputError(path, f"not a Wikidata JSON dump: it starts with {first[0][:60]!r}")
        inputs.append(source)
    return inputs


def read_entities(split: LineSplit, wiki_dbs: frozenset[str] | None, counts: Counter,
                  *, pipeline: str = "wikidata") -> Iterator[tuple[str, tuple]]:
    """Reads one split of a dump: `(dataset, (Partition, split_key, RecordBatch))` pairs.

    Counters: entities-read, entities-dropped (malformed, oversized or cut lines, entities not of
    Wikibase's shape), entities-written, values-left-out, coordinates-off-earth, large-entities, and
    error:<type> per errors row.
    """
    source = split.source
    partition = Partition(WIKIDATA_WIKI, source.snapshot)
    batcher = RowBatcher()
    last_line: Line | None = None
    ended_cut = False  # the last line was an entity cut short, already reported

    def problem(error_type: str, message: str, line: Line | None, dropped: bool, kind: str, excerpt=None):
        counts[counters.error(error_type)] += 1
        if dropped:
            counts[counters.ENTITIES.dropped] += 1
        p = Problem(error_type, message, kind, dropped, line.offset if line else None,
                    excerpt=excerpt_of(excerpt if excerpt is not None else (line.data if line else None)))
        return error_row(p, pipeline=pipeline, stage="read", source_file=source.path, stream_offset=None,
                         line=line.number if line else None)

    def emit(dataset: str, row: dict):
        batch = batcher.add(dataset, row)
        if batch is not None:
            yield dataset, (partition, split.key, batch)

    try:
        for line in read_split_lines(split):
            if line.data.strip():
                last_line = line
            if line.oversized:
                counts[counters.ENTITIES.read] += 1
                yield from emit(ERRORS, problem(ENTITY_TOO_LARGE, "line longer than the reader's limit; the entity is dropped",
                                                line, True, "line"))
                continue
            try:
                entity = decode_line(line.data)
            except ValueError as exc:
                counts[counters.ENTITIES.read] += 1
                if line.complete:
                    yield from emit(ERRORS, problem(MALFORMED_ENTITY, f"not a JSON entity: {exc}", line, True, "line"))
                else:
                    ended_cut = True
                    yield from emit(ERRORS, problem(TRUNCATED_INPUT, "the file ends in the middle of this entity "
                                                    "(cut short?); the entities before it were kept", line, True, "line"))
                continue
            if entity is None:
                continue
            counts[counters.ENTITIES.read] += 1
            reason = shape_error(entity)
            if reason is not None:
                message = f"{entity['id'][:40]}: {reason}; the entity is dropped"
                yield from emit(ERRORS, problem(MALFORMED_ENTITY, message, line, True, "entity"))
                continue
            row, bad = entity_row(entity, wiki_dbs, line.offset)
            for exc in bad:
                counts[counters.VALUES_LEFT_OUT] += 1
                yield from emit(ERRORS, problem(exc.error_type, f"{entity['id'][:40]}: {exc}; the value is left out",
                                                line, False, "entity"))
            coordinates = row["coordinates"]
            if coordinates and coordinates["globe"] != EARTH:
                counts[counters.COORDINATES_OFF_EARTH] += 1
            if row["statement_count"] > LARGE_ENTITY_STATEMENTS:
                counts[counters.LARGE_ENTITIES] += 1
            counts[counters.ENTITIES.written] += 1
            yield from emit(WIKIDATA_ENTITIES, row)
        if split.is_last and last_line and last_line.data.strip() != b"]" and not ended_cut:
            yield from emit(ERRORS, problem(TRUNCATED_INPUT, "the file ends without the closing ']' of the "
                                            "JSON array (cut short?); every complete entity was kept",
                                            None, False, "file", excerpt=last_line.data[-200:]))
    except DamagedLinesError as exc:
        kind = TRUNCATED_INPUT if exc.truncated else DAMAGED_INPUT
        counts[counters.error(kind)] += 1
        p = Problem(kind, f"{exc}; the entities before offset {exc.offset} were kept", "file", bool(exc.pending),
                    exc.offset, excerpt=excerpt_of(exc.pending) if exc.pending else None)
        if exc.pending:
            counts[counters.ENTITIES.read] += 1
            counts[counters.ENTITIES.dropped] += 1
        yield from emit(ERRORS, error_row(p, pipeline=pipeline, stage="read", source_file=source.path, stream_offset=None))
    for dataset, batch in batcher.flush():
        yield dataset, (partition, split.key, batch)
