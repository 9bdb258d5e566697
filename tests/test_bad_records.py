"""Bad records never stop a job: each is written, or an `errors` row with a reason, and the counts add up.

Property tests put random JSON values (or random text) into every field of valid records of each reader
(Wikidata entities, pageview lines, EventStreams events, MediaWiki history TSV lines, Avro files cut
anywhere) and check that nothing raises, that every record is either written (in rows Arrow and the
datasets' types can hold) or an errors row, and that read = written + dropped. Exact tests follow the
cases of the issue "Bad records that crash whole jobs", one each.
"""
from __future__ import annotations

import copy
import gzip
import io
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import fastavro
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runners.cli import main as cli
from schemas import DATASETS, EVENTS, PAGE_EVENTS, WIKIDATA_ENTITIES
from tests.conftest import read_dataset
from transforms.common.files import UnusableInputError
from transforms.datasets.rows import to_record_batch
from transforms.events.history_tsv import HISTORY_LAYOUTS, add_history_line
from transforms.events.inputs import EventInput, avro_block_header, describe_input
from transforms.events.page_buckets import metadata_batch
from transforms.events.reader import read_event_blocks
from transforms.events.records import REVISION_FIELDS, WIKI_DB, add_event, split_page_event
from transforms.lines.inputs import LineInput
from transforms.lines.pageviews import COUNTS, MAX_VIEWS, merge_counts, read_pageviews
from transforms.lines.splits import LineSplit
from transforms.lines.wikidata import read_entities

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRICKY = [2**63, 2**63 - 1, 2**64, -1, 0, -(2**63) - 1, 2**31, 10**30, 1e308, float("inf"), float("nan"), True, False,
          "", " ", "²", "١٢", "null", "../x", "a/b", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
          "+99999999999-13-45T00:00:00Z", "2024-02-30T00:00:00Z", [], {}, [[]], {"": None}]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.sampled_from(TRICKY)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)
# Avro records may also hold bytes and (logical types) datetimes.
RECORD_VALUES = JSON_VALUES | st.binary(max_size=4) | st.datetimes(timezones=st.none() | st.just(timezone.utc))


def paths_of(value, prefix=()) -> list[tuple]:
    """Every path (keys and list indices) to a value inside `value`, the root's members included."""
    paths = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        paths.append(prefix + (key,))
        paths += paths_of(item, prefix + (key,))
    return paths


def mutated(record, data, values=JSON_VALUES) -> object:
    """A copy of `record` with one field, drawn by hypothesis, replaced by one of `values` or removed."""
    record = copy.deepcopy(record)
    path = data.draw(st.sampled_from(paths_of(record)), label="path")
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and data.draw(st.booleans(), label="remove"):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(values, label="value")
    return record


# ---------------------------------------------------------------------------------------------------
# Wikidata


def statement(prop: str, vtype: str, value, rank: str = "normal") -> dict:
    return {"mainsnak": {"snaktype": "value", "property": prop, "datatype": vtype,
                         "datavalue": {"type": vtype, "value": value}}, "type": "statement", "rank": rank}


def entity(qid: str) -> dict:
    term = {"language": "en", "value": "Douglas Adams"}
    return {"type": "item", "id": qid, "labels": {"en": term}, "descriptions": {"en": term},
            "aliases": {"en": [term]},
            "sitelinks": {"enwiki": {"site": "enwiki", "title": "Douglas Adams", "badges": []},
                          "dewiki": {"site": "dewiki", "title": "Douglas Adams"}},
            "claims": {
                "P31": [statement("P31", "wikibase-entityid", {"entity-type": "item", "numeric-id": 5, "id": "Q5"}),
                        statement("P31", "wikibase-entityid", {"entity-type": "item", "numeric-id": 6}, "preferred")],
                "P21": [statement("P21", "wikibase-entityid", {"entity-type": "item", "numeric-id": 6581097})],
                "P569": [statement("P569", "time", {"time": "+1952-03-11T00:00:00Z", "precision": 11,
                                                    "calendarmodel": "http://www.wikidata.org/entity/Q1985727"})],
                "P625": [statement("P625", "globecoordinate", {"latitude": 57, "longitude": -5.5, "globe": None})],
                "P999": [{"mainsnak": {"snaktype": "novalue"}, "rank": "normal"}]}}


def read_dump(path: Path, lines: list[str]) -> tuple[list[dict], list[dict], Counter]:
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    counts: Counter = Counter()
    rows, errors = [], []
    source = LineInput(str(path), 0, path.stat().st_size, "none", "wikidata-json", "20260101")
    for dataset, (_, _, batch) in read_entities(LineSplit(source, 0, None), None, counts):
        (rows if dataset == WIKIDATA_ENTITIES else errors).extend(batch.to_pylist())
    return rows, errors, counts


@FUZZ
@given(data=st.data())
def test_any_value_in_any_field_of_an_entity_is_written_or_an_error(tmp_path_factory, data):
    lines = [json.dumps(entity("Q1")), json.dumps(mutated(entity("Q2"), data)), json.dumps(entity("Q3"))]
    path = tmp_path_factory.mktemp("wd") / "wikidata-20260101-all.json"
    good, _, _ = read_dump(path, [lines[0], lines[2]])
    rows, errors, counts = read_dump(path, lines)
    assert counts["entities-read"] == 3 == counts["entities-written"] + counts["entities-dropped"] == len(rows) + sum(
        e["record_dropped"] for e in errors)
    # The entities around it are kept as they were (offsets: `[` and each line with its `,` and line break).
    around = {2: 2, 2 + len(lines[0]) + 2: 2 + len(lines[0]) + 2 + len(lines[1]) + 2}
    assert [{**r, "source_offset": around[r["source_offset"]]} for r in good] == [
        r for r in rows if r["source_offset"] in around.values()]
    assert all(e["source_line"] == 3 and e["message"] and e["excerpt"] for e in errors)
    assert counts["values-left-out"] == sum(not e["record_dropped"] for e in errors)
    for row in rows:  # the written values are within their declared ranges
        coordinates = row["coordinates"]
        assert coordinates is None or (-90 <= coordinates["latitude"] <= 90 and -360 <= coordinates["longitude"] <= 360)
        assert row["date_of_birth"] is None or 0 <= row["date_of_birth"]["precision"] <= 14
        assert all(isinstance(link["title"], str) and link["title"] for link in row["sitelinks"])


def test_issue_cases_of_wikidata_are_errors_rows_with_their_line(tmp_path):
    cases = {"sitelinks": "nope", "claims": [{"P31": []}], "labels": ["en", "Douglas Adams"]}
    lines = [json.dumps(entity("Q1"))]
    for n, (name, value) in enumerate(cases.items(), start=2):
        lines.append(json.dumps({**entity(f"Q{n}"), name: value}))
    lines.append(json.dumps({**entity("Q5"), "sitelinks": {"enwiki": "Foo"}}))
    dated = entity("Q6")
    dated["claims"]["P569"][0]["mainsnak"]["datavalue"]["value"]["time"] = "+99999999999-13-45T00:00:00Z"
    lines.append(json.dumps(dated))
    rows, errors, counts = read_dump(tmp_path / "wikidata-20260101-all.json", lines)
    assert [(e["source_line"], e["error_type"], e["record_kind"], e["record_dropped"]) for e in errors] == [
        (3, "malformed-entity", "entity", True), (4, "malformed-entity", "entity", True),
        (5, "malformed-entity", "entity", True), (6, "malformed-entity", "entity", True),
        (7, "malformed-value", "entity", False)]
    messages = [e["message"] for e in errors]
    assert messages[0] == "Q2: sitelinks is 'nope', not an object; the entity is dropped"
    assert messages[1].startswith("Q3: claims is [{'P31': []}], not an object")
    assert messages[2].startswith("Q4: labels is ['en', 'Douglas Adams'], not an object")
    assert messages[3] == "Q5: sitelink 'enwiki' is 'Foo', not an object with a title; the entity is dropped"
    assert messages[4] == "Q6: P569: not a date and time: '+99999999999-13-45T00:00:00Z'; the value is left out"
    assert errors[0]["excerpt"].startswith('{"type": "item", "id": "Q2"')
    # The rest of the file is kept: Q1 whole, Q6 without its date of birth.
    assert [(r["entity_id"], r["instance_of"], r["date_of_birth"]) for r in rows] == [
        ("Q1", ["Q6"], {"time": "+1952-03-11T00:00:00Z", "year": 1952, "precision": 11, "calendar": "Q1985727"}),
        ("Q6", ["Q6"], None)]
    assert counts["entities-read"] == 6 and counts["entities-dropped"] == 4 and counts["values-left-out"] == 1


def test_a_bad_entity_does_not_stop_the_command(tmp_path, capsys):
    path = tmp_path / "wikidata-20260101-all.json"
    path.write_text("[\n" + ",\n".join([json.dumps(entity("Q1")), json.dumps({**entity("Q2"), "sitelinks": "nope"})])
                    + "\n]\n")
    out = tmp_path / "out"
    assert cli.main(["run", "wikidata", "--input", str(path), "--output", str(out), "--workers", "1",
                     "--max-error-rate", "0.5"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert [r["entity_id"] for r in read_dataset(out, "wikidata_entities")] == ["Q1"]
    run = next(iter(json.loads((out / "wikidata_entities" / "_manifest.json").read_text())["runs"].values()))
    assert run["accounting"]["entities"] == {"read": 2, "dropped": 1, "written": 1, "balanced": True}


# ---------------------------------------------------------------------------------------------------
# Pageviews

TOKENS = st.sampled_from(["en", "en.m", "de.b", "xx.zz", '""', "en.wikipedia", "Foo", '"Q\\"t"', "", "null", "0", "12",
                          str(MAX_VIEWS), str(MAX_VIEWS + 1), str(2**63), "99999999999999999999999", "²", "١٢", "-3",
                          "1e3", "desktop", "mobile-app", "A1B2", "B2A1", "A1A1", "X9", "é", "\x00", "A" + "9" * 5000])
FIELDS = TOKENS | st.text(alphabet=st.characters(blacklist_characters="\n "), max_size=6)
TEMPLATES = (["en", "Foo", "3", "0"], ["en.wikipedia", "Foo", "12", "desktop", "5", "A2B3"])


@st.composite
def pageview_lines(draw) -> str:
    """A valid line of either format with one field replaced (or one too many or too few), or random text."""
    if draw(st.booleans()):
        return draw(st.lists(FIELDS, max_size=7).map(" ".join) | st.text(alphabet=st.characters(
            blacklist_characters="\n"), max_size=30))
    fields = list(draw(st.sampled_from(TEMPLATES)))
    at = draw(st.integers(0, len(fields)))
    if at == len(fields):
        fields = fields[:-1] if draw(st.booleans()) else fields + [draw(FIELDS)]
    else:
        fields[at] = draw(FIELDS)
    return " ".join(fields)


def pageviews_of(path: Path, kind: str, data: bytes) -> tuple[list[dict], list[dict], Counter]:
    path.write_bytes(data)
    counts: Counter = Counter()
    grouped, errors = defaultdict(list), []
    source = LineInput(str(path), 0, path.stat().st_size, "none", kind, "20250301")
    for tag, value in read_pageviews(LineSplit(source, 0, None), 4, counts):
        if tag == COUNTS:
            grouped[value[0]].append(value[1])
        else:
            errors += value[2].to_pylist()
    rows = [r for (snapshot, _), parts in grouped.items() for _, batch in merge_counts(snapshot, parts, counts)
            for r in batch.to_pylist()]
    return rows, errors, counts


@FUZZ
@given(lines=st.lists(pageview_lines(), min_size=1, max_size=4), hourly=st.booleans())
def test_any_pageview_line_is_counted_or_an_error(tmp_path_factory, lines, hourly):
    kind, name, valid = (("pageviews-hourly", "pageviews-20250301-000000", "en Valid 3 0") if hourly else
                         ("pageviews-complete", "pageviews-20250301-user", "en.wikipedia Valid 1 desktop 3 A3"))
    data = ("\n".join([valid, *lines, valid]) + "\n").encode("utf-8", "surrogatepass")  # lone surrogates: not UTF-8
    rows, errors, counts = pageviews_of(tmp_path_factory.mktemp("pv") / name, kind, data)
    non_blank = [line for line in data.split(b"\n") if line.strip()]
    assert counts["lines-read"] == len(non_blank)
    dropped = [e for e in errors if e["record_dropped"]]
    assert counts["lines-dropped"] == len(dropped) == len({e["source_line"] for e in dropped})
    assert counts["views-read"] == counts["views-written"] == sum(r["views"] for r in rows) < 2**63
    assert {(r["page_title"], r["views"]) for r in rows if r["page_title"] == "Valid"} == {("Valid", 6)}
    assert all(0 <= r["views"] and r["page_title"] and (r["page_id"] or 0) < 2**63 for r in rows)


def test_a_count_beyond_int64_is_an_error_row_and_the_rest_is_kept(tmp_path, capsys):
    hourly = tmp_path / "pageviews-20250301-000000.gz"
    hourly.write_bytes(gzip.compress(b"en Foo 3 0\nen Bar 99999999999999999999999 0\nen Foo 4 0\n"))
    daily = tmp_path / "pageviews-20250401-user"
    daily.write_text("en.wikipedia Foo 1 desktop 99999999999999999999999 A1\nen.wikipedia Foo 1 desktop 5 A5\n")
    for path, views in ((hourly, 7), (daily, 5)):
        out = tmp_path / f"out-{path.name}"
        assert cli.main(["run", "pageviews", "--input", str(path), "--output", str(out), "--workers", "1",
                         "--max-error-rate", "0.5"]) == 0
        assert "Traceback" not in capsys.readouterr().err
        assert [(r["page_title"], r["views"]) for r in read_dataset(out, "pageviews")] == [("Foo", views)]
        (error,) = read_dataset(out, "errors")
        field = "count_views" if path is hourly else "daily_total"
        assert (error["error_type"], error["record_dropped"], error["source_line"], error["wiki_db"]) == (
            "count-out-of-range", True, 2 if path is hourly else 1, "enwiki")
        assert error["message"].startswith(f"{field} 99999999999999999999999 is out of range")
        assert "99999999999999999999999" in error["excerpt"]
        run = next(iter(json.loads((out / "pageviews" / "_manifest.json").read_text())["runs"].values()))
        assert run["accounting"]["lines"] == {"read": 3 if path is hourly else 2, "written": 2 if path is hourly else 1,
                                              "dropped": 1, "balanced": True}
        assert run["counters"]["views-read"] == views


# ---------------------------------------------------------------------------------------------------
# EventStreams events and MediaWiki history TSV

REVISION = {"rev_id": 11, "rev_parent_id": 10, "rev_dt": "2024-10-04T15:09:55Z", "is_minor_edit": False,
            "rev_sha1": "abc", "rev_size": 130, "comment": "moved", "is_editor_visible": True,
            "is_comment_visible": True, "is_content_visible": True,
            "editor": {"user_id": 7, "user_text": "Alice", "groups": ["*", "sysop"], "is_temp": False},
            "content_slots": {"main": {"content_model": "wikitext", "content_format": "text/x-wiki"}}}
RC = {"$schema": "/mediawiki/recentchange/1.0.0", "wiki": "enwiki", "namespace": 2, "title": "User:Bob",
      "timestamp": 1700000000, "user": "Alice", "comment": "hi"}
EVENT_TEMPLATES = {
    "page_change": {"$schema": "/mediawiki/page/change/1.2.0", "meta": {"stream": "mediawiki.page_change.v1"},
                    "dt": "2024-10-04T15:09:55Z", "wiki_id": "enwiki", "page_change_kind": "move", "comment": "moved",
                    "page": {"page_id": 5, "page_title": "Talk:Foo_bar", "namespace_id": 1},
                    "performer": {"user_id": 7, "user_text": "Alice"}, "revision": REVISION,
                    "prior_state": {"revision": {"rev_id": 10, "rev_size": 100},
                                    "page": {"page_title": "Talk:Old", "namespace_id": 1}}},
    "revision_create": {"$schema": "/mediawiki/revision/create/2.0.0", "database": "enwiki", "page_id": 5,
                        "page_namespace": 0, "page_title": "Alpha", "rev_id": 12, "rev_parent_id": 11,
                        "rev_timestamp": "2024-01-02T00:00:00Z", "rev_len": 30, "rev_sha1": "sha",
                        "rev_minor_edit": True, "comment": "c", "rev_content_model": "wikitext",
                        "rev_content_format": "text/x-wiki",
                        "visibility": {"text": True, "user": True, "comment": True},
                        "performer": {"user_id": 7, "user_text": "Alice", "user_groups": ["*", "user", "sysop"]}},
    "rc_edit": {**RC, "type": "edit", "minor": False, "length": {"old": 100, "new": 130},
                "revision": {"old": 10, "new": 13}},
    "rc_newusers": {**RC, "type": "log", "log_type": "newusers", "log_action": "create", "log_params": {"userid": 77}},
    "rc_rights": {**RC, "type": "log", "log_type": "rights", "log_action": "rights",
                  "log_params": {"oldgroups": ["bot"], "newgroups": ["sysop"]}},
    "rc_rename": {**RC, "type": "log", "log_type": "renameuser", "log_action": "renameuser",
                  "log_params": {"olduser": "Bob", "newuser": "Rob"}},
    "rc_block": {**RC, "type": "log", "log_type": "block", "log_action": "block",
                 "log_params": {"flags": ["nocreate"]}},
    "rc_move": {**RC, "type": "log", "log_type": "move", "log_action": "move", "log_params": {"target": "User:Rob"}},
}


# What a missing-field message says when a converter's own checks refused the record (and not Python, by
# an exception its safety net caught): the field is missing, or it is X, not what it should be.
READ_AS_DECLARED = re.compile(r"\((?:\S+ is missing|.+ is .+, not .+|[a-z_, ]+ is missing)\)$")


def assert_rows_fit(revisions: list[tuple], events: list[dict]) -> None:
    """What a converter gave fits the datasets: Arrow types, timestamps as datetimes, wiki names as folders."""
    metadata_batch(revisions, list(range(len(revisions))))
    at = REVISION_FIELDS.index("revision_timestamp")
    pa.array([r[at] for r in revisions], pa.timestamp("s", tz="UTC")).to_pylist()
    events = [dict(e) for e in events]
    pages = [page for page in map(split_page_event, events) if page is not None]
    to_record_batch(DATASETS[EVENTS], [{k: v for k, v in e.items() if k != "wiki_db"} for e in events]).to_pylist()
    to_record_batch(DATASETS[PAGE_EVENTS], [{k: v for k, v in p.items() if k != "wiki_db"} for p in pages]).to_pylist()
    assert all(WIKI_DB.fullmatch(row[0]) for row in revisions) and all(WIKI_DB.fullmatch(e["wiki_db"]) for e in events)


@FUZZ
@given(name=st.sampled_from(sorted(EVENT_TEMPLATES)), data=st.data())
def test_any_value_in_any_field_of_an_event_gives_rows_or_a_problem(name, data):
    record = mutated(EVENT_TEMPLATES[name], data, RECORD_VALUES)
    revisions, events = [], []
    problem = add_event(record, revisions, events)
    if problem is not None:
        assert (revisions, events) == ([], [])
        assert problem.record_dropped and problem.error_type in ("missing-field", "unknown-schema", "malformed-event")
        assert problem.excerpt and problem.message and (problem.revision_id is None or 0 < problem.revision_id < 2**63)
        assert problem.error_type != "missing-field" or READ_AS_DECLARED.search(problem.message), problem.message
    assert_rows_fit(revisions, events)


@FUZZ
@given(name=st.sampled_from(sorted(EVENT_TEMPLATES)), data=st.data())
def test_a_bad_event_line_is_an_error_and_its_neighbours_are_kept(tmp_path_factory, name, data):
    good = EVENT_TEMPLATES["revision_create"]
    lines = [json.dumps(good), json.dumps(mutated(EVENT_TEMPLATES[name], data)), json.dumps({**good, "rev_id": 13})]
    path = tmp_path_factory.mktemp("ev") / "enwiki-20240101-events.json"
    path.write_text("\n".join(lines) + "\n")
    source = EventInput(str(path), 0, path.stat().st_size, "none", "json", "20240101", "enwiki")
    blocks = list(read_event_blocks(source))
    problems = [(number, p) for b in blocks for number, p in b.problems]
    at = REVISION_FIELDS.index("revision_id")
    revision_ids = [rev[at] for b in blocks for rev in b.revisions]
    assert sum(b.records for b in blocks) == 3 and [n for n, _ in problems] in ([], [2])
    assert revision_ids[0] == 12 and revision_ids[-1] == 13 and len(revision_ids) <= 3
    records_with_rows = 3 - sum(b.filtered for b in blocks) - len(problems)
    assert records_with_rows == 2 + (len(revision_ids) == 3 or sum(len(b.events) for b in blocks) > 0)


@FUZZ
@given(name=st.sampled_from(sorted(EVENT_TEMPLATES)), data=st.data())
def test_an_event_line_gives_what_the_json_module_makes_of_it(tmp_path_factory, name, data):
    """The reader decodes with orjson; NaN, infinities, integers beyond 64 bits and lone surrogates (which
    orjson refuses or reads otherwise) give the json module's rows and errors all the same."""
    line = json.dumps(mutated(EVENT_TEMPLATES[name], data, JSON_VALUES | st.sampled_from(["\ud800", 10**19])))
    path = tmp_path_factory.mktemp("ev") / "enwiki-20240101-events.json"
    path.write_text(line + "\n", encoding="utf-8", errors="surrogatepass")
    source = EventInput(str(path), 0, path.stat().st_size, "none", "json", "20240101", "enwiki")
    (block,) = read_event_blocks(source)
    revisions, events = [], []
    problem = add_event(json.loads(line), revisions, events)
    assert (block.revisions, block.events) == (revisions, events)
    if problem is None:
        assert block.problems == []
    else:
        ((number, read),) = block.problems
        assert (number, read.error_type, read.message, read.revision_id) == \
            (1, problem.error_type, problem.message, problem.revision_id)


TSV = HISTORY_LAYOUTS[78]
TSV_VALUES = {"wiki_db": "enwiki", "event_entity": "revision", "event_type": "create",
              "event_timestamp": "2023-01-01 00:00:00.0", "event_comment": "tab\\there", "event_user_id": "5",
              "event_user_text": "Zed", "event_user_groups_historical": "bot,sysop", "event_user_is_anonymous": "false",
              "event_user_is_temporary": "false", "page_id": "9", "page_title": "A_b", "page_namespace": "0",
              "revision_id": "100", "revision_parent_id": "99", "revision_minor_edit": "true",
              "revision_text_bytes": "40", "revision_text_bytes_diff": "-2", "revision_deleted_parts": "comment",
              "user_id": "5", "user_text": "Zed", "user_groups_historical": "bot", "user_blocks_historical": "nocreate"}
TSV_TRICKY = st.sampled_from(["", "-1", "99999999999999999999", "9223372036854775807", "١٢", " 5", "5_0", "+5",
                              "true", "TRUE", "2023-13-01 00:00:00.0", "2023-01-01 00:00:00garbage", "2023-01-01 -1:00:00",
                              "0001-01-01T00:00:00-01:00", "user", "page", "alterblocks", "a\\,b", "../x", "\\"])


# The numeric fields the converters read from the lines above, per event entity.
TSV_NUMBERS_READ = {"revision": {"revision_id", "page_namespace", "revision_text_bytes", "revision_text_bytes_diff",
                                 "page_id", "revision_parent_id", "event_user_id"},
                    "page": {"event_user_id", "page_namespace", "page_namespace_historical", "page_id"},
                    "user": {"event_user_id", "user_id"}}


def tsv_line(**values: str) -> str:
    fields = [""] * len(TSV)
    for name, value in {**TSV_VALUES, **values}.items():
        fields[TSV[name]] = value
    return "\t".join(fields)


@settings(FUZZ, max_examples=400)
@given(entity=st.sampled_from(["revision", "page", "user"]), value=TSV_TRICKY | st.text(max_size=12),
       field=st.sampled_from(sorted(TSV_VALUES)) | st.sampled_from(sorted(TSV)), extra=st.integers(-2, 2))
def test_any_value_in_any_field_of_a_history_line_gives_rows_or_a_problem(entity, field, value, extra):
    event_type = "create" if entity != "user" else "alterblocks"
    line = tsv_line(**{"event_entity": entity, "event_type": event_type, field: value})
    line = "\t".join(line.split("\t")[:78 + extra] if extra < 0 else line.split("\t") + [""] * extra)
    revisions, events = [], []
    problem = add_history_line(line, revisions, events)
    if problem is not None:
        assert (revisions, events) == ([], []) and problem.record_dropped
        assert problem.error_type in ("missing-field", "malformed-line") and problem.message
        assert problem.error_type != "missing-field" or READ_AS_DECLARED.search(problem.message), problem.message
    elif extra == 0 and value and field in TSV_NUMBERS_READ[entity]:
        assert re.fullmatch(r"-?[0-9]{1,19}", value)  # numbers are read as written, never coerced
    assert_rows_fit(revisions, events)


# ---------------------------------------------------------------------------------------------------
# Avro event files

AVRO_SCHEMA = fastavro.parse_schema({"type": "record", "name": "revision_create", "namespace": "mediawiki", "fields": [
    {"name": "_schema", "type": "string"}, {"name": "database", "type": "string"}, {"name": "page_id", "type": "long"},
    {"name": "page_namespace", "type": "int"}, {"name": "page_title", "type": "string"},
    {"name": "rev_id", "type": "long"}, {"name": "rev_timestamp", "type": "string"}]})


def avro_file(path: Path, count: int, codec: str = "null") -> list[tuple[int, int, int]]:
    """Writes `count` revision-create records in blocks of a few; (offset, size, records) of each block."""
    records = [{"_schema": "/mediawiki/revision/create/2.0.0", "database": "enwiki", "page_id": 1 + n // 3,
                "page_namespace": 0, "page_title": f"Page_{n // 3}", "rev_id": 100 + n,
                "rev_timestamp": f"2024-01-01T00:00:{n % 60:02d}Z"} for n in range(count)]
    out = io.BytesIO()
    fastavro.writer(out, AVRO_SCHEMA, records, codec=codec, sync_interval=300)
    path.write_bytes(out.getvalue())
    return [(b.offset, b.size, b.num_records) for b in fastavro.block_reader(io.BytesIO(out.getvalue()))]


def read_avro(path: Path) -> tuple[list[int], list[tuple], int]:
    """(revision ids, (record number, error type, record kind, dropped) of each problem, records read)."""
    source = EventInput(str(path), 0, path.stat().st_size, "none", "avro", "20240101", "enwiki")
    blocks = list(read_event_blocks(source, block_records=7))
    at = REVISION_FIELDS.index("revision_id")
    problems = [(n, p.error_type, p.record_kind, p.record_dropped) for b in blocks for n, p in b.problems]
    return [rev[at] for b in blocks for rev in b.revisions], problems, sum(b.records for b in blocks)


@settings(max_examples=60, deadline=None)
@given(codec=st.sampled_from(["null", "deflate"]), cut_at=st.floats(0, 1))
def test_an_avro_file_cut_anywhere_keeps_its_complete_blocks_and_counts_the_cut_one(tmp_path_factory, codec, cut_at):
    path = tmp_path_factory.mktemp("avro") / "enwiki-20240101.avro"
    blocks = avro_file(path, 40, codec)
    data = path.read_bytes()
    cut = blocks[0][0] + int(cut_at * (len(data) - blocks[0][0]))
    path.write_bytes(data[:cut])
    revisions, problems, records = read_avro(path)
    complete = sum(n for offset, size, n in blocks if offset + size <= cut)
    assert revisions == list(range(100, 100 + complete))
    (cut_block,) = [b for b in blocks if b[0] < cut < b[0] + b[1]] or [None]
    if cut_block is None:  # cut between two blocks: the file looks complete
        assert problems == [] and records == complete
    elif [kind for _, _, kind, _ in problems] == ["file"]:  # cut inside the block's header: its count is unknown
        assert problems[0][1] == "truncated-input" and records == complete
    else:
        assert problems == [(complete + n, "truncated-input", "event", True) for n in range(1, cut_block[2] + 1)]
        assert records == complete + cut_block[2]


def test_a_truncated_avro_file_counts_the_records_of_its_cut_block(tmp_path, capsys):
    path = tmp_path / "enwiki-20240101-revision_create.avro"
    blocks = avro_file(path, 20)
    (offset, size, lost) = blocks[2]
    path.write_bytes(path.read_bytes()[:offset + size // 2])
    out = tmp_path / "out"
    assert cli.main(["run", "events", "--input", str(path), "--output", str(out), "--workers", "1",
                     "--max-error-rate", "0.9"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    kept = blocks[0][2] + blocks[1][2]
    assert sorted(r["revision_id"] for r in read_dataset(out, "revisions")) == list(range(100, 100 + kept))
    errors = sorted(read_dataset(out, "errors"), key=lambda e: e["source_line"])
    assert [(e["source_line"], e["error_type"], e["record_kind"], e["record_dropped"]) for e in errors] == [
        (n, "truncated-input", "event", True) for n in range(kept + 1, kept + lost + 1)]
    assert errors[0]["message"].startswith(f"record lost with the {lost} records of the Avro block at byte {offset}: "
                                           f"the file ends {size // 2:,} bytes into the block")
    run = next(iter(json.loads((out / "revisions" / "_manifest.json").read_text())["runs"].values()))
    assert run["accounting"]["records"] == {"read": kept + lost, "written": kept, "dropped": lost, "filtered": 0,
                                           "balanced": True}


def test_an_avro_block_declaring_more_records_than_it_holds_loses_the_rest_and_reading_goes_on(tmp_path):
    path = tmp_path / "enwiki-20240101.avro"
    blocks = avro_file(path, 30)
    offset, _, held = blocks[1]
    data = bytearray(path.read_bytes())
    assert data[offset] == held * 2  # the zigzag varint of a small count: one byte
    data[offset] = (held + 2) * 2
    path.write_bytes(bytes(data))
    revisions, problems, records = read_avro(path)
    first = blocks[0][2]
    assert revisions == list(range(100, 100 + first)) + list(range(100 + first, 130))
    assert problems == [(first + held + n, "damaged-input", "event", True) for n in (1, 2)]
    assert records == 32


def test_an_avro_block_that_does_not_decompress_is_one_file_row(tmp_path):
    path = tmp_path / "enwiki-20240101.avro"
    blocks = avro_file(path, 30, "deflate")
    offset, size, _ = blocks[1]
    data = bytearray(path.read_bytes())
    start = offset + avro_block_header(bytes(data[offset:offset + 20]))[2]
    data[start:offset + size - 16] = b"\xff" * (offset + size - 16 - start)  # 0b11: a deflate block type that is none
    path.write_bytes(bytes(data))
    revisions, problems, records = read_avro(path)
    assert revisions == list(range(100, 100 + blocks[0][2])) and records == blocks[0][2]
    assert problems == [(blocks[0][2] + 1, "damaged-input", "file", False)]


def test_an_avro_file_of_an_unknown_schema_is_refused_naming_it(tmp_path, capsys):
    fields = [{"name": "_schema", "type": "string"}, {"name": "wiki", "type": "string"}]
    schema = fastavro.parse_schema({"type": "record", "name": "searchsatisfaction", "namespace": "analytics",
                                    "fields": fields})
    path = tmp_path / "enwiki-20240101-search.avro"
    with open(path, "wb") as out:
        record = {"_schema": "/analytics/mediawiki/searchsatisfaction/1.0.0", "wiki": "enwiki"}
        fastavro.writer(out, schema, [record] * 3)
    with pytest.raises(UnusableInputError) as refused:
        describe_input(str(path), wiki_db="enwiki")
    assert str(refused.value) == (
        f"{path}: Avro records of writer schema 'analytics.searchsatisfaction', but none of the first is a "
        "recentchange, revision-create or page_change event (the first gives schema "
        "'/analytics/mediawiki/searchsatisfaction/1.0.0')")
    assert cli.main(["run", "events", "--input", str(path), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"wikidumps: error: {refused.value}" and not (tmp_path / "out" / "revisions").exists()
    # Cut inside its first block, a file has no record to tell its schema or wiki by: refused, saying so.
    blocks = avro_file(path, 20)
    path.write_bytes(path.read_bytes()[:blocks[0][0] + 10])
    with pytest.raises(UnusableInputError, match="no Avro record can be read: the file ends inside its first block"):
        describe_input(str(path))


def test_datetimes_from_avro_logical_types_are_timestamps():
    record = {**EVENT_TEMPLATES["revision_create"], "rev_timestamp": datetime(2024, 1, 2, tzinfo=timezone.utc)}
    revisions = []
    assert add_event(record, revisions, []) is None
    assert revisions[0][REVISION_FIELDS.index("revision_timestamp")] == 1704153600


def test_malformed_hourly_counts_keep_the_line_with_its_daily_total(tmp_path):
    rows, errors, counts = pageviews_of(tmp_path / "pageviews-20250301-user", "pageviews-complete",
                                        b"en.wikipedia Foo 1 desktop 5 A2A3\nen.wikipedia Foo 1 desktop 4 A1\n")
    assert [(r["page_title"], r["views"]) for r in rows] == [("Foo", 9)] and counts["lines-dropped"] == 0
    assert [(e["source_line"], e["error_type"], e["record_dropped"]) for e in errors] == [
        (1, "malformed-hourly-counts", False), (2, "hourly-counts-mismatch", False)]
