"""The engine's XML scanner (engine/src/xml.rs) on adversarial input: a cut at every byte, markup that
never closes, references and character data as expat reads them, and a failure inside the engine."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xmlkit import dump, page, revision
from transforms.common.problems import Problem
from transforms.datasets.rows import Rows
from transforms.revisions.history import history_rows
from transforms.wikitext._engine import DumpScanner, starts_with_redirect
from transforms.xml import reader as reader_module
from transforms.xml.reader import DumpReader
from transforms.xml.records import MalformedDumpError


def read(data: bytes | list[bytes]):
    """(pages rows, revisions rows, problems) of the history processor over `data`."""
    chunks = [data] if isinstance(data, bytes) else data
    items = list(DumpReader(chunks, lambda page: history_rows(page, is_history=True), texts=False))
    rows = [(dataset, row) for dataset, found in (item for item in items if isinstance(item, tuple))
            for row in (found.as_dicts() if isinstance(found, Rows) else [found])]
    return ([row for dataset, row in rows if dataset == "pages"], [row for dataset, row in rows if dataset == "revisions"],
            [item for item in items if isinstance(item, Problem)])


def texts_of(xml: bytes) -> list[str]:
    texts = []

    def process(page):
        texts.extend(revision.text for revision in page.revisions)
        return iter(())

    problems = [item for item in DumpReader([xml], process) if isinstance(item, Problem)]
    assert problems == []
    return texts


SMALL = dump(page(1, "A", revision(10, text="one &amp; two")) + page(2, "B", revision(20) + revision(21, parent=20)))


def test_a_cut_at_every_byte_keeps_the_pages_before_it_and_reports_the_cut():
    page_ends = [SMALL.index(b"</page>", SMALL.index(b"<title>A")), SMALL.index(b"</page>", SMALL.index(b"<title>B"))]
    page_starts = [SMALL.index(b"<page>"), SMALL.index(b"<page>", page_ends[0])]
    root_tag_end = SMALL.index(b">", SMALL.index(b"<mediawiki")) + 1
    closing = SMALL.index(b"</mediawiki>") + len(b"</mediawiki>")
    for cut in range(len(SMALL) + 1):
        data = SMALL[:cut]
        if cut < root_tag_end:
            with pytest.raises(MalformedDumpError):
                read(data)
            continue
        pages, revisions, problems = read(data)
        whole = [i for i, end in enumerate(page_ends) if end + len(b"</page>") <= cut]
        assert [row["page_id"] for row in pages] == [i + 1 for i in whole], cut
        assert len(revisions) == [0, 1, 3][len(whole)], cut
        if cut >= closing:
            assert problems == [], cut
            continue
        (problem,) = problems
        inside = next((i for i, start in enumerate(page_starts) if start + len(b"<page>") <= cut and i not in whole), None)
        assert problem.error_type == "truncated-input", cut
        assert problem.record_kind == ("page" if inside is not None else "file"), cut
        if inside is not None and cut >= SMALL.index(b"</id>", page_starts[inside]) + len(b"</id>"):
            assert problem.page_id == inside + 1, cut


def test_pieces_of_one_byte_read_as_the_whole():
    assert read([SMALL[i : i + 1] for i in range(len(SMALL))]) == read(SMALL)


def test_references_line_ends_and_cdata_read_as_expat_reads_them():
    text = "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos; &#233;&#xE9;&#x1F600; e\r\nf\rg <![CDATA[<h> & i]]>j<!-- k -->l"
    assert texts_of(dump(page(1, "A", revision(1, text=text)))) == ["a & <b> \"c\" 'd' éé😀 e\nf\ng <h> & ijl"]


@pytest.mark.parametrize("bad, reason", [
    ("&nbsp;", "undefined entity"), ("&#0;", "reference to invalid character number"),
    ("&#xD800;", "reference to invalid character number"), ("a\x01b", "not well-formed (invalid token)"),
    ("a & b", "not well-formed (invalid token)"), ("<b>", "mismatched tag"), ("</b>", "mismatched tag"),
    ("<b c='1' c='2'/>", "duplicate attribute"), ("<p:b/>", "unbound prefix"), ("<?xml version='1.0'?>",
     "XML or text declaration not at start of entity"),
])
def test_broken_markup_costs_its_page_with_expats_reason(bad, reason):
    xml = dump(page(1, "A", revision(1)) + page(2, "B", revision(2, text=bad)) + page(3, "C", revision(3)))
    pages, _, problems = read(xml)
    assert [row["page_id"] for row in pages] == [1, 3]
    (problem,) = problems
    assert (problem.error_type, problem.page_id, problem.revisions_read) == ("xml-syntax", 2, 1)
    assert f"({reason}: line " in problem.message


@pytest.mark.parametrize("markup", [b"<a>" * 700_000, b"<a " + b"b" * 2_000_000, b"<!--" + b"-" * 2_000_000,
                                    b"&" + b"a" * 2_000_000, b"<a b='" + b"<" * 2_000_000,
                                    b"<![CDATA[" + b"]" * 2_000_000])
def test_two_megabytes_of_unclosed_markup_read_in_linear_time(markup):
    head = dump(page(1, "A", revision(1)), close=False) + b"  <page><title>B</title><ns>0</ns><id>2</id>"
    data = head + b'<revision><id>5</id><timestamp>2024-01-01T00:00:00Z</timestamp><text>' + markup
    started = time.process_time()
    pages, _, problems = read([data[i : i + 4096] for i in range(0, len(data), 4096)])
    assert time.process_time() - started < 1.0
    assert [row["page_id"] for row in pages] == [1]
    assert [(p.error_type, p.page_id) for p in problems] in ([("truncated-input", 2)], [("xml-syntax", 2)])


def test_nesting_is_bounded():
    deep = "<a>" * 1_000 + "x" + "</a>" * 1_000
    xml = dump(page(1, "A", revision(1, text="", extra=deep)) + page(2, "B", revision(2)))
    pages, _, problems = read(xml)
    assert [row["page_id"] for row in pages] == [2]
    assert [(p.error_type, p.page_id) for p in problems] == [("xml-syntax", 1)]
    assert "(elements nested too deeply: line " in problems[0].message
    shallow = "<a>" * 900 + "x" + "</a>" * 900
    assert [row["page_id"] for row in read(dump(page(1, "A", revision(1, extra=shallow))))[0]] == [1]


def test_invalid_utf8_in_pieces_of_one_byte_is_repaired_and_reported_once():
    xml = dump(page(1, "A", revision(1, text="ok")) + page(2, "B", revision(2, text="bad")))
    bad = xml.replace(b">bad<", b">b\xe2\x82d<")  # a three-byte sequence cut short
    pages, revisions, problems = read([bad[i : i + 1] for i in range(len(bad))])
    assert [row["page_id"] for row in pages] == [1, 2] and len(revisions) == 2
    assert [(p.error_type, p.page_id, p.record_dropped) for p in problems] == [("invalid-utf8", 2, False)]
    assert bad[problems[0].offset : problems[0].offset + 2] == b"\xe2\x82"


def test_a_failure_inside_the_engine_is_an_errors_row_and_reading_goes_on(monkeypatch):
    """A panic in the scanner comes back as an "error" event; the reader drops the page and resumes."""
    failed = []

    class FailingOnce:
        def __init__(self, texts):
            self.scanner = DumpScanner(texts)
            self.feed, self.close = self.scanner.feed, self.scanner.close

        def events(self):
            found = self.scanner.events()
            for at, event in enumerate(found):
                if event[0] == "revision" and event[1][0] == 2 and not failed:
                    failed.append(event)
                    return [*found[:at], ("error", "the XML engine failed (index out of bounds)", True)]
            return found

    monkeypatch.setattr(reader_module, "DumpScanner", FailingOnce)
    xml = dump(page(1, "A", revision(1)) + page(2, "B", revision(2)) + page(3, "C", revision(3)))
    pages, _, problems = read(xml)
    assert [row["page_id"] for row in pages] == [1, 3]
    (problem,) = problems
    assert (problem.error_type, problem.page_id, problem.record_dropped) == ("xml-syntax", 2, True)
    assert "the XML engine failed (index out of bounds)" in problem.message


def test_revision_events_carry_the_measures_of_a_dropped_text():
    scanner = DumpScanner(False)
    scanner.feed(dump(page(1, "A", revision(1, text="#REDIRECT [[B]]", sha1=None))))
    scanner.close()
    (event,) = [event for event in scanner.events() if event[0] == "revision"]
    fields, rest = event[1], event[2]
    assert fields[10] is None  # the text itself
    assert rest[0] == 15 and rest[6:] == (False, True)  # bytes, not empty, a redirect line


@pytest.mark.parametrize("text, expected", [
    ("#REDIRECT [[A]]", True), ("  \n#WEITERLEITUNG:[[A]]", True), ("#REDIRECT : \t[[A]]", True),
    ("#REDIRECT:[[A]]", True), ("#[[A]]", False), ("#REDIRECT\n[[A]]", False), ("REDIRECT [[A]]", False),
    ("#REDIRECT [A]", False), ("\u3000#перенаправление [[A]]", True), ("", False),
])
def test_redirect_lines_as_the_content_job_reads_them(text, expected):
    from transforms.wikitext.content import REDIRECT_LINE

    assert starts_with_redirect(text) == expected == (REDIRECT_LINE.match(text) is not None)


MARKUP_BYTES = b"<>/&;'\"=!?[]-#xa \n\r\t\x00\x01"
KNOWN_PROBLEMS = {"truncated-input", "xml-syntax", "bad-page", "bad-revision", "duplicate-page", "duplicate-revision"}


def scanner_events(data: bytes, piece: int) -> list[tuple]:
    scanner, events = DumpScanner(True), []
    for i in range(0, len(data), piece):
        scanner.feed(data[i : i + piece])
        events += scanner.events(10_000)
    scanner.close()
    return events + scanner.events(10_000)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(list(MARKUP_BYTES))), min_size=1, max_size=6),
       st.integers(1, 97))
def test_mutated_dumps_give_rows_or_problems_whatever_the_pieces(mutations, piece):
    """Markup characters written anywhere after the root start tag: the scanner's events, errors and their
    positions included, do not depend on how the input is cut into pieces; the reader never raises, and
    every page is a row or a problem."""
    data = bytearray(SMALL)
    start = SMALL.index(b">", SMALL.index(b"<mediawiki")) + 1
    for position, byte in mutations:
        data[start + position % (len(SMALL) - start)] = byte
    data = bytes(data)
    assert scanner_events(data, piece) == scanner_events(data, len(data))
    for chunks in ([data], [data[i : i + piece] for i in range(0, len(data), piece)]):
        pages, _, problems = read(chunks)
        assert {problem.error_type for problem in problems} <= KNOWN_PROBLEMS
        assert len(pages) + sum(problem.record_kind == "page" for problem in problems) <= data.count(b"<page>") + 1
