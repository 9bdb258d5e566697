"""Wikidata JSON dumps into wikidata_entities: real entities, bad input, splits, the command."""
from __future__ import annotations

import bz2
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runners.cli import main as cli
from schemas import WIKIDATA_ENTITIES
from tests.conftest import read_dataset
from transforms.lines.inputs import LineInput, describe_input
from transforms.lines.splits import LineSplit
from transforms.lines.wikidata import read_entities

REAL_DUMP = "wikidata-json/kwnlp__wikidata-20210705-all.json.bz2"


def text_input(path: Path, compression: str = "none", snapshot: str = "20260101") -> LineInput:
    return LineInput(str(path), 0, path.stat().st_size, compression, "wikidata-json", snapshot)


def entity_rows(split: LineSplit, wiki_dbs: frozenset[str] | None = None) -> tuple[list[dict], list[dict], Counter]:
    """All rows of one split as dicts: entities, errors, counters."""
    counts: Counter = Counter()
    entities, errors = [], []
    for dataset, (_, _, batch) in read_entities(split, wiki_dbs, counts):
        (entities if dataset == WIKIDATA_ENTITIES else errors).extend(batch.to_pylist())
    return entities, errors, counts


def whole(path: Path, wiki_dbs=None):
    return entity_rows(LineSplit(text_input(path), 0, None), wiki_dbs)


def claim(prop: str, value, vtype: str = "wikibase-entityid", rank: str = "normal", snaktype: str = "value") -> dict:
    snak = {"snaktype": snaktype, "property": prop}
    if snaktype == "value":
        snak["datavalue"] = {"value": value, "type": vtype}
    return {"mainsnak": snak, "type": "statement", "rank": rank}


def item(qid: str) -> dict:
    return {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid}


def write_dump(path: Path, entities: list, closing: bool = True, raw_lines: tuple = ()) -> Path:
    lines = ["["] + [json.dumps(e) + "," for e in entities] + list(raw_lines)
    if closing:
        lines[-1] = lines[-1].rstrip(",")
        lines.append("]")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_real_dump_rows_match_the_entities(real_data):
    source = describe_input(str(real_data / REAL_DUMP), 0, "wikidata-json", "20210705")
    assert source.compression == "bz2"
    rows, errors, counters = entity_rows(LineSplit(source, 0, None), frozenset({"enwiki", "dewiki"}))
    assert errors == [] and counters["entities-read"] == 22 == len(rows)
    by_id = {r["entity_id"]: r for r in rows}
    # Read off the dump's JSON by hand (bzcat | python -m json.tool).
    pippin = by_id["Q219493"]
    assert pippin["instance_of"] == ["Q74359", "Q15773347"]
    assert pippin["sex_or_gender"] == ["Q6581097"]
    assert pippin["country_of_citizenship"] == ["Q218728"]
    assert {"wiki_db": "enwiki", "title": "Pippin_Took"} in pippin["sitelinks"]
    assert {link["wiki_db"] for link in pippin["sitelinks"]} <= {"enwiki", "dewiki"}
    assert by_id["Q219504"]["country_of_origin"] == ["Q213586"]
    assert by_id["Q5"]["instance_of"] == ["Q55983715"]
    assert by_id["P31"]["entity_type"] == "property"
    assert by_id["Q206818"]["sitelinks"][-1] == {"wiki_db": "enwiki", "title": "Gimli_(Middle-earth)"}
    # Labels in English and the languages of the wikis asked for, of the 48 and 256 the entities have.
    assert pippin["labels"] == [{"language": "en", "value": "Peregrin Took"},
                                {"language": "de", "value": "Peregrin Tuk"}]
    assert by_id["Q5"]["labels"] == [{"language": "en", "value": "human"}, {"language": "de", "value": "Mensch"}]


def test_best_rank_values_and_decoded_types(real_data, tmp_path):
    scotland = json.loads((real_data / "wikidata-json" / "wikibase-dump-filter__Q22.json").read_text())
    rows, errors, _ = whole(write_dump(tmp_path / "q22.json", [scotland]), frozenset({"enwiki"}))
    row = rows[0]
    # Q22's P31 has one preferred statement (Q3336843) among normal ones: only it is truthy.
    assert row["instance_of"] == ["Q3336843"]
    assert row["country"] == ["Q145"]
    assert row["coordinates"] == {"latitude": 57.0, "longitude": -5.0, "globe": "Q2"}
    assert row["sitelinks"] == [{"wiki_db": "enwiki", "title": "Scotland"}]
    assert errors == []


def test_ranks_snaktypes_and_old_numeric_ids(tmp_path):
    entity = {"type": "item", "id": "Q1", "claims": {
        "P21": [claim("P21", item("Q6581072"), rank="deprecated"), claim("P21", {"numeric-id": 48270})],
        "P91": [claim("P91", None, snaktype="somevalue")],
        "P569": [claim("P569", {"time": "-0500-00-00T00:00:00Z", "precision": 9,
                                "calendarmodel": "http://www.wikidata.org/entity/Q1985786"}, "time")],
    }}
    rows, errors, _ = whole(write_dump(tmp_path / "d.json", [entity]))
    assert rows[0]["sex_or_gender"] == ["Q48270"]
    assert rows[0]["sexual_orientation"] == []
    assert rows[0]["date_of_birth"] == {"time": "-0500-00-00T00:00:00Z", "year": -500, "precision": 9, "calendar": "Q1985786"}
    assert errors == []


def test_bad_input_is_handled_counted_and_reported(tmp_path):
    mars = {"type": "item", "id": "Q2", "claims": {"P625": [claim("P625", {
        "latitude": 4.5, "longitude": 137.4, "globe": "http://www.wikidata.org/entity/Q111"}, "globecoordinate")]}}
    mistyped = {"type": "item", "id": "Q3", "claims": {
        "P625": [claim("P625", "57,-5", "string")], "P21": [claim("P21", item("Q6581097"))]}}
    huge = {"type": "item", "id": "Q4", "claims": {"P31": [claim("P31", item(f"Q{n}")) for n in range(10, 10_010)]}}
    path = write_dump(tmp_path / "bad.json", [mars, mistyped, huge], raw_lines=('{"type": "item", "id": "Q5", "claims": {,',))
    rows, errors, counters = whole(path)
    by_id = {r["entity_id"]: r for r in rows}
    assert by_id["Q2"]["coordinates"] == {"latitude": 4.5, "longitude": 137.4, "globe": "Q111"}
    assert counters["coordinates-off-earth"] == 1
    assert by_id["Q3"]["coordinates"] is None and by_id["Q3"]["sex_or_gender"] == ["Q6581097"]
    assert by_id["Q4"]["statement_count"] == 10_000 and len(by_id["Q4"]["instance_of"]) == 10_000
    assert counters["large-entities"] == 1
    assert [(e["error_type"], e["record_dropped"]) for e in errors] == [
        ("unexpected-datatype", False), ("malformed-entity", True)]
    assert errors[1]["source_line"] == 5 and errors[1]["excerpt"].startswith('{"type": "item", "id": "Q5"')
    assert counters["entities-read"] == 4 == counters["entities-written"] + counters["entities-dropped"]


def test_a_dump_cut_short_still_reads(tmp_path):
    entities = [{"type": "item", "id": f"Q{n}", "claims": {}} for n in range(1, 4)]
    path = write_dump(tmp_path / "cut.json", entities, closing=False)
    rows, errors, _ = whole(path)
    assert [r["entity_id"] for r in rows] == ["Q1", "Q2", "Q3"]
    assert [(e["error_type"], e["record_dropped"]) for e in errors] == [("truncated-input", False)]
    # Cut in the middle of an entity: the entities before it are kept, the cut one is an error.
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b'"Q3"') + 3])
    rows, errors, counters = whole(path)
    assert [r["entity_id"] for r in rows] == ["Q1", "Q2"]
    assert [(e["error_type"], e["record_dropped"]) for e in errors] == [("truncated-input", True)]
    assert counters["entities-dropped"] == 1
    # A .bz2 file cut short: its last block cannot be decoded; what was decoded is kept.
    second = data.index(b'{"type": "item", "id": "Q2"')
    two_streams = bz2.compress(data[:second]) + bz2.compress(data[second:])
    (tmp_path / "cut.json.bz2").write_bytes(two_streams[:-20])
    rows, errors, _ = entity_rows(LineSplit(text_input(tmp_path / "cut.json.bz2", "bz2"), 0, None))
    assert [r["entity_id"] for r in rows] == ["Q1"]
    assert [(e["error_type"], e["record_kind"], e["source_offset"]) for e in errors] == [
        ("truncated-input", "file", second)]


@pytest.fixture(scope="module")
def plain_real_dump(real_data, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wd") / "wikidata-20210705-all.json"
    path.write_bytes(bz2.decompress((real_data / REAL_DUMP).read_bytes()))
    return path


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=919_681), min_size=1, max_size=5))
def test_split_reads_equal_the_whole_read(plain_real_dump, cuts):
    source = text_input(plain_real_dump, snapshot="20210705")
    expected, _, _ = entity_rows(LineSplit(source, 0, None))
    bounds = sorted({0, source.size, *(c for c in cuts if c < source.size)})
    rows = []
    for start, end in zip(bounds, bounds[1:]):
        part, errors, _ = entity_rows(LineSplit(source, start, end))
        assert errors == []
        rows += part
    assert rows == expected


def test_command_splits_a_plain_dump_and_publishes(plain_real_dump, tmp_path):
    out = tmp_path / "out"
    code = cli.main(["run", "wikidata", "--input", str(plain_real_dump), "--output", str(out), "--wiki-db", "enwiki",
                     "--split-size-mb", "0.1", "--workers", "1"])
    assert code == 0
    rows = read_dataset(out, "wikidata_entities")
    expected, _, _ = entity_rows(LineSplit(text_input(plain_real_dump, snapshot="20210705"), 0, None), frozenset({"enwiki"}))
    assert sorted(rows, key=lambda r: r["source_offset"]) == [
        {"wiki_db": "wikidatawiki", "snapshot": "20210705", **r} for r in expected]
    manifest = json.loads((out / "wikidata_entities" / "_manifest.json").read_text())
    run = next(iter(manifest["runs"].values()))
    assert run["accounting"]["entities"] == {"read": 22, "dropped": 0, "written": 22, "balanced": True}
    assert run["counters"]["splits-read"] == 9
    assert [p["path"] for p in manifest["partitions"]] == ["wiki_db=wikidatawiki/snapshot=20210705"]


def test_command_refuses_unusable_inputs(tmp_path, capsys):
    page = tmp_path / "wikidata-20260101-all.json"
    page.write_text("<html><body>Not found</body></html>\n")
    undated = write_dump(tmp_path / "latest-all.json", [])
    assert cli.main(["run", "wikidata", "--input", str(page), "--output", str(tmp_path / "o")]) == 2
    assert cli.main(["run", "wikidata", "--input", str(undated), "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"wikidumps: error: {page}: not a Wikidata JSON dump")
    assert err[1] == f"wikidumps: error: {undated}: cannot tell the dump date from the file name; pass --snapshot YYYYMMDD"
