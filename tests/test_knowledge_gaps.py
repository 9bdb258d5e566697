"""The knowledge-gaps job on the whole samplewiki chain (`make demo`), on real enwiki pages with their real
Wikidata entities and pageviews, and on bad entities.

Expectations never come from the code under test: categories are read off the entity JSON by the plain
reading below, per-article facts come from the samplewiki generator's model and pageview files, and the
index is recomputed from the article_gaps table with straightforward loops.
"""
from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
import math
from collections import Counter, defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import reverse_geocoder

from runners.cli import main as cli
from sample_dumps.generate import build_pageview_files, build_wiki
from schemas import DATASETS
from tests.conftest import SAMPLE_DUMPS, read_dataset
from transforms.indices import knowledge_gaps as kg

GAPS = ("gender", "sexual_orientation", "geography_country", "geography_continent", "geography_wmf_region",
        "time", "multimedia_illustration")
GENDERS = {"Q6581097": "male", "Q6581072": "female"}
ORIENTATIONS = {"Q1035954": "heterosexuality", "Q6636": "homosexuality", "Q43200": "bisexuality"}
# The countries met in these tests: item -> ISO code, and ISO code -> (continent, Wikimedia region).
COUNTRY_ITEMS = {"Q822": "LB", "Q801": "IL", "Q41": "GR", "Q17": "JP", "Q36": "PL", "Q35": "DK", "Q29": "ES",
                 "Q668": "IN", "Q33": "FI", "Q79": "EG", "Q117": "GH", "Q183": "DE", "Q142": "FR", "Q145": "GB"}
NORTH_WEST, MIDDLE_EAST = "Northern & Western Europe", "Middle East & North Africa"
PLACES = {"IS": ("Europe", NORTH_WEST), "IE": ("Europe", NORTH_WEST), "GB": ("Europe", NORTH_WEST),
          "DE": ("Europe", NORTH_WEST), "ES": ("Europe", NORTH_WEST), "FI": ("Europe", NORTH_WEST),
          "DK": ("Europe", NORTH_WEST), "FR": ("Europe", NORTH_WEST), "IL": ("Asia", NORTH_WEST),
          "GR": ("Europe", "Central & Eastern Europe & Central Asia"),
          "PL": ("Europe", "Central & Eastern Europe & Central Asia"),
          "LB": ("Asia", MIDDLE_EAST), "EG": ("Africa", MIDDLE_EAST), "IN": ("Asia", "South Asia"),
          "JP": ("Asia", "East, Southeast Asia, & Pacific"), "GH": ("Africa", "Sub-Saharan Africa")}
DATES = ("P569", "P577", "P571", "P580", "P585", "P570")
VALUE_TYPES = {"P625": "globecoordinate", **{p: "time" for p in DATES}}
LAST = "2025-12"  # samplewiki's dump of 2026-01-01 ends its index in December 2025
SAMPLE_MONTHS = {"2025-09", "2025-10", "2025-11", "2025-12"}


# ---------------------------------------------------------------------------------------------------
# An independent reading of entity JSON


def truthy(entity: dict, prop: str) -> list:
    """Values of the best-rank statements (preferred, else normal) of a property, as plain JSON values."""
    statements = entity.get("claims", {}).get(prop, [])
    ranked = ([s for s in statements if s.get("rank") == "preferred"]
              or [s for s in statements if s.get("rank") == "normal"])
    values = []
    for statement in ranked:
        snak = statement["mainsnak"]
        if snak.get("snaktype") == "value" and snak["datavalue"]["type"] == VALUE_TYPES.get(prop, "wikibase-entityid"):
            value = snak["datavalue"]["value"]
            values.append(value["id"] if VALUE_TYPES.get(prop) is None else value)
    return values


def century(year: int) -> str:
    number = (abs(year) - 1) // 100 + 1 if year else 1
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix} century" + (" BCE" if year <= 0 else "")


def expected_categories(entity: dict | None, geocoder) -> dict:
    if entity is None:
        return {gap: "no_item" for gap in GAPS[:-1]}
    human = "Q5" in truthy(entity, "P31")
    gender = truthy(entity, "P21")
    orientation = truthy(entity, "P91")
    countries = truthy(entity, "P17") + truthy(entity, "P27") + truthy(entity, "P495")
    listed = [COUNTRY_ITEMS[q] for q in countries if q in COUNTRY_ITEMS]
    coordinates = truthy(entity, "P625")
    if listed:
        country = listed[0]
    elif coordinates and coordinates[0]["globe"].endswith("/Q2"):
        country = geocoder.query([(coordinates[0]["latitude"], coordinates[0]["longitude"])])[0]["cc"]
    else:
        country = countries[0] if countries else "unknown"
    dates = [d for p in DATES for d in truthy(entity, p) if d["precision"] >= 7]
    year = int(dates[0]["time"][0] + dates[0]["time"][1:].split("-")[0]) if dates else None
    return {
        "gender": (GENDERS.get(gender[0], gender[0]) if gender else "unknown") if human else "not_a_person",
        "sexual_orientation": ((ORIENTATIONS.get(orientation[0], orientation[0]) if orientation else "unknown")
                               if human else "not_a_person"),
        "geography_country": country,
        "geography_continent": PLACES[country][0] if country in PLACES else "unknown",
        "geography_wmf_region": PLACES[country][1] if country in PLACES else "unknown",
        "time": century(year) if year is not None else "unknown",
    }


def entities_by_title(lines, wiki_db: str) -> dict[str, dict]:
    out = {}
    for line in lines:
        line = line.strip().rstrip(b",")
        if line in (b"[", b"]", b""):
            continue
        entity = json.loads(line)
        title = entity.get("sitelinks", {}).get(wiki_db, {}).get("title")
        if title:
            out[title.replace(" ", "_")] = entity
    return out


@pytest.fixture(scope="module")
def geocoder():
    return reverse_geocoder.RGeocoder(mode=1, verbose=False)


# ---------------------------------------------------------------------------------------------------
# samplewiki: the whole chain as `make demo` runs it


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


@pytest.fixture(scope="module")
def articles(wiki):
    return {p.page_id: p for p in wiki.pages if p.namespace == 0 and p.redirect is None}


@pytest.fixture(scope="module")
def gaps(samplewiki_demo):
    return {row["page_id"]: row for row in read_dataset(samplewiki_demo, "article_gaps")}


def test_every_article_once_in_the_categories_its_entity_json_gives(samplewiki_demo, articles, gaps, geocoder):
    rows = read_dataset(samplewiki_demo, "article_gaps")
    assert sorted(row["page_id"] for row in rows) == sorted(articles)
    entities = entities_by_title(gzip.open(SAMPLE_DUMPS / "wikidata-20260101-all.json.gz"), "samplewiki")
    for page_id, page in articles.items():
        row, entity = gaps[page_id], entities.get(page.title.replace(" ", "_"))
        assert row["wikidata_id"] == (entity["id"] if entity else None), page.title
        assert {gap: row[gap] for gap in GAPS[:-1]} == expected_categories(entity, geocoder), page.title
        assert row["multimedia_illustration"] == ("illustrated" if page.ledger.media else "not_illustrated"), page.title
    counts = Counter(row["gender"] for row in rows)
    assert counts["male"] and counts["female"] and counts["no_item"] and counts["not_a_person"]
    assert {row["geography_country"] for row in rows} >= {"IS", "IE", "LB", "unknown"}


def test_article_facts_match_the_model_and_the_pageview_files(samplewiki_demo, wiki, articles, gaps):
    views = defaultdict(Counter)
    for file in build_pageview_files(wiki):
        month = f"{file.name[10:14]}-{file.name[14:16]}"
        for line in file.lines:
            if line.project == "sample":
                views[(line.page_id, None if line.page_id else line.title)][month] += line.views
    quality = {row["page_id"]: row["quality_score"] for row in read_dataset(samplewiki_demo, "article_quality")}
    for page_id, page in articles.items():
        row = gaps[page_id]
        created = dt.datetime.fromisoformat(page.created.replace("Z", "+00:00"))
        assert row["page_first_revision_timestamp"] == created
        assert row["first_time_bucket"] == page.created[:7]
        revisions = Counter(rev.timestamp[:7] for rev in page.revisions)
        page_views = views[(page_id, None)] + views[(None, page.title.replace(" ", "_"))]
        assert {m["time_bucket"]: m["revisions"] for m in row["monthly"] if m["revisions"]} == revisions
        assert {m["time_bucket"]: m["pageviews"] for m in row["monthly"] if m["pageviews"]} == +page_views
        assert all((m["pageviews"] is None) == (m["time_bucket"] not in SAMPLE_MONTHS) for m in row["monthly"])
        assert row["revision_count"] == len(page.revisions)
        # The content job read the latest revision only: its score belongs to the month of the last edit.
        assert [(m["time_bucket"], m["quality_score"]) for m in row["monthly"] if m["quality_score"] is not None] == [
            (page.latest.timestamp[:7], quality[page_id])]
        assert row["quality_score"] == quality[page_id]
        assert row["standard_quality"] == (quality[page_id] >= 0.54)


def nearest_rank(values: list, percent: int):
    if not values:
        return None
    return sorted(values)[max(1, math.ceil(percent * len(values) / 100)) - 1]


def recompute_index(rows: list[dict], last: str, covered: set[str], threshold: float) -> dict:
    """(gap, category, month) -> the knowledge_gaps row, with plain loops over article_gaps rows."""
    index = {}
    for gap in GAPS:
        for category in {row[gap] for row in rows}:
            members = [row for row in rows if row[gap] == category]
            for month in kg.months_from(min(row["first_time_bucket"] for row in members), last):
                alive = [row for row in members if row["first_time_bucket"] <= month]
                created, views, revisions, scores = [], [], [], []
                for row in alive:
                    born = row["page_first_revision_timestamp"]
                    created.append(int(born is not None and min(born.strftime("%Y-%m"), last) == month))
                    entry = {m["time_bucket"]: m for m in row["monthly"]}.get(month)
                    revisions.append(entry["revisions"] if entry else 0)
                    views.append((entry["pageviews"] or 0) if entry else 0)
                    known = [m["quality_score"] for m in row["monthly"]
                             if m["time_bucket"] <= month and m["quality_score"] is not None]
                    if known:
                        scores.append(known[-1])
                expected = {
                    "article_count": len(alive), "article_created": sum(created), "revision_count": sum(revisions),
                    "pageviews_sum": sum(views) if month in covered else None,
                    "pageviews_mean": sum(views) / len(alive) if month in covered else None,
                    "quality_score": sum(scores) / len(scores) if scores else None,
                    "standard_quality_count": sum(score >= threshold for score in scores),
                    "standard_quality": sum(score >= threshold for score in scores) / len(alive),
                }
                for percent in (5, 25, 50, 75, 95):
                    expected[f"article_created_p{percent}"] = nearest_rank(created, percent)
                    expected[f"pageviews_p{percent}"] = nearest_rank(views, percent) if month in covered else None
                    expected[f"revision_count_p{percent}"] = nearest_rank(revisions, percent)
                    expected[f"quality_score_p{percent}"] = nearest_rank(scores, percent)
                index[(gap, category, month)] = expected
    return index


def test_index_equals_a_recomputation_from_the_article_table(samplewiki_demo):
    rows = read_dataset(samplewiki_demo, "article_gaps")
    index = read_dataset(samplewiki_demo, "knowledge_gaps")
    expected = recompute_index(rows, LAST, SAMPLE_MONTHS, 0.54)
    got = {(row["content_gap"], row["category"], row["time_bucket"]): row for row in index}
    assert len(got) == len(index) and set(got) == set(expected)
    for key, values in expected.items():
        for column, value in values.items():
            assert got[key][column] == (pytest.approx(value) if isinstance(value, float) else value), (key, column)
    assert {(row["wiki_db"], row["snapshot"]) for row in index} == {("samplewiki", "20260101")}
    assert set(DATASETS["knowledge_gaps"].file_columns) == set(got[key]) - {"wiki_db", "snapshot"}
    # Every article in each gap exactly once: the last month's categories add up to the articles.
    for gap in GAPS:
        last = [row for row in index if row["content_gap"] == gap and row["time_bucket"] == LAST]
        assert sum(row["article_count"] for row in last) == len(rows)
        assert sum(row["article_created"] for row in index if row["content_gap"] == gap) == len(rows)
    assert read_dataset(samplewiki_demo, "errors") == []


def test_index_rules_on_a_small_case():
    """Two articles: one created in March with views and a score change, one whose creation is unknown."""
    march = int(dt.datetime(2025, 3, 5, tzinfo=dt.timezone.utc).timestamp())
    counters = Counter()
    known = kg.article_row({"page_id": 1, "page_namespace": 0, "page_title": "A", "created": march,
                            "revisions": {"2025-03": 2, "2025-05": 1}, "quality": {"2025-03": 0.2, "2025-05": 0.6},
                            "quality_score": 0.6, "illustrated": True,
                            "views": {"2025-02": 7, "2025-04": 10, "2025-07": 3}},
                           "20250701", None, Counter({"2025-04": 5}), frozenset({"2025-02", "2025-04", "2025-07"}),
                           0.54, counters)
    # Views before the creation month and after the last bucket (2025-06) are not the article's here.
    assert counters == Counter({"pageviews-before-creation": 7, "pageviews-after-snapshot": 3, "pageviews-matched": 15})
    assert known["first_time_bucket"] == "2025-03" and known["multimedia_illustration"] == "illustrated"
    assert [(m["time_bucket"], m["revisions"], m["pageviews"], m["quality_score"]) for m in known["monthly"]] == [
        ("2025-03", 2, None, 0.2), ("2025-04", 0, 15, None), ("2025-05", 1, None, 0.6)]
    unknown = kg.article_row({"page_id": 2, "page_namespace": 0, "page_title": "B", "created": None, "revisions": {},
                              "quality": {}, "quality_score": None, "illustrated": None, "views": {"2025-04": 1}},
                             "20250701", None, None, frozenset({"2025-04"}), 0.54, Counter())
    assert (unknown["first_time_bucket"], unknown["multimedia_illustration"], unknown["gender"]) == (
        "2025-04", "unknown", "no_item")
    cells = kg.cells_of_rows([known, unknown])[("gender", "no_item")]
    rows = {row["time_bucket"]: row for row in kg.index_rows(cells, "gender", "no_item", "20250701",
                                                             frozenset({"2025-04"}), 0.54)}
    assert list(rows) == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert [rows[m]["article_count"] for m in rows] == [1, 2, 2, 2]
    assert rows["2025-04"]["pageviews_sum"] == 16 and rows["2025-04"]["pageviews_p50"] == 1
    assert rows["2025-05"]["pageviews_sum"] is None
    assert [rows[m]["quality_score"] for m in rows] == [0.2, 0.2, 0.6, 0.6]
    assert [rows[m]["standard_quality"] for m in rows] == [0.0, 0.0, 0.5, 0.5]
    assert rows["2025-03"]["article_created_p95"] == 1 and rows["2025-04"]["article_created_p95"] == 0


def test_page_join_takes_creation_media_and_monthly_scores_from_every_revision():
    """As after `content --all-revisions` on a history dump: several scanned revisions per page and month."""
    def at(day: str) -> int:
        return int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())
    last = "2025-06"
    revisions = kg.summarise_revisions([7, 7, 7, 8], [None, 70, 71, 5],
                                       [at("2025-01-03"), at("2025-01-09"), at("2025-07-01"), at("2025-02-01")],
                                       last, Counter())
    quality = kg.summarise_quality([7, 7, 7], [70, 71, 72], [at("2025-01-03"), at("2025-01-09"), at("2025-03-01")],
                                   [0.1, 0.3, 0.5], last)
    media = kg.media_revisions([7, 7], [70, 71], ["media", "wikilink"])
    articles = {page_id: {"page_id": page_id, "page_namespace": 0, "page_title": f"P{page_id}",
                          "full_title": f"P{page_id}", "created": None} for page_id in (7, 8)}
    joined = {facts["page_id"]: facts for _, facts in kg.join_by_page(
        [("20250701", articles)], [("20250701", revisions)], [("20250701", media)], [("20250701", quality)],
        [{7: Counter({"2025-05": 4})}])}
    seven, eight = joined[7], joined[8]
    # Created by the revision without parent; the July edit (after the last bucket) counts in June.
    assert seven["created"] == at("2025-01-03")
    assert seven["revisions"] == {"2025-01": 2, "2025-06": 1}
    assert seven["quality"] == {"2025-01": 0.3, "2025-03": 0.5} and seven["quality_score"] == 0.5
    assert seven["illustrated"] is False  # the media link is in an older revision than the latest scanned
    assert seven["views"] == {"2025-05": 4}
    # Page 8's only revision has a parent: its creation is not in the data; nothing was scanned.
    assert (eight["created"], eight["revisions"], eight["illustrated"], eight["quality_score"]) == (
        None, {"2025-02": 1}, None, None)


# ---------------------------------------------------------------------------------------------------
# Bad entities: what the wikidata reader keeps, the gap side must count and file


def statement(prop: str, value, value_type="wikibase-entityid", datatype="wikibase-item", rank="normal") -> dict:
    return {"mainsnak": {"snaktype": "value", "property": prop, "datatype": datatype,
                         "datavalue": {"type": value_type, "value": value}}, "type": "statement", "rank": rank}


def item(qid: str, title: str, **claims) -> dict:
    return {"type": "item", "id": qid, "claims": claims,
            "sitelinks": {"samplewiki": {"site": "samplewiki", "title": title}}}


def entity(qid: str) -> dict:
    return {"entity-type": "item", "id": qid}


def test_bad_entities_are_handled_counted_and_filed(samplewiki_demo, articles, tmp_path):
    titles = [page.title for page in articles.values()][:6]
    human = [statement("P31", entity("Q5"))]
    paris_on_mars = {"latitude": 48.85, "longitude": 2.35, "altitude": None, "precision": 0.01,
                     "globe": "http://www.wikidata.org/entity/Q111"}
    lines = [
        '{"type":"item","id":"Q900001","sitelinks":{"samplewiki":{"title":"%s"}},"claims":{' % titles[0],
        json.dumps(item("Q900002", titles[1], P31=human,
                        P21=[statement("P21", "female", "string", "musical-notation")])),
        json.dumps(item("Q900003", titles[2],
                        P625=[statement("P625", paris_on_mars, "globecoordinate", "globe-coordinate")])),
        json.dumps(item("Q900004", titles[3], P31=human, P21=[statement("P21", entity("Q6581072"))],
                        P27=[statement("P27", entity("Q142"))] + [statement("P27", entity("Q183"))] * 9_999)),
        json.dumps(item("Q900006", titles[4], P31=human, P21=[statement("P21", entity("Q6581072"))])),
        json.dumps(item("Q900005", titles[4], P31=human, P21=[statement("P21", entity("Q6581097"))])),
    ]
    dump = tmp_path / "wikidata-20260101-all.json.bz2"
    dump.write_bytes(bz2.compress(("[\n" + ",\n".join(lines) + "\n]\n").encode()))
    read = tmp_path / "read"
    assert cli.main(["run", "wikidata", "--workers", "1", "--max-error-rate", "0.5", "--input", str(dump),
                     "--output", str(read)]) == 0
    assert sorted((r["error_type"], r["record_dropped"]) for r in read_dataset(read, "errors")) == [
        ("malformed-entity", True), ("unexpected-datatype", False)]
    # A wikidata_entities dataset written by another tool may hold what our reader never writes: a
    # coordinate without latitude, here for the sixth article.
    schema = DATASETS["wikidata_entities"].file_schema
    rows = [{name: row[name] for name in schema.names} for row in read_dataset(read, "wikidata_entities")]
    broken = {f.name: [] if pa.types.is_list(f.type) else None for f in schema}
    rows.append({**broken, "entity_id": "Q900007", "entity_type": "item", "statement_count": 1, "source_offset": 0,
                 "sitelinks": [{"wiki_db": "samplewiki", "title": titles[5].replace(" ", "_")}],
                 "coordinates": {"latitude": None, "longitude": 2.0, "globe": "Q2"}})
    entities = tmp_path / "entities"
    folder = entities / "wikidata_entities" / "wiki_db=wikidatawiki" / "snapshot=20260101"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema), folder / "part-0.parquet")

    out = tmp_path / "gaps"
    demo = str(samplewiki_demo)
    assert cli.main(["run", "knowledge-gaps", "--workers", "1", "--max-error-rate", "0.5", "--pages", demo,
                     "--revisions", demo, "--links", demo, "--quality", demo, "--wikidata", str(entities),
                     "--output", str(out)]) == 0
    gaps = {row["page_title"]: row for row in read_dataset(out, "article_gaps")}
    assert len(gaps) == len(articles)

    def of(title):
        row = gaps[title.replace(" ", "_")]
        return row["wikidata_id"], [row[gap] for gap in GAPS[:-1]]

    unknowns = ["unknown"] * 3
    assert of(titles[0]) == (None, ["no_item"] * 6)  # its line was not an entity
    assert of(titles[1]) == ("Q900002", ["unknown", "unknown", *unknowns, "unknown"])  # the mistyped P21 left out
    assert of(titles[2]) == ("Q900003", ["not_a_person", "not_a_person", *unknowns, "unknown"])  # never geocoded
    assert of(titles[3]) == ("Q900004", ["female", "unknown", "FR", "Europe", NORTH_WEST, "unknown"])
    assert of(titles[4]) == ("Q900005", ["male", "unknown", *unknowns, "unknown"])  # lowest of two items
    assert of(titles[5]) == ("Q900007", ["unknown"] * 6)
    page_ids = {title: gaps[title.replace(" ", "_")]["page_id"] for title in titles}
    errors = [row for row in read_dataset(out, "errors") if row["pipeline"] == "knowledge-gaps"]
    assert sorted((r["error_type"], r["page_id"], r["record_dropped"], r["record_kind"]) for r in errors) == sorted([
        ("several-items", page_ids[titles[4]], False, "entity"),
        ("item-categories", page_ids[titles[5]], False, "entity")])
    manifest = json.loads((out / "article_gaps" / "_manifest.json").read_text())
    counters = next(iter(manifest["runs"].values()))["counters"]
    assert {name: counters.get(name) for name in ("entities-read", "entities-dropped", "items-off-earth-coordinates",
                                                   "items-large", "titles-with-several-items")} == {
        "entities-read": 6, "entities-dropped": 1, "items-off-earth-coordinates": 1, "items-large": 1,
        "titles-with-several-items": 1}
    # Every entity with a sitelink gave its categories but the one with a broken coordinate.
    accounting = next(iter(manifest["runs"].values()))["accounting"]
    assert accounting["entities"] == {"read": 6, "written": 5, "dropped": 1, "filtered": 0, "balanced": True}
    index = read_dataset(out, "knowledge_gaps")
    assert all(row["pageviews_sum"] is None for row in index)  # no pageviews given
    for gap in GAPS:
        last = [r for r in index if r["content_gap"] == gap and r["time_bucket"] == LAST]
        assert sum(r["article_count"] for r in last) == len(articles)


def test_inputs_that_cannot_make_an_index_are_refused(samplewiki_output, tmp_path, capsys):
    history = str(samplewiki_output)  # pages and revisions, no content datasets
    command = ["run", "knowledge-gaps", "--pages", history, "--revisions", history, "--links", history,
               "--quality", history, "--wikidata", history, "--output", str(tmp_path)]
    assert cli.main(command) == 2
    assert capsys.readouterr().err.strip() == (f"wikidumps: error: {history}: no links dataset here "
                                               "(expected links/wiki_db=*/snapshot=*/*.parquet)")
    assert cli.main([*command, "--content-namespaces", "0,104"]) == 2
    assert "namespace 104 needs its title prefix (e.g. 104=Author)" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


# ---------------------------------------------------------------------------------------------------
# Real enwiki pages, their Wikidata items and their pageviews


def test_real_pages_entities_and_pageviews(real_data, tmp_path, geocoder):
    out = str(tmp_path)
    pages = sorted(str(p) for p in (real_data / "pages-articles").glob("kwnlp__enwiki-20210701-*.bz2"))
    views = sorted(str(p) for p in (real_data / "pageviews" / "kwnlp-pageviews-complete-202106").iterdir())
    wikidata = real_data / "wikidata-json" / "kwnlp__wikidata-20210705-all.json.bz2"
    inputs = [argument for path in pages for argument in ("--input", path)]
    for step in (["history", *inputs], ["content", *inputs],
                 ["wikidata", "--wiki-db", "enwiki", "--input", str(wikidata)], ["pageviews", "--input", *views],
                 ["knowledge-gaps", "--pages", out, "--revisions", out, "--links", out, "--quality", out,
                  "--wikidata", out, "--pageviews", out]):
        assert cli.main(["run", step[0], "--workers", "1", *step[1:], "--output", out]) == 0, step[0]
    rows = read_dataset(tmp_path, "article_gaps")
    titles = [row["page_title"] for row in rows]
    assert sorted(titles) == sorted(["Gimli_(Middle-earth)", "Merry_Brandybuck", "Pippin_Took", "Frodo_Baggins",
                                     "Legolas", "Gandalf", "Boromir", "Samwise_Gamgee", "Character_(arts)",
                                     "Literary_element"])
    entities = entities_by_title(bz2.open(wikidata), "enwiki")
    daily = Counter()
    for path in views:
        with bz2.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                wiki, title, page_id, _, total, _ = line.split(" ")
                if wiki == "en.wikipedia":
                    daily[page_id if page_id != "null" else title] += int(total)
    quality = {row["page_id"]: row["quality_score"] for row in read_dataset(tmp_path, "article_quality")}
    viewed = 0
    for row in rows:
        entity = entities[row["page_title"]]
        assert row["wikidata_id"] == entity["id"]
        assert {gap: row[gap] for gap in GAPS[:-1]} == expected_categories(entity, geocoder), row["page_title"]
        june = daily[str(row["page_id"])] + daily[row["page_title"]]
        assert {m["time_bucket"]: m["pageviews"] for m in row["monthly"] if m["pageviews"]} == (
            {"2021-06": june} if june else {}), row["page_title"]
        viewed += june > 0
        assert row["quality_score"] == quality[row["page_id"]]
        # A pages-articles dump tells no creation time: the article counts from its first month in the data.
        assert row["page_first_revision_timestamp"] is None
        assert row["first_time_bucket"] == min(m["time_bucket"] for m in row["monthly"])
    assert viewed == 7  # none of Character (arts) and Literary element; Gimli's are under the redirect Gimli
    assert {row["gender"] for row in rows} == {"not_a_person"}
    assert {row["geography_country"] for row in rows} >= {"Q218728", "Q213586"}  # the Shire, Gondor: kept by item id
    index = read_dataset(tmp_path, "knowledge_gaps")
    for gap in GAPS:
        assert sum(r["article_count"] for r in index if r["content_gap"] == gap and r["time_bucket"] == "2021-06") == 10
