"""Pageview dumps into monthly pageviews: domain codes, both real formats, bad lines, the command."""
from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import pytest

from runners.cli import main as cli
from tests.conftest import read_dataset
from transforms.lines.inputs import describe_input
from transforms.lines.pageviews import (
    COUNTS,
    DEFAULT_BUCKETS,
    BadLine,
    decode_hourly_counts,
    file_kind,
    merge_counts,
    parse_domain_code,
    read_pageviews,
    wiki_db_of_host,
)
from transforms.lines.splits import LineSplit, plan_splits

COMPLETE_DIR = "pageviews/kwnlp-pageviews-complete-202106"
HOURLY_FILE = "pageviews/pvstream__pageviews-20240803-060000.gz"


def pageview_rows(splits: Iterable[LineSplit], buckets: int = DEFAULT_BUCKETS) -> tuple[list[dict], list[dict], Counter]:
    """The whole read-shuffle-merge of the job as plain Python."""
    counts: Counter = Counter()
    grouped: dict[tuple, list] = defaultdict(list)
    errors = []
    for split in splits:
        for tag, value in read_pageviews(split, buckets, counts):
            if tag == COUNTS:
                grouped[value[0]].append(value[1])
            else:
                partition, _, batch = value
                errors += [{"wiki_db": partition.wiki_db, "snapshot": partition.snapshot, **r} for r in batch.to_pylist()]
    rows = []
    for (snapshot, _bucket), parts in sorted(grouped.items()):
        for (wiki_db, snap), batch in merge_counts(snapshot, parts, counts):
            rows += [{"wiki_db": wiki_db, "snapshot": snap, **r} for r in batch.to_pylist()]
    return rows, errors, counts


def splits_of(paths: list[Path], split_bytes: int = 64 << 20):
    splits = []
    for order, path in enumerate(paths):
        kind, date = file_kind(str(path))
        splits += plan_splits(describe_input(str(path), order, kind, date), split_bytes)
    return splits


@pytest.mark.parametrize("code, wiki_db, access", [
    ("en", "enwiki", "desktop"), ("en.m", "enwiki", "mobile"), ("no.zero", "nowiki", "mobile"),
    ("de.b", "dewikibooks", "desktop"), ("en.m.d", "enwiktionary", "mobile"), ("fr.voy", "frwikivoyage", "desktop"),
    ("commons.m", "commonswiki", "desktop"), ("commons.m.m", "commonswiki", "mobile"), ("meta.m", "metawiki", "desktop"),
    ("www.wd", "wikidatawiki", "desktop"), ("m.wd", "wikidatawiki", "mobile"), ("www.w", "mediawikiwiki", "desktop"),
    ("zh-min-nan.m", "zh_min_nanwiki", "mobile"), ('""', "wikifunctionswiki", "desktop"),
])
def test_domain_codes_name_the_wiki_and_access(code, wiki_db, access):
    host, got_access = parse_domain_code(code)
    assert (wiki_db_of_host(host), got_access) == (wiki_db, access)


@pytest.mark.parametrize("code", ["xx.unknown", "en.m.zz", "<html>", ""])
def test_unknown_domain_codes_are_refused(code):
    with pytest.raises(BadLine):
        parse_domain_code(code)


def test_hourly_counts_decode():
    assert decode_hourly_counts("A6B10X1") == {0: 6, 1: 10, 23: 1}
    with pytest.raises(BadLine):
        decode_hourly_counts("A6B1Z0")


def test_real_pageviews_complete_month(real_data):
    files = sorted((real_data / COMPLETE_DIR).glob("*.bz2"))
    assert len(files) == 30
    rows, errors, counters = pageview_rows(splits_of(files))
    assert errors == []
    # Independent sums: bzcat *.bz2 | awk '$2=="Aragorn"{s[$4]+=$5}', and awk '{s+=$5}' for the total.
    aragorn = {(r["access_method"], r["page_id"]): r["views"] for r in rows if r["page_title"] == "Aragorn"}
    assert aragorn == {("desktop", 23139489): 8925, ("mobile-web", 23139489): 27500, ("mobile-app", None): 1109}
    assert {(r["wiki_db"], r["snapshot"], r["month"]) for r in rows} == {("enwiki", "20210601", "2021-06")}
    assert counters["lines-read"] == 801 and sum(r["views"] for r in rows) == 150796 == counters["views-read"]


def test_real_hourly_file(real_data):
    rows, errors, counters = pageview_rows(splits_of([real_data / HOURLY_FILE]))
    assert errors == []
    # zcat | awk '{s+=$3}' gives 3047 views over 1000 lines; awk '$1=="en.m"{s+=$3}' gives 1217.
    assert counters["lines-read"] == 1000 and sum(r["views"] for r in rows) == 3047
    assert sum(r["views"] for r in rows if r["wiki_db"] == "enwiki" and r["access_method"] == "mobile") == 1217
    assert all(r["page_id"] is None and r["snapshot"] == "20240801" for r in rows)
    assert {r["access_method"] for r in rows if r["wiki_db"] == "commonswiki"} == {"desktop", "mobile"}


def test_bad_lines_become_errors_and_splits_add_up(tmp_path):
    path = tmp_path / "pageviews-20250101-user"
    path.write_text(
        "en.wikipedia Foo 12 desktop 5 A2B3\n"
        "en.wikipedia Foo 12 desktop 4 A4\n"
        "en.wikipedia Foo null mobile-app 2 C2\n"
        "en.wikipedia Broken line\n"
        "xx.nowhere Bar 3 desktop 1 A1\n"
        "de.wikipedia Baz 7 desktop 9 A1\n"
        "en.wikipedia Foo 12 desktop 1 A1")
    rows, errors, counters = pageview_rows(splits_of([path]))
    assert sorted((r["wiki_db"], r["page_title"], r["page_id"] or 0, r["access_method"], r["views"]) for r in rows) == [
        ("dewiki", "Baz", 7, "desktop", 9), ("enwiki", "Foo", 0, "mobile-app", 2), ("enwiki", "Foo", 12, "desktop", 10)]
    assert sorted((e["error_type"], e["record_dropped"], e["source_line"], e["wiki_db"]) for e in errors) == [
        ("hourly-counts-mismatch", False, 6, "dewiki"), ("malformed-line", True, 4, "enwiki"),
        ("unknown-project", True, 5, "unknown")]
    assert (counters["lines-read"], counters["lines-written"], counters["lines-dropped"]) == (7, 5, 2)
    # Cut anywhere, the splits give the same rows and errors.
    split_rows, split_errors, _ = pageview_rows(splits_of([path], split_bytes=17))
    assert split_rows == rows
    assert sorted((e["error_type"], e["source_offset"]) for e in split_errors) == sorted(
        (e["error_type"], e["source_offset"]) for e in errors)


def test_command_sums_months_and_refuses_mixed_kinds(tmp_path, capsys):
    hourly = [tmp_path / f"pageviews-20250301-{h:02d}0000.gz" for h in (0, 1)]
    for h, path in enumerate(hourly):
        lines = f"de Bar 1 0\nen \"\\\"Quoted\\\"_title\" 1 0\nen Foo {h + 1} 0\nen.m Foo 5 0\n"
        path.write_bytes(gzip.compress(lines.encode(), mtime=0))
    out = tmp_path / "out"
    assert cli.main(["run", "pageviews", "--input", *map(str, hourly), "--output", str(out), "--workers", "1"]) == 0
    rows = read_dataset(out, "pageviews")
    assert sorted((r["wiki_db"], r["snapshot"], r["page_title"], r["access_method"], r["month"], r["views"]) for r in rows) == [
        ("dewiki", "20250301", "Bar", "desktop", "2025-03", 2),
        ("enwiki", "20250301", '"Quoted"_title', "desktop", "2025-03", 2), ("enwiki", "20250301", "Foo", "desktop", "2025-03", 3),
        ("enwiki", "20250301", "Foo", "mobile", "2025-03", 10)]
    manifest = json.loads((out / "pageviews" / "_manifest.json").read_text())
    assert [(p["path"], len(p["files"])) for p in manifest["partitions"]] == [
        ("wiki_db=dewiki/snapshot=20250301", 1), ("wiki_db=enwiki/snapshot=20250301", 1)]
    counters = next(iter(manifest["runs"].values()))["counters"]
    assert counters["views-read"] == counters["views-written"] == 17
    complete = tmp_path / "pageviews-20250302-user"
    complete.write_text("en.wikipedia Foo 1 desktop 1 A1\n")
    assert cli.main(["run", "pageviews", "--input", str(hourly[0]), str(complete), "--output", str(out)]) == 2
    assert "their views would be counted twice" in capsys.readouterr().err
    renamed = tmp_path / "views.txt"
    renamed.write_bytes(gzip.decompress(hourly[0].read_bytes()))
    assert cli.main(["run", "pageviews", "--input", str(renamed), "--output", str(out)]) == 2
    assert "not a pageview dump name" in capsys.readouterr().err
