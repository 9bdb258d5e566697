"""The content job on real Wikimedia pages (../shared/data/real): English Wikipedia, Greek Wikivoyage,
Latgalian Wikipedia. Identifiers and link counts are checked against simple independent extractions
from the raw wikitext, written here without the job's code."""
from __future__ import annotations

import bz2
import json
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter

import pytest

from runners.cli import main as cli
from tests.conftest import read_dataset

ENWIKI = "pages-articles/gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
ELWIKIVOYAGE = "pages-articles/mwbzutils__sample-pages-articles.xml.bz2"
LTGWIKI = "pages-articles/dumpster-dive__ltgwiki-2017-pages-articles.xml.bz2"
LTGWIKI_MULTISTREAM = "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2"
RESIDUE = ("[[", "]]", "{{", "}}", "{|", "|}", "'''", "<ref")
NOT_WIKITEXT = re.compile(r"<!--.*?(?:-->|$)|<(nowiki|pre|math|syntaxhighlight|source)\b[^>]*>.*?</\1\s*>", re.S | re.I)


def articles_of(path) -> dict[int, str]:
    """page id -> wikitext of the namespace-0, non-redirect wikitext pages, read with ElementTree."""
    found = {}
    for _, element in ElementTree.iterparse(bz2.open(path)):
        if element.tag.endswith("}page"):
            get = lambda name: element.find(f".//{{*}}{name}")  # noqa: E731
            model = get("model")
            if (get("ns").text == "0" and get("redirect") is None and get("text").text
                    and (model is None or model.text == "wikitext")):
                found[int(get("id").text)] = get("text").text
            element.clear()
    return found


def run(path, output, *extra):
    assert cli.main(["run", "content", "--workers", "1", "--input", str(path), "--output", str(output), *extra]) == 0
    return {name: read_dataset(output, name) for name in
            ("plain_text", "sections", "citations", "links", "article_quality", "errors")}


def accounting(output) -> dict:
    manifest = json.loads((output / "plain_text" / "_manifest.json").read_text())
    return next(iter(manifest["runs"].values()))["accounting"]


def valid_isbn(digits: str) -> bool:
    if len(digits) == 13:
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    return len(digits) == 10 and sum((10 - i) * (10 if d in "xX" else int(d)) for i, d in enumerate(digits)) % 11 == 0


def independent_identifiers(wikitext: str) -> set[str]:
    text = NOT_WIKITEXT.sub("", wikitext)
    found = set()
    for match in re.finditer(r"(?<![\w.])10\.\d{4,9}(?:/|%2[fF])(?:[^\s|\]}<>\"\[{]|[<>\[\]](?=\d))+", text):
        doi = match.group(0)
        if re.search(r"://[^\s\[|]*$", text[max(0, match.start() - 400):match.start()]):  # inside a URL
            doi = re.split(r"[?#&]", doi)[0]
            doi = re.sub(r"(?i)(/(abstract|full|pdf|epdf|fulltext|html|summary|meta|references|figures|citedby|suppl|"
                         r"issuetoc|toc|lookinside/.*)|\.(pdf|html?|xml))+/?$", "", doi)
            doi = re.sub(r"^(10\.1093/[^/]+/[^/]+)/\d+$", r"\1", doi)
        doi = doi.replace("%2F", "/").replace("%2f", "/")
        doi = doi.rstrip(".,;:'\"")
        while doi.endswith(")") and doi.count("(") < doi.count(")"):
            doi = doi[:-1].rstrip(".,;:'\"")
        found.add("doi:" + doi)
    for isbn in re.findall(r"(?i)(?<![a-z])isbn(?:-1[03])?\s*[:=]?\s*([0-9][0-9 -]{8,16}[0-9xX])(?![0-9xX])", text):
        digits = isbn.replace("-", "").replace(" ", "").upper()
        if (len(digits) in (10, 13)) and digits[:-1].isdigit() and valid_isbn(digits):
            found.add("isbn:" + digits)
    for pmid in re.findall(r"(?i)(?<![a-z])pmid\s*[:=]?\s*(\d{1,9})(?!\d)|pubmed(?:\.ncbi\.nlm\.nih\.gov)?/(\d+)", text):
        found.add("pmid:" + (pmid[0] or pmid[1]))
    return found


@pytest.fixture(scope="module")
def enwiki(real_data, tmp_path_factory):
    output = tmp_path_factory.mktemp("enwiki")
    return output, run(real_data / ENWIKI, output, "--snapshot", "20160501"), articles_of(real_data / ENWIKI)


def test_enwiki_pages_are_read_whole_and_without_markup(enwiki):
    output, datasets, wikitext = enwiki
    texts = {row["page_id"]: row["text"] for row in datasets["plain_text"]}
    assert set(texts) == set(wikitext) and len(texts) == 106
    assert accounting(output)["pages"] == {"read": 206, "dropped": 0, "filtered": 100, "written": 106, "balanced": True}
    assert datasets["errors"] == []
    for page_id, text in texts.items():
        prose = re.sub("\u27e6[^\u27e7]*\u27e7", " ", text)  # a formula's TeX (--math tex) is content
        assert not [token for token in RESIDUE if token in prose], (page_id, text[:200])
    anarchism = texts[12]
    assert anarchism.startswith("Anarchism is a political philosophy that advocates self-governed societies")
    assert "\n\nEtymology and terminology\nThe term anarchism is a compound word" in anarchism


def test_enwiki_identifiers_equal_an_independent_extraction(enwiki):
    _, datasets, wikitext = enwiki
    ours: dict[int, set] = {}
    for row in datasets["citations"]:
        ours.setdefault(row["page_id"], set()).update(
            i for i in row["identifiers"] if i.split(":")[0] in ("doi", "isbn", "pmid"))
    expected = {page_id: independent_identifiers(text) for page_id, text in wikitext.items()}
    total = sum(len(found) for found in expected.values())
    assert total > 1000  # the sample is citation-heavy
    for page_id, found in expected.items():
        assert ours.get(page_id, set()) == found, page_id


def test_enwiki_wikilink_counts_match_an_independent_count(enwiki):
    _, datasets, wikitext = enwiki
    counted = Counter(row["page_id"] for row in datasets["links"] if row["link_type"] == "wikilink")
    for page_id, text in wikitext.items():
        targets = re.findall(r"\[\[([^\[\]|]*)", NOT_WIKITEXT.sub("", text))
        expected = sum(1 for target in targets if not re.match(
            r"(?i)\s*(category|file|image|media|[a-z]{2,3}(-[a-z]+)?|wikt|wiktionary|commons|s|q|v|b|n|d|meta|species|wikisource|wikiquote|simple)\s*:", target))
        assert abs(counted[page_id] - expected) <= max(1, 0.02 * expected), (page_id, counted[page_id], expected)


def test_greek_wikivoyage_namespaces_and_media(real_data, tmp_path):
    datasets = run(real_data / ELWIKIVOYAGE, tmp_path, "--snapshot", "20190101")
    wikitext = articles_of(real_data / ELWIKIVOYAGE)
    assert {row["page_id"] for row in datasets["plain_text"]} == set(wikitext)
    assert accounting(tmp_path)["pages"]["balanced"]
    media = Counter(row["page_id"] for row in datasets["links"] if row["link_type"] == "media")
    categories = Counter(row["page_id"] for row in datasets["links"] if row["link_type"] == "category")
    for page_id, text in wikitext.items():
        text = NOT_WIKITEXT.sub("", text)
        # Αρχείο is the local name of File, Εικόνα the Greek alias, File and Image the canonical ones; a link
        # must be closed and name a file to be one. A gallery lists files one per line, without brackets.
        gallery = re.compile(r"<gallery[^>]*>(.*?)</gallery>", re.S | re.I)
        files = len(re.findall(r"\[\[\s*(?:Αρχείο|Εικόνα|File|Image)\s*:\s*[^\s\[\]|][^\[\]]*"
                               r"(?:\[\[[^\[\]]*\]\][^\[\]]*)*\]\]", gallery.sub("", text), re.I))
        listed = sum(1 for block in gallery.findall(text) for line in block.split("\n")
                     if re.match(r"\s*[^\s<|\[]", line))
        imagemaps = len(re.findall(r"<imagemap[^>]*>", text, re.I))  # an image map shows one image
        assert media[page_id] == files + listed + imagemaps, page_id
        assert categories[page_id] == len(re.findall(r"\[\[\s*(?:Κατηγορία|Category)\s*:\s*[^\s\[\]|][^\[\]]*\]\]", text, re.I)), page_id
    assert all(row["target_namespace"] == 6 for row in datasets["links"] if row["link_type"] == "media")
    assert sum(media.values()) > 300
    texts = [row["text"] for row in datasets["plain_text"]]
    assert not [text for text in texts if any(token in text for token in RESIDUE)]


def test_splits_of_a_multistream_dump_give_the_same_rows_as_the_whole_file(real_data, tmp_path):
    whole = run(real_data / LTGWIKI, tmp_path / "whole", "--snapshot", "20170101")
    split = run(real_data / LTGWIKI_MULTISTREAM, tmp_path / "split", "--snapshot", "20170101", "--split-size-mb", "0.05")
    for name, rows in whole.items():
        key = lambda row: json.dumps(row, sort_keys=True, default=str)  # noqa: E731
        assert sorted(map(key, rows)) == sorted(map(key, split[name])), name
    assert len(whole["plain_text"]) > 800


def test_markup_residue_is_at_most_wikiextractors_on_every_real_dump(real_data):
    # Markup tokens ([[ ]] {{ }} {| |} |- ''' <ref &nbsp;) left in the plain text, per million characters, on
    # the namespace-0 articles of every real XML dump, against wikiextractor --no-templates on the same pages.
    pytest.importorskip("wikiextractor", reason="wikiextractor (the test extra) is the baseline")
    from benchmarks.content_text_quality import residue, residue_report

    assert residue("a [[b]] {{c}}\n|- x ''' &nbsp; \u27e6\\frac{a}{b}}\u27e7") == 7  # the measure counts what it says
    report = residue_report(real_data)
    assert report["all"]["articles"] > 3000
    for name, row in report.items():
        assert row["wikidumps_per_million"] <= row["wikiextractor_per_million"], (name, row)


def test_enwiki_short_footnotes_are_rows_linked_to_a_citation_of_their_author_and_year(enwiki):
    _, datasets, wikitext = enwiki
    rows = datasets["citations"]
    calls = sum(len(re.findall(r"\{\{\s*[Ss]fnp?\s*\|", re.sub(r"<!--.*?(?:-->|$)", "", text, flags=re.S)))
                for text in wikitext.values())
    sfn = [row for row in rows if row["template_name"] in ("sfn", "sfnp")]
    assert len(sfn) == calls > 200  # one row per {{sfn}}, none inside a <ref> on these pages
    assert all(row["authors"] and row["publication_date"] for row in sfn)
    by_position = {(row["page_id"], row["position"]): row for row in rows}
    linked = [row for row in rows if row["full_citation_position"] is not None]
    for row in linked:  # the citation pointed at names the footnote's first author and its year
        cited = by_position[row["page_id"], row["full_citation_position"]]
        assert cited["template_name"] not in ("sfn", "sfnp", "harvnb", "harv", "harvtxt")
        assert row["authors"][0] in cited["raw_wikitext"] and row["publication_date"] in cited["raw_wikitext"]
    assert sum(row["full_citation_position"] is not None for row in sfn) > 0.9 * len(sfn)
