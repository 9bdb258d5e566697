"""The content job's page processor (plain, over inline dumps) and the job as a user runs it."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from runners.cli import main as cli
from tests.conftest import read_dataset
from tests.xmlkit import dump, page, revision
from transforms.common.problems import Filtered, Problem
from transforms.datasets.rows import Appended, Rows
from transforms.wikitext.content import ContentOptions, ContentPages
from transforms.xml.inputs import XmlInput
from transforms.xml.reader import DumpReader

SOURCE = XmlInput("inline.xml", 0, 0, "none", "pages-meta-history", False, True, "testwiki", "20260101", "0.11",
                   None, None)


def process(xml: bytes, options: ContentOptions = ContentOptions()) -> list:
    processor = ContentPages(options)
    return list(DumpReader([xml], lambda p: processor(p, SOURCE)))


def rows_of(items: list, dataset: str) -> list[dict]:
    rows = []
    for item in items:
        if isinstance(item, tuple) and item[0] == dataset:
            block = item[1]
            if isinstance(block, Rows):
                rows += [dict(zip(block.columns, values)) for values in zip(*block.columns.values())]
            elif isinstance(block, Appended):  # made in the engine: taken in the order they were added
                rows += block.source.take(dataset, block.count).to_pylist()
            else:
                rows.append(block)
    return rows


def test_the_latest_revision_by_timestamp_then_id_is_read():
    xml = dump(page(1, "River", revision(5, "2024-05-01T00:00:00Z", text="Middle [[A]].")
                    + revision(9, "2024-04-01T00:00:00Z", text="Oldest [[B]].")
                    + revision(7, "2024-05-01T00:00:00Z", text="Latest [[C]] of two at the same second.")))
    items = process(xml)
    [text] = rows_of(items, "plain_text")
    assert (text["revision_id"], text["text"]) == (7, "Latest C of two at the same second.")
    assert [row["target"] for row in rows_of(items, "links")] == ["C"]
    assert [row["revision_id"] for row in rows_of(items, "article_quality")] == [7]


def test_pages_outside_the_rules_are_filtered_not_lost():
    xml = dump(page(1, "Talk:River", revision(1, text="Talk [[A]]."), ns=1)
               + page(2, "Old name", revision(2, text="#REDIRECT [[River]]"), extra='<redirect title="River" />')
               + page(3, "Legacy", revision(3, text="#redirect [[River]]"))  # exports before 0.4 have no <redirect>
               + page(4, "Module", revision(4, text="return {}", extra="")
                      .replace("<model>wikitext</model>", "<model>Scribunto</model>"))
               + page(5, "Deleted", revision(5, text=None, text_attrs=' deleted="deleted"')))
    # A filtered page's revisions are filtered with it, so that revisions balance too.
    assert [(i.reason, i.record_kind, i.page_id, i.count) for i in process(xml) if isinstance(i, Filtered)] == [
        ("namespace", "page", 1, 1), ("namespace", "revision", 1, 1), ("redirect", "page", 2, 1),
        ("redirect", "revision", 2, 1), ("redirect", "page", 3, 1), ("redirect", "revision", 3, 1),
        ("content-model", "page", 4, 1), ("content-model", "revision", 4, 1), ("no-text", "page", 5, 1),
        ("no-text", "revision", 5, 1)]
    included = process(xml, ContentOptions(namespaces=frozenset({0, 1}), include_redirects=True))
    assert [row["page_id"] for row in rows_of(included, "plain_text")] == [1, 2, 3]
    assert [(row["page_id"], row["link_type"], row["target"]) for row in rows_of(included, "links")] == [
        (1, "wikilink", "A"), (2, "wikilink", "River"), (3, "wikilink", "River")]


def test_a_too_large_or_too_slow_page_becomes_an_error_not_a_stall():
    xml = dump(page(1, "Big", revision(1, text="x" * 5000)) + page(2, "Fine", revision(2, text="Fine.")))
    items = process(xml, ContentOptions(max_page_bytes=4000))
    [problem] = [i for i in items if isinstance(i, Problem)]
    assert (problem.error_type, problem.record_kind, problem.record_dropped, problem.page_id, problem.revision_id) == (
        "page-too-large", "page", True, 1, 1)
    assert "5,000 bytes" in problem.message and problem.excerpt == "Big"
    assert [row["page_id"] for row in rows_of(items, "plain_text")] == [2]
    slow = process(xml, ContentOptions(page_seconds=0))
    assert [(i.error_type, i.page_id) for i in slow if isinstance(i, Problem)] == [("page-timeout", 1), ("page-timeout", 2)]
    assert rows_of(slow, "plain_text") == []


def test_all_revisions_gives_rows_per_revision():
    xml = dump(page(1, "River", revision(1, "2024-01-01T00:00:00Z", text="First.")
                    + revision(2, "2024-02-01T00:00:00Z", text=None, text_attrs=' deleted="deleted"')
                    + revision(3, "2024-03-01T00:00:00Z", text="Third [[A]].")
                    + revision(3, "2024-03-01T00:00:00Z", text="Third again.")))
    items = process(xml, ContentOptions(all_revisions=True))
    assert [(row["revision_id"], row["text"]) for row in rows_of(items, "plain_text")] == [(1, "First."), (3, "Third A.")]
    assert [(i.reason, i.record_kind) for i in items if isinstance(i, Filtered)] == [("no-text", "revision")]
    assert [(i.error_type, i.revision_id) for i in items if isinstance(i, Problem)] == [("duplicate-revision", 3)]


def run_content(tmp_path, xml: bytes, *extra: str) -> int:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    path.write_bytes(xml)
    return cli.main(["run", "content", "--workers", "1", "--input", str(path), "--output", str(tmp_path / "out"),
                     *extra])


def test_job_writes_every_dataset_and_accounts_for_every_page(tmp_path, capsys):
    xml = dump(page(1, "River", revision(1, text=escape("The '''river''' flows.<ref>{{cite web|url=https://a.example|"
                                             "title=A}}</ref>\n== Course ==\nTo the [[sea]].\n[[Category:Rivers]]")))
               + page(2, "Huge", revision(2, text="y" * 3000))
               + page(3, "Talk:River", revision(3, text="Talk."), ns=1)
               + page(4, "Old", revision(4, text="#REDIRECT [[River]]"), extra='<redirect title="River" />'))
    assert run_content(tmp_path, xml, "--max-page-mb", "0.002", "--max-error-rate", "0.6") == 0
    output = tmp_path / "out"
    [text] = read_dataset(output, "plain_text")
    assert (text["page_id"], text["text"]) == (1, "The river flows.\n\nCourse\nTo the sea.")
    assert [(r["section_index"], r["section_title"]) for r in read_dataset(output, "sections")] == [(0, None), (1, "Course")]
    [cited] = read_dataset(output, "citations")
    assert (cited["template_name"], cited["url"], cited["title"]) == ("cite web", "https://a.example", "A")
    assert sorted((r["link_type"], r["target"]) for r in read_dataset(output, "links")) == [
        ("category", "Rivers"), ("template", "Cite_web"), ("wikilink", "Sea")]
    [quality] = read_dataset(output, "article_quality")
    assert (quality["num_refs"], quality["num_headings"], quality["num_wikilinks"], quality["num_categories"]) == (1, 1, 1, 1)
    assert 0 < quality["quality_score"] < 1
    [error] = read_dataset(output, "errors")
    assert (error["pipeline"], error["error_type"], error["page_id"], error["record_dropped"]) == (
        "content", "page-too-large", 2, True)
    manifest = json.loads((output / "plain_text" / "_manifest.json").read_text())
    run = next(iter(manifest["runs"].values()))
    assert run["accounting"]["pages"] == {"read": 4, "dropped": 1, "filtered": 2, "written": 1, "balanced": True}
    assert run["accounting"]["revisions"] == {"read": 4, "dropped": 1, "filtered": 2, "written": 1, "balanced": True}
    assert run["counters"]["pages-filtered:namespace"] == 1 and run["counters"]["pages-filtered:redirect"] == 1
    for name in ("plain_text", "sections", "citations", "links", "article_quality", "errors"):
        assert (output / name / "_README.md").read_text().startswith(f"# {name}")


def test_every_revision_of_a_history_dump_is_accounted_for_in_both_modes(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-meta-history.xml"
    path.write_bytes(dump(
        page(1, "River", revision(1, "2024-01-01T00:00:00Z", text="One.") + revision(2, "2024-02-01T00:00:00Z",
             text="Two.") + revision(3, "2024-03-01T00:00:00Z", text="Three."))
        + page(2, "Talk:River", revision(4, text="Talk.") + revision(5, text="More talk."), ns=1)
        + page(3, "Huge", revision(6, "2024-01-01T00:00:00Z", text="Small.")
               + revision(7, "2024-02-01T00:00:00Z", text="y" * 3000))))

    def accounting(*extra: str) -> dict:
        out = tmp_path / f"out{len(extra)}"
        assert cli.main(["run", "content", "--workers", "1", "--input", str(path), "--output", str(out),
                         "--max-page-mb", "0.002", "--max-error-rate", "0.9", *extra]) == 0
        manifest = json.loads((out / "plain_text" / "_manifest.json").read_text())
        return next(iter(manifest["runs"].values()))["accounting"]

    # Latest revisions only: the others are filtered as superseded (3 of them), the talk page's with their
    # page (2); the huge page's latest revision is dropped with its page.
    latest = accounting()
    assert latest["pages"] == {"read": 3, "written": 1, "dropped": 1, "filtered": 1, "balanced": True}
    assert latest["revisions"] == {"read": 7, "written": 1, "dropped": 1, "filtered": 5, "balanced": True}
    # Every revision: a page is no one record, and the huge revision alone is dropped.
    every = accounting("--all-revisions")
    assert set(every) == {"balanced", "revisions"} and every["balanced"]
    assert every["revisions"] == {"read": 7, "written": 4, "dropped": 1, "filtered": 2, "balanced": True}


def test_datasets_option_writes_only_the_datasets_asked_for_and_plain_text(tmp_path, capsys):
    xml = dump(page(1, "River", revision(1, text=escape("The river.<ref>{{cite web|url=https://a.example}}</ref> "
                                                        "To the [[sea]].")))
               + page(2, "Huge", revision(2, text="y" * 3000)))
    assert run_content(tmp_path, xml, "--datasets", "links", "--max-page-mb", "0.002", "--max-error-rate", "0.6") == 0
    output = tmp_path / "out"
    # plain_text comes with any choice: its row per revision is what the counts rest on.
    assert sorted(p.name for p in output.iterdir() if not p.name.startswith("_")) == ["errors", "links", "plain_text"]
    assert [r["text"] for r in read_dataset(output, "plain_text")] == ["The river. To the sea."]
    assert sorted((r["link_type"], r["target"]) for r in read_dataset(output, "links")) == [
        ("template", "Cite_web"), ("wikilink", "Sea")]
    [error] = read_dataset(output, "errors")
    assert (error["error_type"], error["page_id"]) == ("page-too-large", 2)
    manifest = json.loads((output / "plain_text" / "_manifest.json").read_text())
    run = next(iter(manifest["runs"].values()))
    assert run["accounting"]["pages"] == {"read": 2, "dropped": 1, "filtered": 0, "written": 1, "balanced": True}

    assert run_content(tmp_path, xml, "--datasets", "plain_text,infobox") == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(
        "--datasets: infobox is not one of plain_text, sections, citations, links, article_quality, infoboxes, tables")


def test_job_fails_when_too_many_pages_are_bad_and_refuses_stub_dumps(tmp_path, capsys):
    xml = dump(page(1, "Huge", revision(1, text="y" * 3000)) + page(2, "Fine", revision(2, text="Fine.")))
    assert run_content(tmp_path, xml, "--max-page-mb", "0.002") == 1
    assert "1 of 2 pages (50.00%) could not be used" in capsys.readouterr().err
    assert not (tmp_path / "out" / "plain_text").exists() and (tmp_path / "out" / "errors").exists()
    stub = tmp_path / "testwiki-20260101-stub-meta-history.xml"
    stub.write_bytes(dump(page(1, "A", revision(1, text=None, text_attrs=' bytes="3" location="tt:1"'))))
    assert cli.main(["run", "content", "--input", str(stub), "--output", str(tmp_path / "stub-out")]) == 2
    assert "stub dump carries no page text" in capsys.readouterr().err


def test_math_option_and_diagnostics_reach_plain_text_rows(tmp_path):
    text = escape("Where <math>E = mc^2</math> holds, {{convert|60|and(-)|80|kg}} {{Navbox|x}} {{#if:a|b}} "
                  "{{DEFAULTSORT:X}}<ref>{{cite web|title=T}}</ref> [[unclosed")
    xml = dump(page(1, "Formula", revision(1, text=text)))
    expected_text = {"tex": "Where \u27e6E = mc^2\u27e7 holds, 60 and 80 kg unclosed",
                     "placeholder": "Where \u27e6math\u27e7 holds, 60 and 80 kg unclosed",
                     "drop": "Where holds, 60 and 80 kg unclosed"}
    for math, expected in expected_text.items():
        assert run_content(tmp_path / math, xml, *(("--math", math) if math != "tex" else ())) == 0
        [row] = read_dataset(tmp_path / math / "out", "plain_text")
        assert row["text"] == expected
        # convert expanded; Navbox dropped; the citation is inside a reference; #if is a parser function
        assert (row["templates_expanded"], row["templates_dropped"]) == (1, 1)
        assert row["constructs_out_of_range"] == sorted(
            ["parser-function", "unclosed-link"] + (["math-dropped"] if math == "drop" else []))
