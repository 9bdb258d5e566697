"""Every job's pipeline built by its own `build()`, run by TestPipeline, asserted with assert_that and
MetricsFilter: no command line, no driver. Inputs are small hand-written files; the jobs that read datasets
read the samplewiki outputs of the conftest fixtures, checked against the generator's own model."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from xml.sax.saxutils import escape

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines import campaign, content, editor_activity, events, history, knowledge_gaps, pageviews, wikidata
from sample_dumps.generate import build_wiki
from schemas import (
    ARTICLE_GAPS,
    ARTICLE_QUALITY,
    CAMPAIGN_PARTICIPANTS,
    CAMPAIGN_SUMMARY,
    CITATIONS,
    EDITOR_ACTIVITY,
    EDITOR_MONTHS,
    ERRORS,
    EVENTS,
    KNOWLEDGE_GAPS,
    LINKS,
    NEWCOMER_COHORTS,
    PAGE_EVENTS,
    PAGES,
    PAGEVIEWS,
    PLAIN_TEXT,
    REVISIONS,
    SECTIONS,
    WIKIDATA_ENTITIES,
)
from tests.xmlkit import dump, page, revision
from transforms.common import counters
from transforms.datasets.staged import Staging
from transforms.datasets.storage import read_json

ARTICLE = "'''Alpha''' is a [[Beta|town]].<ref>{{cite journal |title=On Alpha |doi=10.1000/xyz1}}</ref>\n" \
          "== History ==\nFounded in 1900.\n"


def new_pipeline() -> test_pipeline.TestPipeline:
    # FnApiRunner in the test process: the default DirectRunner would first try to download Prism.
    return test_pipeline.TestPipeline(runner=FnApiRunner())


def fields(*names: str):
    """A step turning a dataset's `(Partition, split_key, RecordBatch)` elements into tuples of some of its
    columns (`wiki_db` and `snapshot` come from the partition)."""
    def rows(element):
        partition, _, batch = element
        for row in batch.to_pylist():
            row.update(wiki_db=partition.wiki_db, snapshot=partition.snapshot)
            yield tuple(row[name] for name in names)
    return beam.FlatMap(rows)


def check(datasets: dict, dataset: str, names: tuple[str, ...], expected: list[tuple]) -> None:
    """The dataset's rows, as tuples of the named columns, must be `expected` (in any order)."""
    assert_that(datasets[dataset] | f"Fields_{dataset}" >> fields(*names), equal_to(expected),
                label=f"Check_{dataset}")


def counter_values(result, *names: str) -> dict[str, int]:
    """The committed value of each named counter (0 when the job never bumped it)."""
    values = {}
    for name in names:
        found = result.metrics().query(MetricsFilter().with_namespace(counters.NAMESPACE).with_name(name))["counters"]
        values[name] = sum(item.committed for item in found)
    return values


def staged_rows(staging: Staging) -> dict[str, int]:
    """Rows per dataset in the files the pipeline staged (what the driver would publish)."""
    rows: dict[str, int] = {}
    for item in read_json(staging.staged_list):
        rows[item["dataset"]] = rows.get(item["dataset"], 0) + item["rows"]
    return rows


def test_history_writes_pages_and_revisions_with_reverts(tmp_path):
    path = tmp_path / "testwiki-20260101-pages-meta-history.xml"
    path.write_bytes(dump(
        page(1, "Alpha", revision(10, "2024-01-01T00:00:00Z", text="Hello", sha1="a" * 31)
             + revision(11, "2024-01-02T00:00:00Z", parent=10, text="Vandal!", user="<ip>10.0.0.1</ip>",
                        sha1="b" * 31)
             + revision(12, "2024-01-03T00:00:00Z", parent=11, text="Hello", sha1="a" * 31))
        + page(2, "User:Bob", revision(20, "2024-02-01T00:00:00Z", text="Me", sha1="c" * 31), ns=2)))
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = history.build(pipeline, history.plan([str(path)]), staging)
    check(datasets, PAGES, ("wiki_db", "snapshot", "page_id", "page_namespace", "page_title", "page_revision_count",
                            "page_latest_revision_id"),
          [("testwiki", "20260101", 1, 0, "Alpha", 3, 12), ("testwiki", "20260101", 2, 2, "Bob", 1, 20)])
    # Revision 12 restores revision 10's text: it reverts 11, the anonymous edit.
    check(datasets, REVISIONS, ("revision_id", "user_is_anonymous", "revision_text_bytes_diff",
                                "revision_is_identity_reverted", "revision_is_identity_revert"),
          [(10, False, 5, False, False), (11, True, 2, True, False), (12, False, -2, False, True),
           (20, False, 2, False, False)])
    check(datasets, ERRORS, ("error_type",), [])
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.PAGES.read, counters.REVISIONS.read, counters.PAGES.dropped,
                          counters.SPLITS_READ) == {"pages-read": 2, "revisions-read": 4, "pages-dropped": 0,
                                                    "splits-read": 1}
    assert staged_rows(staging) == {PAGES: 2, REVISIONS: 4}
    assert [item["path"] for item in read_json(staging.inputs_list)] == [str(path)]


def test_content_scans_each_article_once_into_every_dataset(tmp_path):
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    redirect = page(3, "Gamma", revision(30, text="#REDIRECT [[Alpha]]"), extra='<redirect title="Alpha" />')
    path.write_bytes(dump(page(1, "Alpha", revision(10, text=escape(ARTICLE))) + page(2, "Talk:Alpha", revision(20), ns=1)
                          + redirect))
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = content.build(pipeline, content.plan([str(path)]), staging)
    check(datasets, PLAIN_TEXT, ("page_id", "revision_id", "text"),
          [(1, 10, "Alpha is a town.\n\nHistory\nFounded in 1900.")])
    check(datasets, SECTIONS, ("section_index", "section_title", "text"),
          [(0, None, "Alpha is a town."), (1, "History", "Founded in 1900.")])
    check(datasets, LINKS, ("link_type", "target", "anchor_text"),
          [("wikilink", "Beta", "town"), ("template", "Cite_journal", None)])
    check(datasets, CITATIONS, ("template_name", "title", "doi"), [("cite journal", "On Alpha", "10.1000/xyz1")])
    check(datasets, ERRORS, ("error_type",), [])
    result = pipeline.run()
    result.wait_until_finish()
    # Talk:Alpha is outside the content namespace and Gamma a redirect: read, filtered, counted.
    assert counter_values(result, counters.PAGES.read, counters.PAGES.filtered,
                          counters.PAGES.filtered_because("namespace"), counters.PAGES.filtered_because("redirect"),
                          counters.rows(PLAIN_TEXT)) == {
        "pages-read": 3, "pages-filtered": 2, "pages-filtered:namespace": 1, "pages-filtered:redirect": 1,
        "rows:plain_text": 1}
    assert staged_rows(staging) == {PLAIN_TEXT: 1, SECTIONS: 2, LINKS: 2, CITATIONS: 1, ARTICLE_QUALITY: 1}


def revision_create(rev_id: int, parent: int | None, timestamp: str, length: int) -> dict:
    return {"$schema": "/mediawiki/revision/create/2.0.0", "meta": {"stream": "mediawiki.revision-create"},
            "database": "testwiki", "page_id": 5, "page_namespace": 0, "page_title": "Alpha", "rev_id": rev_id,
            "rev_parent_id": parent, "rev_timestamp": timestamp, "rev_len": length, "rev_sha1": f"sha{length}",
            "performer": {"user_id": 7, "user_text": "Alice", "user_groups": ["*", "user", "sysop"]}}


def test_events_finish_each_page_across_the_stream(tmp_path):
    lines = [revision_create(2, 1, "2024-01-02T00:00:00Z", 30), revision_create(1, None, "2024-01-01T00:00:00Z", 10),
             {"meta": {"stream": "mediawiki.unknown"}}]
    path = tmp_path / "events-20240101.json.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode() + b"not json\n"))
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = events.build(pipeline, events.plan([str(path)]), staging)
    # The byte diff of revision 2 needs revision 1, which the stream gives after it; the implicit groups go.
    check(datasets, REVISIONS, ("wiki_db", "snapshot", "revision_id", "revision_text_bytes_diff", "user_groups"),
          [("testwiki", "20240101", 1, 10, ["sysop"]), ("testwiki", "20240101", 2, 20, ["sysop"])])
    check(datasets, EVENTS, ("event_type",), [])
    check(datasets, PAGE_EVENTS, ("event_type",), [])
    check(datasets, ERRORS, ("error_type", "source_line"), [("unknown-schema", 3), ("malformed-line", 4)])
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.RECORDS.read, counters.RECORDS.dropped, counters.REVISIONS.read) == {
        "records-read": 4, "records-dropped": 2, "revisions-read": 2}


def test_wikidata_keeps_the_sitelinks_asked_for(tmp_path):
    human = {"type": "wikibase-entityid", "value": {"entity-type": "item", "numeric-id": 5, "id": "Q5"}}
    instance_of = {"rank": "normal", "mainsnak": {"snaktype": "value", "property": "P31", "datavalue": human}}
    entity = {"type": "item", "id": "Q42", "claims": {"P31": [instance_of]}, "sitelinks": {
        "enwiki": {"site": "enwiki", "title": "Douglas Adams"}, "dewiki": {"site": "dewiki", "title": "Douglas Adams"}}}
    path = tmp_path / "wikidata-20260101-all.json"
    path.write_text("[\n" + json.dumps(entity) + ",\n{\"id\": \n]\n")
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = wikidata.build(pipeline, wikidata.plan([str(path)], wiki_dbs=frozenset({"enwiki"})), staging)
    check(datasets, WIKIDATA_ENTITIES, ("wiki_db", "entity_id", "instance_of", "sitelinks"),
          [("wikidatawiki", "Q42", ["Q5"], [{"wiki_db": "enwiki", "title": "Douglas_Adams"}])])
    check(datasets, ERRORS, ("error_type", "source_line"), [("malformed-entity", 3)])
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.ENTITIES.read, counters.ENTITIES.dropped,
                          counters.error("malformed-entity")) == {
        "entities-read": 2, "entities-dropped": 1, "error:malformed-entity": 1}


def test_pageviews_sum_a_month_per_page_and_access(tmp_path):
    paths = []
    for hour, lines in ((0, "en Alpha 3 0\nen.m Alpha 2 0\nde Beta 1 0\n"), (1, "en Alpha 4 0\nxx.zz Q 9 0\n")):
        paths.append(tmp_path / f"pageviews-20240803-{hour:02d}0000.gz")
        paths[-1].write_bytes(gzip.compress(lines.encode()))
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = pageviews.build(pipeline, pageviews.plan([str(p) for p in paths]), staging)
    check(datasets, PAGEVIEWS, ("wiki_db", "snapshot", "page_title", "access_method", "month", "views"),
          [("enwiki", "20240801", "Alpha", "desktop", "2024-08", 7),
           ("enwiki", "20240801", "Alpha", "mobile", "2024-08", 2),  # hourly files cannot tell web from app
           ("dewiki", "20240801", "Beta", "desktop", "2024-08", 1)])
    check(datasets, ERRORS, ("error_type", "source_line"), [("unknown-project", 2)])
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.LINES.read, counters.LINES.written, counters.LINES.dropped,
                          counters.VIEWS_WRITTEN) == {
        "lines-read": 5, "lines-written": 4, "lines-dropped": 1, "views-written": 10}


def test_editor_activity_counts_every_attributed_edit_once(samplewiki_output: Path, tmp_path):
    revisions = [revision for page in build_wiki().pages for revision in page.revisions]
    hidden = sum(revision.contributor_deleted for revision in revisions)
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    datasets = editor_activity.build(pipeline, editor_activity.plan(str(samplewiki_output)), staging)
    # Each revision whose editor is known is one edit of one editor month; hidden editors are left out.
    edits = datasets[EDITOR_MONTHS] | fields("edits") | beam.Map(lambda row: row[0]) | beam.CombineGlobally(sum)
    assert_that(edits, equal_to([len(revisions) - hidden]), label="CheckEdits")
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.REVISIONS.read, counters.REVISIONS.written, counters.EDITS_UNATTRIBUTED) == {
        "revisions-read": len(revisions), "revisions-written": len(revisions) - hidden, "edits-unattributed": hidden}
    # Without --events there are no deletions: article survival is not computed.
    assert set(staged_rows(staging)) == {EDITOR_MONTHS, EDITOR_ACTIVITY, NEWCOMER_COHORTS}


def test_knowledge_gaps_file_every_article_once(samplewiki_demo: Path, tmp_path):
    wiki = build_wiki()
    articles = sorted(page.page_id for page in wiki.pages if page.namespace == 0 and page.redirect is None)
    root = str(samplewiki_demo)
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    config = knowledge_gaps.plan(root, root, root, root, root, pageviews_root=root)
    datasets = knowledge_gaps.build(pipeline, config, staging)
    page_ids = datasets[ARTICLE_GAPS] | fields("page_id") | beam.Map(lambda row: row[0])
    assert_that(page_ids, equal_to(articles), label="CheckArticles")
    result = pipeline.run()
    result.wait_until_finish()
    assert counter_values(result, counters.PAGES.read, counters.PAGES.filtered) == {
        "pages-read": len(wiki.pages), "pages-filtered": len(wiki.pages) - len(articles)}
    assert set(staged_rows(staging)) == {ARTICLE_GAPS, KNOWLEDGE_GAPS}


def test_campaign_counts_each_participant_edit_of_the_window_once(samplewiki_output: Path, tmp_path):
    wiki = build_wiki()
    names = ("Quentin Abernethy", "Keskiyö")
    start, end = "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"
    mine = [r for p in wiki.pages for r in p.revisions
            if not r.contributor_deleted and r.contributor.user and r.contributor.name in names]
    edits = {name: sum(1 for r in mine if r.contributor.name == name and start <= r.timestamp < end) for name in names}
    staging = Staging(str(tmp_path / "staging"))
    pipeline = new_pipeline()
    config = campaign.plan(str(samplewiki_output), "Quentin_Abernethy\nkeskiyö\n", 1709251200, 1711929600, "samplewiki")
    datasets = campaign.build(pipeline, config, staging)
    check(datasets, CAMPAIGN_PARTICIPANTS, ("user_text", "edits"), sorted(edits.items()))
    check(datasets, CAMPAIGN_SUMMARY, ("participants_listed", "edits"), [(2, sum(edits.values()))])
    result = pipeline.run()
    result.wait_until_finish()
    total = sum(len(p.revisions) for p in wiki.pages)
    assert counter_values(result, counters.REVISIONS.read, counters.REVISIONS.written, counters.REVISIONS.filtered) == {
        "revisions-read": total, "revisions-written": len(mine), "revisions-filtered": total - len(mine)}
    assert edits["Quentin Abernethy"] > 0 and edits["Keskiyö"] > 0
