"""Citations (templates, bare references, identifiers) and the quality model's features and score."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from transforms.wikitext.citations import normalise_identifier, publication_year, text_identifiers
from transforms.wikitext.quality import MINIMUM_THRESHOLDS, WEIGHTS, ThresholdAccumulator, score, transformed
from transforms.wikitext.engine import rows_of_page
from transforms.wikitext.titles import TitleResolver
from transforms.xml.records import SiteInfo


def citation_columns(wikitext: str, wiki_db: str | None = None) -> dict[str, list]:
    """The citations columns the engine builds for one page, on a wiki of that name."""
    resolver = TitleResolver(SiteInfo(wiki_db=wiki_db) if wiki_db else None)
    return rows_of_page(wikitext, resolver, ("citations",))["citations"]


def rows_of(wikitext: str) -> list[dict]:
    """The citations of one page as one dict per citation."""
    columns = citation_columns(wikitext)
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def test_isbn_check_digits_and_identifier_forms():
    valid = ("9780306406157", "0306406152", "080442957X")
    assert [normalise_identifier("isbn", isbn) for isbn in valid] == list(valid)
    assert [normalise_identifier("isbn", isbn) for isbn in ("9780306406158", "0306406153", "12345")] == [None] * 3
    assert normalise_identifier("isbn", "978-0-306-40615-7") == "9780306406157"
    assert normalise_identifier("isbn", "0-8044-2957-x") == "080442957X"
    assert normalise_identifier("isbn", "978-0-306-40615-8") is None
    assert normalise_identifier("doi", "https://doi.org/10.1000/xyz123.") == "10.1000/xyz123"
    assert normalise_identifier("doi", "doi:10.1002/(SICI)1097-0258(19980815)17:15") == "10.1002/(SICI)1097-0258(19980815)17:15"
    assert normalise_identifier("pmcid", "1234567") == "PMC1234567" == normalise_identifier("pmcid", "PMC1234567")
    assert normalise_identifier("issn", "0028-0836") == "0028-0836" and normalise_identifier("issn", "0028-0837") is None
    assert normalise_identifier("arxiv", "arXiv:1706.03762v5") == "1706.03762v5"
    # Decimal digits of any script count as int() reads them; a superscript is no digit of an ISBN or PMID
    # (Python's code raised ValueError there, an errors row for the page), but str.isdigit() lets it into a PMCID.
    assert normalise_identifier("isbn", "٠٣٠٦٤٠٦١٥٢") == "٠٣٠٦٤٠٦١٥٢"
    odd = (("isbn", "²" * 10), ("pmid", "²"), ("pmcid", "²"))
    assert [normalise_identifier(kind, value) for kind, value in odd] == [None, None, "PMC²"]



def test_identifiers_in_text_where_a_lookahead_or_lookbehind_decides():
    # Positions count code points (the é and Ճ before them are one each).
    assert text_identifiers("é Ճ ISBN 978-0-306-40615-7; ISBN-10: 0-306-40615-2, isbn 97803064061571") == [
        (4, "isbn", "9780306406157"), (28, "isbn", "0306406152")]  # 14 digits: no ISBN (?![\dXx])
    assert text_identifiers("eISSN 0028-0836, xISSN 0028-0836, ISSN 0028-08361, ISSN:0028083X") == [
        (1, "issn", "0028-0836")]  # a keyword inside a word is none, but eISSN is an ISSN
    assert text_identifiers("PMID 1234567890 PMID: 42 pmid=0 https://pubmed.ncbi.nlm.nih.gov/31415926/") == [
        (16, "pmid", "42"), (40, "pmid", "31415926")]  # ten digits are too many; 0 is no PMID
    # Two digits or ten are no PMCID; "PMCID: PMC123" holds two keywords, each read.
    assert text_identifiers("PMCID: PMC12 PMCID: PMC123 PMC1234567890") == [
        (13, "pmcid", "PMC123"), (20, "pmcid", "PMC123")]
    assert text_identifiers("arXiv:1706.037625 arxiv.org/abs/hep-th/9901001v2 arXiv:math.CO/0101001") == [
        (0, "arxiv", "1706.03762"), (18, "arxiv", "hep-th/9901001v2"), (49, "arxiv", "math.CO/0101001")]
    # A DOI after a letter or a dot is none; a bracket is kept only before a digit.
    assert text_identifiers("x10.1000/a .10.1000/b (10.1000/c[1]) 10.1000/d[x]") == [
        (23, "doi", "10.1000/c[1"), (37, "doi", "10.1000/d")]


def test_publication_year_is_four_digits_without_a_digit_beside_them():
    assert [publication_year(date) for date in ("3 March 2001a", "c. 1999–2000", "12001", "2100", "٣1999", None)] == [
        2001, 1999, None, None, None, None]

def test_citation_template_in_a_named_reference():
    [row] = rows_of("Claim.<ref name=\"smith\">{{Cite journal |last1=Smith |first1=J. |last2=Jones |first2=K. "
                    "|author3=Ann Lee |title=The [[Nature]] of ''things'' |journal=[[Nature (journal)|Nature]] "
                    "|date=March 2001 |volume=5 |doi=10.1038/35057062 |pmid=11237011 |pmc=2000001 "
                    "|url=https://www.nature.com/x |archive-url=https://web.archive.org/web/1/x "
                    "|access-date=2024-01-02 |publisher=Macmillan &amp; Co}}</ref>")
    assert {k: row[k] for k in row if k != "raw_wikitext"} == {
        "section_index": 0, "position": 0, "ref_name": "smith", "ref_group": None, "is_reuse": False,
        "template_name": "cite journal", "source_type": "journal", "title": "The Nature of things",
        "url": "https://www.nature.com/x", "archive_url": "https://web.archive.org/web/1/x",
        "doi": "10.1038/35057062", "isbn": None, "pmid": "11237011", "pmcid": "PMC2000001", "arxiv": None,
        "issn": None, "journal_or_work": "Nature", "publisher": "Macmillan & Co", "publication_date": "March 2001",
        "publication_year": 2001, "authors": ["Smith, J.", "Jones, K.", "Ann Lee"], "access_date": "2024-01-02",
        "identifiers": ["doi:10.1038/35057062", "pmid:11237011", "pmcid:PMC2000001"], "full_citation_position": None,
    }
    assert row["raw_wikitext"].startswith("<ref name=\"smith\">{{Cite journal") and row["raw_wikitext"].endswith("</ref>")


def test_bare_references_and_identifiers_in_text():
    rows = rows_of("A.<ref>https://doi.org/10.1000/abc.123</ref> B.<ref>[https://news.example/story A story], "
                   "''The Paper'', 3 May 2001.</ref> C.<ref>Smith, J. (1999). ''A Book''. Publisher. "
                   "ISBN 0-306-40615-2. See also PMID: 12345678 and arXiv:1706.03762.</ref> "
                   "D.<ref>Two papers: doi:10.1000/one and doi:10.1000/two.</ref> E.<ref name=\"x\" />")
    assert [(r["source_type"], r["url"], r["title"], r["doi"], r["isbn"], r["pmid"], r["arxiv"], r["is_reuse"])
            for r in rows] == [
        ("journal", "https://doi.org/10.1000/abc.123", None, "10.1000/abc.123", None, None, None, False),
        ("web", "https://news.example/story", "A story", None, None, None, None, False),
        ("book", None, None, None, "0306406152", "12345678", "1706.03762", False),
        ("journal", None, None, "10.1000/one", None, None, None, False),
        (None, None, None, None, None, None, None, True),
    ]
    assert rows[3]["identifiers"] == ["doi:10.1000/one", "doi:10.1000/two"]
    assert rows[4]["ref_name"] == "x" and rows[4]["identifiers"] == [] and rows[4]["template_name"] is None


def test_citations_outside_references_and_loose_identifier_lines():
    rows = rows_of("Lead.\n== Further reading ==\n"
                   "* {{cite book |last=Roe |first=R. |title=Rivers |publisher=Hollin |year=1999 "
                   "|isbn=978-0-306-40615-7}}\n"
                   "* Doe, J. (2004). ''History''. ISBN 978-0-306-40615-7 and {{ISBN|0-8044-2957-X}}.\n"
                   "* Not valid: ISBN 978-0-306-40615-8. <!-- ISBN 0-306-40615-2 --> <nowiki>doi:10.1000/no</nowiki>\n"
                   "* {{cita libro |título=Ríos |editorial=Calderon |isbn=0-306-40615-2}}")
    assert [(r["section_index"], r["template_name"], r["source_type"], r["title"], r["isbn"], r["identifiers"],
             r["authors"]) for r in rows] == [
        (1, "cite book", "book", "Rivers", "9780306406157", ["isbn:9780306406157"], ["Roe, R."]),
        (1, None, "book", None, "9780306406157", ["isbn:9780306406157", "isbn:080442957X"], []),
        (1, "cita libro", "book", "Ríos", "0306406152", ["isbn:0306406152"], []),
    ]
    assert rows[1]["raw_wikitext"] == "* Doe, J. (2004). ''History''. ISBN 978-0-306-40615-7 and {{ISBN|0-8044-2957-X}}."
    assert all(r["ref_name"] is None and not r["is_reuse"] for r in rows)


def test_tag_ref_and_grouped_notes():
    rows = rows_of("A{{#tag:ref|{{cite web |url=https://a.example |title=T}}|name=w|group=note}} "
                   "B<ref group=\"note\">Plain note.</ref>")
    assert [(r["ref_name"], r["ref_group"], r["template_name"], r["url"], r["source_type"]) for r in rows] == [
        ("w", "note", "cite web", "https://a.example", "web"), (None, "note", None, None, "other")]


def test_raw_wikitext_is_cut_at_two_thousand_characters():
    [row] = rows_of("<ref>" + "x" * 5000 + "</ref>")
    assert len(row["raw_wikitext"]) == 2000


def feature_row(length, refs=0, headings=0, links=0, categories=0, media=0) -> dict:
    return {"page_length": length, "num_refs": refs, "num_headings": headings, "num_wikilinks": links,
            "num_categories": categories, "num_media": media}


def test_thresholds_are_the_95th_percentile_with_the_models_minimums():
    generator = random.Random(7)
    rows = [feature_row(generator.randint(1, 200_000), generator.randint(0, 300), generator.randint(0, 40),
                        generator.randint(0, 900), generator.randint(0, 30), generator.randint(0, 25))
            for _ in range(2_000)]
    whole = ThresholdAccumulator()
    halves = [ThresholdAccumulator(), ThresholdAccumulator()]
    for index, row in enumerate(rows):
        whole.add(row)
        halves[index % 2].add(row)
    merged = halves[0].merge(halves[1]).thresholds()
    assert merged == whole.thresholds()
    values = [transformed(row) for row in rows]
    for name in WEIGHTS:
        expected = max(MINIMUM_THRESHOLDS[name], float(np.percentile([v[name] for v in values], 95)))
        assert merged[name] == pytest.approx(expected, rel=1e-3, abs=2e-4), name
    small = ThresholdAccumulator()
    small.add(feature_row(400, refs=1))
    assert small.thresholds() == MINIMUM_THRESHOLDS  # a tiny wiki falls back to the minimums


def test_score_is_the_weighted_sum_of_capped_normalised_features():
    thresholds = dict(MINIMUM_THRESHOLDS)
    assert score(transformed(feature_row(0)), thresholds) == 0
    rich = feature_row(1_000_000, refs=2_000, headings=500, links=10_000, categories=50, media=50)
    assert score(transformed(rich), thresholds) == pytest.approx(sum(WEIGHTS.values()))
    stub = feature_row(2_500, refs=1, headings=0, links=4, categories=1, media=0)
    expected = (0.395 * math.sqrt(2500) / 100 + 0.181 * (1 / 50) / 0.15 + 0.115 * (2 / 50) / 0.1 + 0.070 * 1 / 5)
    assert score(transformed(stub), thresholds) == pytest.approx(expected, abs=1e-6)


def test_frwiki_citation_template_is_a_quotation_not_a_source():
    # {{citation}} on frwiki quotes text inline (Modèle:Citation); on enwiki it cites a work.
    page = "Il dit {{citation|L'anarchie, c'est l'ordre sans le pouvoir}}."
    assert citation_columns(page, "frwiki")["position"] == []
    assert citation_columns(page, "enwiki")["template_name"] == ["citation"]


SHORT_FOOTNOTES = """Elephants.{{sfn|Shoshani|2002|p=5|loc=reprinted as ISBN 3-88682-005-X}} Mammoths.<ref>{{harvnb|Shoshani|Tassy|1996|pp=3-4}}</ref>
As {{harvtxt|Nobody|1990}} says.<ref>{{sfnm|1a1=Smith|1y=2001a|1p=4|2a1=Shoshani|2y=2002}}</ref>
== References ==
* {{cite book |last=Shoshani |first=J. |year=2002 |title=Elephants}}
* {{cite book |last1=Shoshani |first1=J. |last2=Tassy |first2=P. |date=May 1996 |title=The Proboscidea}}
* {{citation |author=Smith |date=3 March 2001a |title=S |ref={{sfnref|Smith|2001a}}}}
* {{cite book |last=Shoshani |year=2002 |title=Not the anchor |ref=none}}
"""


def test_short_footnotes_carry_their_authors_and_year_and_point_at_their_full_citation():
    rows = rows_of(SHORT_FOOTNOTES)
    assert [(r["template_name"], r["authors"], r["publication_date"], r["publication_year"],
             r["full_citation_position"]) for r in rows] == [
        ("sfn", ["Shoshani"], "2002", 2002, 4),
        ("harvnb", ["Shoshani", "Tassy"], "1996", 1996, 5),  # in a <ref>: the reference's fields are its own
        ("harvtxt", ["Nobody"], "1990", 1990, None),  # no full citation of Nobody (1990) on the page
        ("sfnm", ["Smith"], "2001a", 2001, 6),  # the first of its citations; {{sfnref}} gives the anchor
        ("cite book", ["Shoshani, J."], "2002", 2002, None),
        ("cite book", ["Shoshani, J.", "Tassy, P."], "May 1996", 1996, None),
        ("citation", ["Smith"], "3 March 2001a", 2001, None),
        ("cite book", ["Shoshani"], "2002", 2002, None),
    ]
    assert rows[0]["isbn"] == "388682005X"  # identifiers written inside a short footnote are its own


def test_dois_in_text_in_publisher_urls_and_percent_encoded():
    rows = rows_of(
        "A.<ref>Smith J. Title. ''BMJ'' 2012;344:e512. doi:10.1136/bmj.e512</ref>"
        "B.<ref>{{cite journal |title=Q |url=https://academic.oup.com/qje/article/135/4/1/doi/10.1093/qje/qjaa029/"
        "5858010 |journal=QJE}}</ref>"
        "C.<ref>[https://link.springer.com/book/10.1057/978-1-137-38781-3 The book]</ref>"
        "D.<ref>{{cite web |url=https://doi.org/10.1000%2F182 |title=Handbook}}</ref>"
        "E.<ref>[https://onlinelibrary.wiley.com/doi/10.1002/anie.201915678/abstract X] and "
        "[https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0123456&type=printable Y]</ref>"
        "F.<ref>[https://link.springer.com/content/pdf/10.1007/s00134-020-05991-x.pdf pdf]</ref>"
        "G.<ref>http://link.springer.com/article/10.1007%2FBF01406719/lookinside/000.png</ref>")
    assert [(r["doi"], r["identifiers"]) for r in rows] == [
        ("10.1136/bmj.e512", ["doi:10.1136/bmj.e512"]),
        ("10.1093/qje/qjaa029", ["doi:10.1093/qje/qjaa029"]),
        ("10.1057/978-1-137-38781-3", ["doi:10.1057/978-1-137-38781-3"]),
        ("10.1000/182", ["doi:10.1000/182"]),
        ("10.1002/anie.201915678", ["doi:10.1002/anie.201915678", "doi:10.1371/journal.pone.0123456"]),
        ("10.1007/s00134-020-05991-x", ["doi:10.1007/s00134-020-05991-x"]),
        ("10.1007/BF01406719", ["doi:10.1007/BF01406719"]),
    ]
    # Outside URLs a DOI is read as written (SICI DOIs hold what URL paths would end at).
    assert rows_of("<ref>doi:10.1175/1520-0493(1971)099<0818:TACOZM>2.3.CO;2</ref>")[0]["doi"] == \
        "10.1175/1520-0493(1971)099<0818:TACOZM>2.3.CO;2"
