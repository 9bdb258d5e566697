"""Golden tests: the wikidata and pageviews jobs on the samplewiki files give what the generator's model says."""
from __future__ import annotations

from collections import Counter

import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_pageview_files, build_wiki
from tests.conftest import SAMPLE_DUMPS, read_dataset
from transforms.indices.gap_categories import gender_category, time_category

CLASS_ITEMS = {"human": "Q5", "town": "Q3957", "taxon": "Q16521", "album": "Q482994"}


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    out = tmp_path_factory.mktemp("samplewiki")
    assert cli.main(["run", "wikidata", "--input", str(SAMPLE_DUMPS / "wikidata-20260101-all.json.gz"),
                     "--output", str(out), "--wiki-db", "samplewiki", "--workers", "1"]) == 0
    pageview_files = sorted(str(p) for p in (SAMPLE_DUMPS / "pageviews").iterdir())
    assert cli.main(["run", "pageviews", "--input", *pageview_files, "--output", str(out), "--workers", "2"]) == 0
    return out


def test_entities_match_the_articles(wiki, output):
    rows = {r["entity_id"]: r for r in read_dataset(output, "wikidata_entities")}
    articles = [p for p in wiki.pages if p.wikidata_id]
    assert len(rows) == len(articles) + 1 and rows["P31"]["entity_type"] == "property"
    for page in articles:
        row = rows[page.wikidata_id]
        assert (row["wiki_db"], row["snapshot"]) == ("wikidatawiki", "20260101")
        assert row["sitelinks"] == [{"wiki_db": "samplewiki", "title": page.full_title.replace(" ", "_")}]
        kind = page.facts["instance_of"]
        if kind in CLASS_ITEMS:
            assert row["instance_of"] == [CLASS_ITEMS[kind]]
        if page.facts.get("coordinates"):
            assert (row["coordinates"]["latitude"], row["coordinates"]["longitude"]) == page.facts["coordinates"]
        if page.facts.get("death_date"):
            assert row["date_of_death"]["year"] == int(page.facts["death_date"][:4])
    assert read_dataset(output, "errors") == []


def test_gender_and_time_of_the_sample_people(wiki, output):
    rows = {r["entity_id"]: r for r in read_dataset(output, "wikidata_entities")}
    people = [p for p in wiki.pages if p.wikidata_id and p.facts["instance_of"] == "human"]
    assert Counter(gender_category(rows[p.wikidata_id]) for p in people) == Counter(p.facts["gender"] for p in people)
    for page in people:
        born = page.facts.get("birth_date")
        expected = f"{(int(born[:4]) - 1) // 100 + 1}th century" if born else "unknown"
        assert time_category(rows[page.wikidata_id]) == expected


def test_monthly_pageviews_add_up_the_files(wiki, output):
    expected: Counter = Counter()
    for file in build_pageview_files(wiki):
        month = f"{file.name[10:14]}-{file.name[14:16]}"
        for line in file.lines:
            wiki_db = "samplewiki" if line.project == "sample" else "enwiki"
            expected[(wiki_db, line.title, line.page_id, line.access, month)] += line.views
    rows = read_dataset(output, "pageviews")
    got = Counter({(r["wiki_db"], r["page_title"], r["page_id"], r["access_method"], r["month"]): r["views"] for r in rows})
    assert len(rows) == len(got) and got == expected
    assert {(r["snapshot"], r["month"]) for r in rows} == {
        ("20250901", "2025-09"), ("20251001", "2025-10"), ("20251101", "2025-11"), ("20251201", "2025-12")}
