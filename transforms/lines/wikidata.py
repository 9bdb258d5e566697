"""Wikidata JSON entity dumps into `wikidata_entities` rows: plain functions, no Beam.

A dump is a JSON array written one entity per line: a `[` line, entity lines each ending with a comma
(the last one without), a `]` line. A file cut short still reads line by line; its cut last line is an
`errors` row. Only the statements the knowledge gaps use are decoded; values are Wikidata's best-rank
("truthy") statements: preferred when a property has preferred ones, else normal; never deprecated.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Iterator

from schemas import ERRORS, WIKIDATA_ENTITIES
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.common.naming import resolve_snapshot
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.datasets.rows import RowBatcher, error_row
from transforms.lines.inputs import LineInput, describe_input, first_lines
from transforms.lines.reader import DamagedLinesError, Line, read_split_lines
from transforms.lines.splits import LineSplit

KIND = "wikidata-json"
WIKIDATA_WIKI = "wikidatawiki"
EARTH = "Q2"

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


class BadValue(Exception):
    """A statement value of a decoded property that is not what its datatype promises."""


def decode_line(data: bytes) -> dict | None:
    """The entity on one dump line; None for the array's `[`/`]` lines and blank lines.

    Raises:
        ValueError: the line is not a JSON object (json.JSONDecodeError and UnicodeDecodeError are ValueErrors).
    """
    text = data.strip()
    if text.endswith(b","):
        text = text[:-1].rstrip()
    if text in (b"", b"[", b"]"):
        return None
    entity = json.loads(text)
    if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
        raise ValueError("not a JSON object with an entity id")
    return entity


def best_rank(statements: list) -> list[dict]:
    """Wikidata's truthy statements: preferred ones if any, else normal ones (deprecated never)."""
    preferred = [s for s in statements if isinstance(s, dict) and s.get("rank") == "preferred"]
    if preferred:
        return preferred
    return [s for s in statements if isinstance(s, dict) and s.get("rank", "normal") == "normal"]


def _value(statement: dict, prop: str):
    """The statement's datavalue value, None for 'unknown value'/'no value' snaks; BadValue when mistyped."""
    snak = statement.get("mainsnak") or {}
    if snak.get("snaktype", "value") != "value":
        return None
    datavalue = snak.get("datavalue") or {}
    if datavalue.get("type") != EXPECTED_TYPES[prop]:
        raise BadValue(f"{prop} has a {datavalue.get('type')!r} value (datatype {snak.get('datatype')!r}); "
                       f"expected {EXPECTED_TYPES[prop]!r}")
    return datavalue.get("value")


def item_id(value) -> str:
    """The item id of a wikibase-entityid value (older dumps give only numeric-id)."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            return value["id"]
        if isinstance(value.get("numeric-id"), int):
            prefix = {"item": "Q", "property": "P", "lexeme": "L"}.get(value.get("entity-type", "item"), "Q")
            return f"{prefix}{value['numeric-id']}"
    raise BadValue(f"not an entity id: {str(value)[:80]}")


def entity_of_url(url) -> str | None:
    """Q2 from http://www.wikidata.org/entity/Q2 (globes and calendar models are given as URLs)."""
    if not isinstance(url, str) or not url:
        return None
    return url.rsplit("/", 1)[-1]


def coordinate(value) -> dict:
    try:
        latitude, longitude = float(value["latitude"]), float(value["longitude"])
    except (TypeError, KeyError, ValueError):
        raise BadValue(f"not a coordinate: {str(value)[:80]}") from None
    return {"latitude": latitude, "longitude": longitude, "globe": entity_of_url(value.get("globe")) or EARTH}


def wikidata_time(value) -> dict:
    """A time value with its signed year; Wikidata writes `+1952-03-11T00:00:00Z` (years may be huge)."""
    try:
        text = value["time"]
        sign = -1 if text[0] == "-" else 1
        year = sign * int(text.lstrip("+-").split("-", 1)[0])
        precision = int(value["precision"])
    except (TypeError, KeyError, ValueError, IndexError):
        raise BadValue(f"not a time value: {str(value)[:80]}") from None
    return {"time": text, "year": year, "precision": precision, "calendar": entity_of_url(value.get("calendarmodel"))}


def sitelinks(entity: dict, wiki_dbs: frozenset[str] | None) -> list[dict]:
    links = entity.get("sitelinks") or {}
    rows = []
    for site, link in links.items():
        if wiki_dbs is not None and site not in wiki_dbs:
            continue
        title = link.get("title") if isinstance(link, dict) else None
        if isinstance(title, str):
            rows.append({"wiki_db": site, "title": title.replace(" ", "_")})
    return sorted(rows, key=lambda r: r["wiki_db"])


def entity_row(entity: dict, wiki_dbs: frozenset[str] | None, offset: int) -> tuple[dict, list[str]]:
    """The `wikidata_entities` row of one entity (file columns) and the messages of values left out."""
    claims = entity.get("claims") or {}
    if not isinstance(claims, dict):
        claims = {}
    bad: list[str] = []
    row = {
        "entity_id": entity["id"],
        "entity_type": str(entity.get("type") or "item"),
        "sitelinks": sitelinks(entity, wiki_dbs),
        "statement_count": sum(len(v) for v in claims.values() if isinstance(v, list)),
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


def _decoded(claims: dict, prop: str, decode, bad: list[str]) -> list:
    statements = claims.get(prop)
    if not isinstance(statements, list):
        return []
    values = []
    for statement in best_rank(statements):
        try:
            value = _value(statement, prop)
            if value is not None:
                values.append(decode(value))
        except BadValue as exc:
            bad.append(str(exc))
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

    Counters: entities-read, entities-dropped (malformed or cut lines), entities-written, values-left-out,
    coordinates-off-earth, large-entities, and error:<type> per errors row.
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
                yield from emit(ERRORS, problem("entity-too-large", "line longer than the reader's limit; the entity is dropped",
                                                line, True, "line"))
                continue
            try:
                entity = decode_line(line.data)
            except ValueError as exc:
                counts[counters.ENTITIES.read] += 1
                if line.complete:
                    yield from emit(ERRORS, problem("malformed-entity", f"not a JSON entity: {exc}", line, True, "line"))
                else:
                    ended_cut = True
                    yield from emit(ERRORS, problem(TRUNCATED_INPUT, "the file ends in the middle of this entity "
                                                    "(cut short?); the entities before it were kept", line, True, "line"))
                continue
            if entity is None:
                continue
            counts[counters.ENTITIES.read] += 1
            row, bad = entity_row(entity, wiki_dbs, line.offset)
            for message in bad:
                counts[counters.VALUES_LEFT_OUT] += 1
                yield from emit(ERRORS, problem("unexpected-datatype", f"{entity['id']}: {message}; the value is left out",
                                                line, False, "entity"))
            coordinates = row["coordinates"]
            if coordinates and coordinates["globe"] != EARTH:
                counts[counters.COORDINATES_OFF_EARTH] += 1
            if row["statement_count"] > LARGE_ENTITY_STATEMENTS:
                counts[counters.LARGE_ENTITIES] += 1
            counts[counters.ENTITIES_WRITTEN] += 1
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
