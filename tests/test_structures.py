"""The `infoboxes` and `tables` datasets (issue 18): exact rows for hand-made pages in the shapes real pages
have, counts on real dumps against a count made here from the raw wikitext, linear time on adversarial
markup."""
from __future__ import annotations

import re
import time

import pytest

from tests.conftest import read_dataset
from tests.test_content_real_data import articles_of
import schemas
from transforms.wikitext.engine import rows_of_page
from transforms.wikitext.titles import TitleResolver
from transforms.xml.records import SiteInfo

ENWIKI = TitleResolver(SiteInfo(wiki_db="enwiki"))
FRWIKI = TitleResolver(SiteInfo(wiki_db="frwiki"))
DEWIKI = TitleResolver(SiteInfo(wiki_db="dewiki"))
RUWIKI = TitleResolver(SiteInfo(wiki_db="ruwiki", namespaces={0: "", 10: "Шаблон"}))


def structure_columns(wikitext: str, resolver: TitleResolver = ENWIKI) -> tuple[dict, dict]:
    """The page's infoboxes and tables columns (without page keys), as the engine builds them with its scan."""
    found = rows_of_page(wikitext, resolver, (schemas.INFOBOXES, schemas.TABLES), title="T", length=0)
    return found[schemas.INFOBOXES], found[schemas.TABLES]


def structures(wikitext: str, resolver: TitleResolver = ENWIKI) -> tuple[list[dict], list[dict]]:
    """The page's infoboxes and tables rows (without page keys) as dicts."""
    infoboxes, tables = structure_columns(wikitext, resolver)
    rows = lambda columns: [dict(zip(columns, values)) for values in zip(*columns.values())]  # noqa: E731
    return rows(infoboxes), rows(tables)


PERSON = """{{Short description|English mathematician}}
{{Infobox person
| name        = Ada [[Lovelace]]
| image       =
| birth_place = [[London]], {{nowrap|[[England]]}}
| known_for   = [[Analytical Engine|the engine]]<ref>{{cite book|title=T}}</ref>
| 1843
}}
'''Ada''' was a mathematician.
== Later ==
{{template:infobox_officeholder|office=[[Countess of Lovelace|Countess]]}}
"""


def test_an_infobox_with_links_a_nested_template_and_an_empty_parameter():
    infoboxes, _ = structures(PERSON)
    assert infoboxes == [
        {"section_index": 0, "infobox_index": 0, "template": "Infobox person", "parameter_index": 0,
         "parameter": "name", "value_text": "Ada Lovelace", "value_wikitext": "Ada [[Lovelace]]",
         "value_links": ["Lovelace"], "value_link_namespaces": [0]},
        {"section_index": 0, "infobox_index": 0, "template": "Infobox person", "parameter_index": 1,
         "parameter": "birth_place", "value_text": "London, England",
         "value_wikitext": "[[London]], {{nowrap|[[England]]}}", "value_links": ["London", "England"],
         "value_link_namespaces": [0, 0]},
        {"section_index": 0, "infobox_index": 0, "template": "Infobox person", "parameter_index": 2,
         "parameter": "known_for", "value_text": "the engine",
         "value_wikitext": "[[Analytical Engine|the engine]]<ref>{{cite book|title=T}}</ref>",
         "value_links": ["Analytical_Engine"], "value_link_namespaces": [0]},
        {"section_index": 0, "infobox_index": 0, "template": "Infobox person", "parameter_index": 3,
         "parameter": "1", "value_text": "1843", "value_wikitext": "1843", "value_links": [],
         "value_link_namespaces": []},
        # The Template: prefix, underscores and the first letter's case are normalised away.
        {"section_index": 1, "infobox_index": 1, "template": "Infobox officeholder", "parameter_index": 0,
         "parameter": "office", "value_text": "Countess", "value_wikitext": "[[Countess of Lovelace|Countess]]",
         "value_links": ["Countess_of_Lovelace"], "value_link_namespaces": [0]},
    ]


def test_infoboxes_are_declared_per_wiki_and_an_infobox_without_values_keeps_one_row():
    def templates(wikitext: str, resolver: TitleResolver) -> list[str]:
        return [row["template"] for row in structures(wikitext, resolver)[0]]
    assert templates("{{Infobox settlement}}{{Taxobox}}{{Navbox}}{{Speciesbox}}", DEWIKI) == [
        "Infobox settlement", "Taxobox"]
    assert templates("{{Speciesbox}}{{Navbox}}{{Taxobox}}{{infobox_x}}", ENWIKI) == [
        "Speciesbox", "Taxobox", "Infobox x"]
    # Another wiki's prefixes are no infoboxes; the engine resolves the wiki's own template namespace name.
    assert templates("{{Taxobox}}{{Шаблон:Карточка города|a=1}}{{Infobox}}", RUWIKI) == [
        "Карточка города", "Infobox"]
    assert templates("{{#if:Infobox|x}}{{DEFAULTSORT:Infobox}}{{:Infobox}}{{subst:Infobox}}", ENWIKI) == []
    infoboxes, _ = structures("{{Modèle:Taxobox début|}}\n{{Taxobox\n|règne=\n}}\n{{Infobox Commune de France}}",
                              FRWIKI)
    assert [(row["template"], row["parameter"], row["value_text"]) for row in infoboxes] == [
        ("Taxobox", None, None), ("Infobox Commune de France", None, None)]


def test_an_infobox_closed_by_a_pipe_on_its_own_line_ends_there():
    # `|}}` at the start of a line (issue 18's leak): the call ends with it, the text after is prose.
    infoboxes, tables = structures("{{Infobox\n|c = [[Foo]]\n|}}\nHello.")
    assert [(row["parameter"], row["value_text"], row["value_links"]) for row in infoboxes] == [("c", "Foo", ["Foo"])]
    assert tables == []


TABLES = """Lead.
{| class="wikitable sortable"
|+ Results of [[1843]]
|-
! Year !! Title
|-
| rowspan="2" | 1843 || ''Sketch'' [[Analytical Engine|of the engine]]
|-
| style="x" | Notes on {{nowrap|the [[note G]]}}
{|
| inner || cell
|-
! scope=row | head || {{sort|b
|c}} tail
|}
and after
|-
| colspan=2 | [[a|b]] || c
|}
== Second ==
: {| class=infobox
|-
| unclosed
"""


def test_tables_nested_with_spans_captions_and_an_unclosed_one():
    _, tables = structures(TABLES)
    assert tables == [
        {"section_index": 0, "table_index": 0, "parent_table_index": None, "table_class": "wikitable sortable",
         "caption": "Results of 1843", "header": ["Year", "Title"],
         "rows": [["Year", "Title"], ["1843", "Sketch of the engine"], ["Notes on the note G\nand after"],
                  ["b", "c"]],
         "header_cells": [[True, True], [False, False], [False], [False, False]],
         "rowspans": [[1, 1], [2, 1], [1], [1, 1]], "colspans": [[1, 1], [1, 1], [1], [2, 1]], "closed": True},
        # A nested table is its own row; a line inside a template's call ({{sort|b\n|c}}) is not a cell; every
        # cell of a `!` line is a header cell, as MediaWiki reads them.
        {"section_index": 0, "table_index": 1, "parent_table_index": 0, "table_class": None, "caption": None,
         "header": [], "rows": [["inner", "cell"], ["head", "tail"]],
         "header_cells": [[False, False], [True, True]], "rowspans": [[1, 1], [1, 1]],
         "colspans": [[1, 1], [1, 1]], "closed": True},
        {"section_index": 1, "table_index": 2, "parent_table_index": None, "table_class": "infobox", "caption": None,
         "header": [], "rows": [["unclosed"]], "header_cells": [[False]], "rowspans": [[1]], "colspans": [[1]],
         "closed": False},
    ]


def test_html_rows_and_cells_inside_a_wikitext_table():
    # ltgwiki's railway tables: `{|` then rows of <tr><td>, as MediaWiki accepts them.
    _, tables = structures('{| class="wikitable"\n<tr><th>Station<th colspan=2>km\n<tr><td>\'\'Riga\'\'<td>0</td>'
                           '<td>[[Reiga|x]]\n|}')
    assert [(t["rows"], t["header_cells"], t["colspans"]) for t in tables] == [
        ([["Station", "km"], ["Riga", "0", "x"]], [[True, True], [False, False, False]], [[1, 2], [1, 1, 1]])]


def test_tables_in_nowiki_and_pre_are_text_and_stray_table_lines_are_not_tables():
    _, tables = structures("<nowiki>\n{|\n| a\n|}\n</nowiki>\n|}\n| not a cell\n<pre>\n{|\n</pre>")
    assert tables == []


@pytest.mark.parametrize("markup", ["{|\n", "{|\n|", "{{Infobox|a=", "{{Infobox|a=[[b|", "|}\n{|\n! a !! b\n",
                                    "{{Infobox|x={|\n", "{| class=x\n|-\n| a || {{b|\n", "{{Infobox|a=[[x]]}}\n",
                                    "{|\n| {{Infobox|a=b}}\n|-\n"])
def test_two_megabytes_of_nested_or_unclosed_markup_read_in_linear_time(markup):
    page = markup * (2_000_000 // len(markup))
    started = time.process_time()  # CPU time: the machine may be shared
    infoboxes, tables = structure_columns(page)
    assert time.process_time() - started < 10.0
    assert len(tables["table_index"]) <= page.count("{|")


# -- real dumps -------------------------------------------------------------------------------------------

TABLE_MARKUP = "pages-articles/gensim__enwiki-table-markup.xml.bz2"
KWNLP = "pages-articles/kwnlp__enwiki-20210701-pages-articles17.xml-p20570393p22070392.bz2"
ENWIKI_ARTICLES = "pages-articles/gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LTGWIKI = "pages-articles/dumpster-dive__ltgwiki-2017-pages-articles.xml.bz2"  # 283 tables
ELWIKIVOYAGE = "pages-articles/mwbzutils__sample-pages-articles.xml.bz2"  # 254 tables
TABLE_LINE = re.compile(r"^[ \t:]*\{\|", re.M)
COMMENTS = re.compile(r"<!--.*?(?:-->|$)|<(nowiki|pre)\b[^>]*>.*?</\1\s*>", re.S | re.I)
INFOBOX_CALL = re.compile(r"\{\{\s*(?:[Tt]emplate\s*:\s*)?(?:[Ii]nfobox|[Tt]axobox|[Ss]peciesbox|[Aa]utomatic taxobox)")


@pytest.mark.parametrize("dump", [TABLE_MARKUP, KWNLP, ENWIKI_ARTICLES, LTGWIKI, ELWIKIVOYAGE])
def test_real_pages_give_one_table_row_per_table_line_and_one_infobox_per_call(real_data, tmp_path, dump):
    from runners.cli import main as cli
    wiki = ["--wiki-db", "enwiki"] if "enwiki" in dump else []  # the others' siteinfo names their wiki
    assert cli.main(["run", "content", "--workers", "1", "--input", str(real_data / dump), "--output",
                     str(tmp_path), *wiki, "--snapshot", "20200101"]) == 0
    pages = articles_of(real_data / dump)
    texts = {page: COMMENTS.sub("", "\n" + text) for page, text in pages.items()}
    tables, infoboxes = read_dataset(tmp_path, "tables"), read_dataset(tmp_path, "infoboxes")
    assert read_dataset(tmp_path, "errors") == []
    for page, text in texts.items():
        assert sum(row["page_id"] == page for row in tables) == len(TABLE_LINE.findall(text)), page
        calls = {(row["infobox_index"]) for row in infoboxes if row["page_id"] == page}
        assert len(calls) == len(INFOBOX_CALL.findall(text)), page
    # Empty rows are left out (a `{|` may hold only an HTML <table>, out of range: ltgwiki's Europys_himna).
    assert all(cells for row in tables for cells in row["rows"])
    assert sum(not row["rows"] for row in tables) <= 1


def test_real_table_rows_read_as_the_page_shows_them(real_data, tmp_path):
    from runners.cli import main as cli
    assert cli.main(["run", "content", "--workers", "1", "--input", str(real_data / TABLE_MARKUP), "--output",
                     str(tmp_path), "--wiki-db", "enwiki", "--snapshot", "20200101"]) == 0
    tables = read_dataset(tmp_path, "tables")
    votes = [row for row in tables if row["page_title"] == "Constructive_vote_of_no_confidence"]
    assert len(votes) == 1 and len(tables) == 20
    assert votes[0]["header"] == ["Date", "Opposition candidate (party)", "Chancellor (party)", "Yes", "No",
                                  "Abstention", "absent/invalid", "Vote successful?"]
    assert votes[0]["rows"][1] == ["27 April 1972", "Rainer Barzel (CDU)", "Willy Brandt (SPD)", "247", "10", "3",
                                   "236", "no"]


# -- Enterprise HTML ---------------------------------------------------------------------------------------

def enterprise_record(real_data, name: str) -> dict:
    import json
    return json.loads((real_data / "enterprise-html" / f"wikimedia-enterprise__{name}.json").read_text())


def test_html_rows_of_an_infobox_and_a_table_as_the_reader_sees_them(real_data):
    from schemas import INFOBOXES, TABLES
    from transforms.enterprise.html import extract_html
    record = enterprise_record(real_data, "enwiki__Josephine_Baker")
    rows = extract_html(record, {})
    infoboxes = [dict(zip(rows[INFOBOXES].columns, values)) for values in zip(*rows[INFOBOXES].columns.values())]
    assert {row["template"] for row in infoboxes} == {"Infobox person"}
    resting = next(row for row in infoboxes if row["parameter"] == "Resting place")
    assert (resting["value_text"], resting["value_links"], resting["value_wikitext"], resting["source"]) == (
        "Panthéon", ["Panthéon"], None, "html")
    tables = rows[TABLES].columns
    assert tables["table_class"][:2] == ["infobox biography vcard", "wikitable sortable"]
    assert tables["rows"][1][:2] == [["Year", "Title", "Role", "Notes", "Ref."],
                                     ["1927", "La Sirène des Tropiques (Siren of the Tropics)", "Papitou",
                                      "silent film", ""]]
    # The record's wikitext names the same infobox, and the one embedded in its `module` parameter (which the
    # HTML renders inside the person's table, so no infobox row of its own there).
    from transforms.wikitext.content import extract_content
    from transforms.xml.records import Page, Revision
    page = Page(record["identifier"], 0, record["name"], record["name"], None, False, None, iter(()))
    revision = Revision()
    revision.id, revision.text = record["version"]["identifier"], record["article_body"]["wikitext"]
    wikitext_rows = extract_content(revision.text, page, revision, ENWIKI)[INFOBOXES]
    assert {row["template"] for row in wikitext_rows} == {"Infobox person", "Infobox musical artist"}
    assert "resting_place" in {row["parameter"] for row in wikitext_rows}


def test_infoboxes_nested_in_infoboxes_are_read_three_deep_and_in_linear_time():
    page = "{{Infobox|a=" * 90 + "x [[y]] " * 120_000 + "}}" * 90  # 1 MB inside 90 nested calls
    started = time.process_time()
    infoboxes, _ = structures(page)
    assert time.process_time() - started < 10.0  # each of 90 values read would be 90 MB
    assert [row["infobox_index"] for row in infoboxes] == [0, 1, 2]
    assert infoboxes[2]["value_wikitext"].startswith("{{Infobox|a={{Infobox|a=")
    assert len(infoboxes[2]["value_links"]) == 120_000  # links inside templates of a value are its links too


def test_a_fault_in_the_structures_pass_becomes_an_errors_row_not_a_crash(monkeypatch):
    from transforms.common.problems import Problem
    from transforms.wikitext import content
    from transforms.wikitext.engine import EngineError
    from transforms.xml.records import Page, Revision

    def refuse(*args, **kwargs):
        raise EngineError("panic: index out of bounds")  # what Engine.scan_into hands back for a caught panic
    monkeypatch.setattr(content, "scan_into", refuse)
    revision = Revision()
    revision.id, revision.text = 7, "{|\n| a\n|}"
    page = Page(3, 0, "T", "T", None, False, 120, iter([revision]))
    [problem] = [item for item in content.ContentPages()._extract(page, revision, ENWIKI, "page")]
    assert isinstance(problem, Problem)
    assert (problem.error_type, problem.page_id, problem.revision_id) == ("content-extraction", 3, 7)
    assert "panic: index out of bounds" in problem.message


def test_html_short_footnotes_point_at_the_citation_their_link_names(real_data):
    import re
    from schemas import CITATIONS
    from transforms.enterprise.html import extract_html
    record = enterprise_record(real_data, "enwiki__Josephine_Baker")
    columns = extract_html(record, {})[CITATIONS].columns
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    notes = set(re.findall(r'<li[^>]*id="(cite_note-FOOTNOTE[^"]*)"', record["article_body"]["html"]))
    linked = [row for row in rows if row["full_citation_position"] is not None]
    assert len(linked) >= len(notes) == 17  # each {{sfn}} note once (its repeats are reuse rows)
    for row in linked:  # "Bergfelder, Harris & Street (2007), pp. 191–198." -> the book by Bergfelder, Tim, ...
        cited = rows[row["full_citation_position"]]
        surname = re.match(r"[^\W\d_][\w'-]*", row["raw_wikitext"]).group(0)  # "Rose 1989, p. 200." -> Rose
        assert cited["authors"] and cited["authors"][0].startswith(surname), (row["raw_wikitext"], cited["authors"])
