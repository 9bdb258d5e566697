"""Golden tests: the content job on the bundled samplewiki against the generator's own model.

Each article's writer kept a ledger of what it wrote (references with their DOIs, ISBNs and PubMed ids,
reuses, sections, categories, interlanguage and interwiki links, media), so every dataset is checked
against facts that do not come from the code under test.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_wiki, in_pages_articles
from tests.conftest import SAMPLE_DUMPS, read_dataset

ARTICLES = SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"
HISTORY = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
RESIDUE = ("[[", "]]", "{{", "}}", "{|", "|}", "'''", "<ref")


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


@pytest.fixture(scope="module")
def articles(wiki):
    """The model's articles: namespace 0, not redirects, in the pages-articles dump."""
    return {p.page_id: p for p in wiki.pages if p.namespace == 0 and p.redirect is None and in_pages_articles(0)}


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    path = tmp_path_factory.mktemp("content")
    assert cli.main(["run", "content", "--workers", "1", "--input", str(ARTICLES), "--output", str(path),
                     "--split-size-mb", "0.01"]) == 0
    return path


@pytest.fixture(scope="module")
def datasets(output):
    return {name: read_dataset(output, name) for name in
            ("plain_text", "sections", "citations", "links", "article_quality", "errors")}


def by_page(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row["page_id"], []).append(row)
    return grouped


def isbn_digits(isbn: str) -> str:
    return isbn.replace("-", "").replace(" ", "").upper()


def test_one_plain_text_row_per_article_from_its_latest_revision(datasets, articles, output):
    rows = {row["page_id"]: row for row in datasets["plain_text"]}
    assert set(rows) == set(articles) and len(rows) == 117
    for page_id, page in articles.items():
        row = rows[page_id]
        assert (row["wiki_db"], row["snapshot"], row["page_namespace"]) == ("samplewiki", "20260101", 0)
        assert row["page_title"] == page.title.replace(" ", "_")
        assert row["revision_id"] == page.latest.rev_id
        assert row["revision_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ") == page.latest.timestamp
        assert row["text_chars"] == len(row["text"]) and row["text_words"] == len(row["text"].split())
    assert datasets["errors"] == []
    import json

    manifest = json.loads((output / "plain_text" / "_manifest.json").read_text())
    accounting = next(iter(manifest["runs"].values()))["accounting"]
    # Every page of the dump is a plain_text row or filtered (other namespaces, redirects): none is lost.
    assert accounting["pages"] == {"read": 198, "dropped": 0, "filtered": 81, "written": 117, "balanced": True}


def test_plain_text_is_prose_without_markup(datasets, articles):
    rows = {row["page_id"]: row["text"] for row in datasets["plain_text"]}
    for page_id, page in articles.items():
        text = rows[page_id]
        # <nowiki> content is shown as written on the page, brackets included; nothing else may remain.
        for literal in re.findall(r"<nowiki>(.*?)</nowiki>", page.latest.text):
            text = text.replace(literal, "")
        assert not [token for token in RESIDUE if token in text], (page.title, text[:300])
        lines = text.split("\n")
        for level, heading in page.ledger.sections:
            assert heading in lines, (page.title, heading)
    dialect = rows[next(p.page_id for p in articles.values() if p.title == "Lowmere dialect")]
    assert "appears in Arabic as تكلّم كما تكلّمت أمّك and in Hebrew as דַּבֵּר כְּפִי שֶׁדִּבְּרָה אִמְּךָ on its website." in dialect
    assert "вода" not in dialect  # the table of words is a table: left out
    disambiguation = rows[next(p.page_id for p in articles.values() if p.title == "Wend (disambiguation)")]
    assert "River Wend, a river in Eastmarch" in disambiguation.split("\n")  # a list item is a line
    tamlin = rows[next(p.page_id for p in articles.values() if p.title == "Tamlin (programming language)")]
    assert "fn area(r)" not in tamlin and "Tamlin is a small functional programming language" in tamlin


def test_sections_match_the_headings_written(datasets, articles):
    rows = by_page(datasets["sections"])
    for page_id, page in articles.items():
        sections = sorted(rows[page_id], key=lambda row: row["section_index"])
        assert [row["section_index"] for row in sections] == list(range(len(sections)))
        lead, rest = sections[0], sections[1:]
        assert (lead["section_level"], lead["section_title"], lead["parent_section_index"]) == (0, None, None)
        assert Counter((row["section_level"], row["section_title"]) for row in rest) == Counter(page.ledger.sections)
        for row in rest:
            assert row["section_anchor"] == row["section_title"].replace(" ", "_")
            parent = sections[row["parent_section_index"]]
            assert parent["section_level"] < row["section_level"]
            between = sections[parent["section_index"] + 1: row["section_index"]]
            assert all(other["section_level"] >= row["section_level"] for other in between)
            assert row["text_chars"] == len(row["text"])


def test_citations_carry_the_identifiers_written(datasets, articles):
    rows = by_page(datasets["citations"])
    totals = Counter()
    for page_id, page in articles.items():
        cited = rows.get(page_id, [])
        written = page.ledger.citations
        assert sorted(row["position"] for row in cited) == list(range(len(cited)))
        reuses = [row for row in cited if row["is_reuse"]]
        assert Counter(row["ref_name"] for row in reuses) == Counter(page.ledger.reuses), page.title
        definitions = [row for row in cited if not row["is_reuse"] and row["raw_wikitext"].startswith("<ref")]
        assert len(definitions) == sum(1 for c in written if c["in_ref"]), page.title
        assert Counter(row["ref_name"] for row in definitions) == Counter(c["ref_name"] for c in written if c["in_ref"])
        assert Counter(row["ref_group"] for row in definitions) == Counter(c["ref_group"] for c in written if c["in_ref"])
        for kind in ("doi", "pmid", "pmcid"):
            assert sorted(row[kind] for row in cited if row[kind]) == sorted(c[kind] for c in written if c.get(kind))
        assert sorted(row["isbn"] for row in cited if row["isbn"]) == sorted(isbn_digits(c["isbn"]) for c in written if c.get("isbn"))
        assert sorted(row["archive_url"] for row in cited if row["archive_url"]) == sorted(
            c["archive_url"] for c in written if c.get("archive_url"))
        templated = [c for c in written if c["template"]]
        assert Counter((row["template_name"], row["ref_name"] is not None or row["raw_wikitext"].startswith("<ref"))
                       for row in cited if row["template_name"]) == Counter(
            (c["template"].lower(), c["in_ref"]) for c in templated)
        for row in cited:
            if row["template_name"]:
                kind = row["template_name"].split()[-1]
                assert row["source_type"] == {"journal": "journal", "book": "book", "web": "web", "news": "news"}[kind]
            totals[row["source_type"]] += 1
    assert totals["journal"] > 50 and totals["book"] > 50 and totals["web"] > 50 and totals["news"] > 50


def test_links_are_classified_and_normalised(datasets, articles):
    rows = by_page(datasets["links"])
    for page_id, page in articles.items():
        links = sorted(rows[page_id], key=lambda row: row["position"])
        assert [row["position"] for row in links] == list(range(len(links)))
        of = lambda kind: [row for row in links if row["link_type"] == kind]  # noqa: E731
        # Titles are spelt with underscores, as page_title is: a link's target joins pages as it is.
        underscored = lambda names: Counter(name.replace(" ", "_") for name in names)  # noqa: E731
        assert Counter(row["target"] for row in of("category")) == underscored(page.ledger.categories)
        assert all(row["target_namespace"] == 14 for row in of("category"))
        assert Counter((row["language"], row["target"]) for row in of("interlanguage")) == Counter(
            (language, title.replace(" ", "_")) for language, title in page.ledger.interlanguage)
        assert Counter((row["interwiki_prefix"], row["target"]) for row in of("interwiki")) == Counter(
            (prefix, title.replace(" ", "_")) for prefix, title in page.ledger.interwiki)
        expected_media = underscored(name[0].upper() + name[1:] for name in page.ledger.media)
        assert Counter(row["target"] for row in of("media")) == expected_media, page.title
        assert all(row["target_namespace"] == 6 for row in of("media"))
        for row in of("wikilink"):
            target = row["target"]
            assert " " not in target and not target[0].islower(), (page.title, target)
        cites = [c["template"] for c in page.ledger.citations if c["template"]]
        templates = Counter(row["target"] for row in of("template"))
        for name, count in underscored(c[0].upper() + c[1:] for c in cites).items():
            assert templates[name] == count, (page.title, name)
        assert all(row["url"].startswith(("http://", "https://")) for row in of("external"))
    # Articles with the Image: alias resolve it to the File namespace like the others.
    aliased = [p for p in articles.values() if "[[Image:" in p.latest.text]
    assert aliased and all(row["target_namespace"] == 6 for p in aliased for row in rows[p.page_id]
                           if row["link_type"] == "media")
    # Links written [[river Wend]] or [[Calderon_Province|...]] point to the page's title as MediaWiki reads it.
    lowercase = [p for p in articles.values() if re.search(r"\[\[[a-z][^\]|:]* [^\]|]*\]\]", p.latest.text)]
    underscored = [p for p in articles.values() if re.search(r"\[\[[^\]|:]*_[^\]|:]*\|", p.latest.text)]
    assert lowercase and underscored
    for page in lowercase:
        wikitext = re.sub(r"<nowiki>.*?</nowiki>", "", page.latest.text)  # [[not a link]] is not one
        for written in re.findall(r"\[\[([a-z][^\]|:]* [^\]|]*)\]\]", wikitext):
            assert {"link_type": "wikilink", "target": (written[0].upper() + written[1:]).replace(" ", "_")}.items() <= next(
                row for row in rows[page.page_id] if row["anchor_text"] == written).items()
    for page in underscored:
        for written, label in re.findall(r"\[\[([^\]|:]*_[^\]|:]*)\|([^\]|]*)\]\]", page.latest.text):
            row = next(row for row in rows[page.page_id] if row["anchor_text"] == label)
            assert row["target"] == written.replace(" ", "_")


def test_article_quality_features_and_score(datasets, articles):
    rows = {row["page_id"]: row for row in datasets["article_quality"]}
    assert set(rows) == set(articles)
    for page_id, page in articles.items():
        row = rows[page_id]
        ledger = page.ledger
        assert row["page_length"] == len(page.latest.text)
        assert row["num_refs"] == sum(1 for c in ledger.citations if c["in_ref"]) + len(ledger.reuses)
        assert row["num_headings"] == sum(1 for level, _ in ledger.sections if level in (2, 3))
        assert row["num_categories"] == len(ledger.categories)
        assert row["num_media"] == len(ledger.media)
    # The score as docs/article_quality.md defines it, recomputed here with numpy's percentile.
    features = {
        "length": [math.sqrt(r["page_length"]) for r in rows.values()],
        "media": [r["num_media"] for r in rows.values()],
        "references": [r["num_refs"] / math.sqrt(r["page_length"]) for r in rows.values()],
        "headings": [r["num_headings"] / math.sqrt(r["page_length"]) for r in rows.values()],
        "wikilinks": [math.sqrt(r["num_wikilinks"]) / math.sqrt(r["page_length"]) for r in rows.values()],
        "categories": [r["num_categories"] for r in rows.values()],
    }
    minimum = {"length": 100, "media": 2, "references": 0.15, "headings": 0.1, "wikilinks": 0.1, "categories": 5}
    weight = {"length": 0.395, "media": 0.114, "references": 0.181, "headings": 0.123, "wikilinks": 0.115,
              "categories": 0.070}
    threshold = {name: max(minimum[name], float(np.percentile(values, 95))) for name, values in features.items()}
    for index, row in enumerate(rows.values()):
        expected = sum(weight[n] * min(features[n][index], threshold[n]) / threshold[n] for n in weight)
        assert row["quality_score"] == pytest.approx(expected, abs=2e-4)
        assert 0 <= row["quality_score"] <= 1


def test_all_revisions_gives_rows_per_revision(wiki, tmp_path):
    assert cli.main(["run", "content", "--workers", "1", "--all-revisions", "--input", str(HISTORY),
                     "--output", str(tmp_path)]) == 0
    rows = read_dataset(tmp_path, "plain_text")
    pages = [p for p in wiki.pages if p.namespace == 0 and p.redirect is None]
    expected = {rev.rev_id: (p.page_id, rev) for p in pages for rev in p.revisions if not rev.text_deleted}
    assert {row["revision_id"]: row["page_id"] for row in rows} == {r: p for r, (p, _) in expected.items()}
    quality = {row["revision_id"]: row for row in read_dataset(tmp_path, "article_quality")}
    assert all(quality[r]["page_length"] == len(rev.text) for r, (_, rev) in expected.items())
    import json

    run = next(iter(json.loads((tmp_path / "plain_text" / "_manifest.json").read_text())["runs"].values()))
    revisions = run["accounting"]["revisions"]
    deleted = sum(1 for p in pages for rev in p.revisions if rev.text_deleted)
    assert revisions["written"] == len(expected) and revisions["balanced"]
    assert revisions["read"] == sum(len(p.revisions) for p in wiki.pages)
    assert run["counters"]["revisions-filtered:no-text"] == deleted
