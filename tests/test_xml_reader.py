"""The streaming XML reader on inline dumps, one edge case at a time."""
from __future__ import annotations

import codecs
import hashlib
import tracemalloc

import pytest

from tests.xmlkit import SITEINFO, dump, page, revision
from transforms.common.problems import Problem
from transforms.common.timestamps import parse_timestamp
from transforms.wikitext._engine import mediawiki_sha1, parse_dump_timestamp
from transforms.xml.reader import DumpReader
from transforms.xml.records import MalformedDumpError


def collect(data: bytes | list[bytes], **reader_args):
    """Runs the reader with a processor that records page headers and revisions as plain dicts."""
    pages = []

    def process(page):
        record = {"id": page.page_id, "ns": page.namespace, "title": page.title, "redirect": page.redirect_title,
                  "is_redirect": page.is_redirect, "offset": page.offset, "revisions": []}
        for rev in page.revisions:
            record["revisions"].append({name: getattr(rev, name) for name in rev.__slots__})
        pages.append(record)
        return iter(())

    chunks = [data] if isinstance(data, bytes) else data
    reader = DumpReader(chunks, process, **reader_args)
    problems = [item for item in reader if isinstance(item, Problem)]
    return reader, pages, problems


def test_reads_pages_revisions_and_siteinfo():
    xml = dump(page(10, "Alpha", revision(100, "2024-03-01T10:20:30Z", sha1="abc", text="x y"))
               + page(11, "Talk:Beta", revision(101, parent=99), ns=1))
    reader, pages, problems = collect(xml)
    assert problems == []
    assert reader.header.export_version == "0.11"
    assert reader.header.siteinfo.wiki_db == "testwiki"
    assert reader.header.siteinfo.namespaces[1] == "Talk"
    assert [(p["id"], p["ns"], p["title"]) for p in pages] == [(10, 0, "Alpha"), (11, 1, "Beta")]
    first = pages[0]["revisions"][0]
    assert first["id"] == 100 and first["timestamp"] == 1709288430
    assert first["user_text"] == "Alice" and first["user_id"] == 7 and not first["user_is_anonymous"]
    assert first["text"] == "x y" and first["text_bytes"] == 3 and first["sha1"] == "abc"
    assert first["model"] == "wikitext" and first["format"] == "text/x-wiki"
    assert pages[1]["revisions"][0]["parent_id"] == 99


def test_page_offsets_point_at_page_tags():
    xml = dump(page(1, "A", revision(1)) + page(2, "B", revision(2)))
    _, pages, _ = collect([xml[i : i + 7] for i in range(0, len(xml), 7)])  # tags cut across chunks
    for record in pages:
        assert xml[record["offset"] : record["offset"] + 6] == b"<page>"
    assert pages[0]["offset"] < pages[1]["offset"]


def test_export_03_derives_namespace_from_title_and_computes_sha1():
    siteinfo = SITEINFO.replace("<dbname>testwiki</dbname>", "")
    xml = dump(
        page(1, "Talk:Pear", revision(5, text="pear talk"), ns=None)
        + page(2, "Pear", revision(6, text=""), ns=None)
        + page(3, "Unknownprefix:Pear", revision(7), ns=None)
        + page(4, "user talk:Bob", revision(8), ns=None),
        version="0.3", siteinfo=siteinfo,
    )
    reader, pages, _ = collect(xml)
    assert reader.header.siteinfo.wiki_db is None
    assert [(p["ns"], p["title"]) for p in pages] == [(1, "Pear"), (0, "Pear"), (0, "Unknownprefix:Pear"), (3, "Bob")]
    # MediaWiki's sha1 of the empty text is a well-known constant.
    assert pages[1]["revisions"][0]["sha1"] == "phoiac9h4m842xq45sp7s6u21eteeq1"
    expected = int(hashlib.sha1("pear talk".encode()).hexdigest(), 16)
    assert int(pages[0]["revisions"][0]["sha1"], 36) == expected
    assert reader.stats.sha1_computed == 4


def test_deleted_fields_ip_editors_and_stub_text():
    revisions = (
        revision(1, user="<ip>192.0.2.1</ip>")
        + revision(2, user="", text=None, text_attrs=' deleted="deleted"').replace("<contributor></contributor>", '<contributor deleted="deleted" />')
        + revision(3, text=None, text_attrs=' bytes="42" sha1="s3" location="tt:77" id="77"', sha1="s3")
        + revision(4, comment="x").replace("<comment>x</comment>", '<comment deleted="deleted" />')
    )
    _, pages, problems = collect(dump(page(1, "A", revisions)))
    assert problems == []
    ip, deleted, stub, no_comment = pages[0]["revisions"]
    assert ip["user_is_anonymous"] and ip["user_text"] == "192.0.2.1" and ip["user_id"] is None
    assert deleted["user_is_deleted"] and deleted["user_text"] is None
    assert deleted["text_is_deleted"] and deleted["text"] is None and deleted["sha1"] is None
    assert stub["text"] is None and stub["text_bytes"] == 42 and stub["sha1"] == "s3" and not stub["text_is_deleted"]
    assert no_comment["comment_is_deleted"] and no_comment["comment"] is None


def test_temporary_accounts_are_recognised():
    reader_rev = None

    def process(page):
        nonlocal reader_rev
        reader_rev = [rev.user_is_temporary for rev in page.revisions]
        return iter(())

    xml = dump(page(1, "A", revision(1, user="<username>~2025-12345-67</username><id>9</id>")
                    + revision(2, user="<username>Tilde~name</username><id>8</id>")))
    list(DumpReader([xml], process))
    assert reader_rev == [True, False]


def test_redirect_and_empty_text():
    xml = dump(page(1, "Old", revision(1, text=""), extra='<redirect title="New title" />'))
    reader, pages, _ = collect(xml)
    assert pages[0]["is_redirect"] and pages[0]["redirect"] == "New title"
    rev = pages[0]["revisions"][0]
    assert rev["text"] == "" and rev["text_bytes"] == 0
    assert reader.stats.empty_texts == 1


def test_unknown_tags_are_counted_and_skipped():
    xml = dump(page(1, "A", revision(1, extra="<futuretag a='1'><inner>x</inner></futuretag>"),
                    extra="<pagemeta>new</pagemeta>") + "  <newroot/>\n" + page(2, "B", revision(2)))
    reader, pages, problems = collect(xml)
    assert problems == []
    assert [p["id"] for p in pages] == [1, 2]
    assert reader.stats.unknown_tags == {"futuretag": 1, "pagemeta": 1, "newroot": 1}
    assert pages[0]["revisions"][0]["text"] == "Hello"


def test_page_without_revisions_is_kept_and_counted():
    reader, pages, problems = collect(dump("  <page><title>Empty</title><ns>0</ns><id>5</id></page>\n"))
    assert problems == []
    assert pages == [{"id": 5, "ns": 0, "title": "Empty", "redirect": None, "is_redirect": False,
                      "offset": pages[0]["offset"], "revisions": []}]
    assert reader.stats.pages_without_revisions == 1


def test_invalid_utf8_is_replaced_and_reported_without_dropping_the_page():
    xml = dump(page(1, "A", revision(1, text="ok")) + page(2, "B", revision(2, text="bad")) + page(3, "C", revision(3)))
    bad = xml.replace(b">bad<", b">b\xff\xfed<")
    _, pages, problems = collect(bad)
    assert [p["id"] for p in pages] == [1, 2, 3]
    assert pages[1]["revisions"][0]["text"] == "b\ufffd\ufffdd"
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.error_type, problem.record_dropped, problem.page_id) == ("invalid-utf8", False, 2)
    assert bad[problem.offset : problem.offset + 2] == b"\xff\xfe"


def test_entity_declarations_are_refused_not_expanded():
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE mediawiki [\n <!ENTITY lol "lol">\n'
              ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n').encode()
    xml = laughs + dump(page(1, "A", revision(1, text="&lol2;")))
    with pytest.raises(MalformedDumpError, match="refusing to expand"):
        collect(xml)


def test_undeclared_entity_breaks_only_its_page():
    xml = dump(page(1, "A", revision(1, text="&lol9;")) + page(2, "B", revision(2)))
    _, pages, problems = collect(xml)
    assert [p["id"] for p in pages] == [2]
    assert [(p.error_type, p.page_id, p.record_dropped) for p in problems] == [("xml-syntax", 1, True)]


def test_broken_xml_inside_a_page_costs_that_page_only():
    good = [page(i, f"P{i}", revision(i)) for i in range(1, 6)]
    broken = good[2].replace("</timestamp>", "</timestanp>")
    xml = dump("".join(good[:2]) + broken + "".join(good[3:]))
    _, pages, problems = collect(xml)
    assert [p["id"] for p in pages] == [1, 2, 4, 5]
    assert len(problems) == 1 and problems[0].error_type == "xml-syntax" and problems[0].page_id == 3
    assert "resumed" in problems[0].message


def test_truncated_xml_keeps_pages_before_the_cut():
    xml = dump("".join(page(i, f"P{i}", revision(i, text="t" * 50)) for i in range(1, 5)))
    cut = xml[: xml.index(b"<title>P4</title>") + 40]
    _, pages, problems = collect(cut)
    assert [p["id"] for p in pages] == [1, 2, 3]
    assert [(p.error_type, p.page_id, p.record_kind) for p in problems] == [("truncated-input", 4, "page")]


def test_truncation_between_pages_drops_nothing():
    xml = dump(page(1, "A", revision(1)) + page(2, "B", revision(2)), close=False)
    _, pages, problems = collect(xml)
    assert [p["id"] for p in pages] == [1, 2]
    assert [(p.error_type, p.record_kind, p.record_dropped) for p in problems] == [("truncated-input", "file", False)]


def test_duplicate_page_in_one_input_keeps_the_first():
    xml = dump(page(1, "A", revision(1)) + page(1, "A again", revision(2)))
    reader, pages, problems = collect(xml)
    assert [(p["id"], p["title"]) for p in pages] == [(1, "A")]
    assert [(p.error_type, p.page_id) for p in problems] == [("duplicate-page", 1)]


def test_bad_revision_is_dropped_alone():
    xml = dump(page(1, "A", revision(1) + revision(2, timestamp="yesterday") + revision(3)))
    _, pages, problems = collect(xml)
    assert [r["id"] for r in pages[0]["revisions"]] == [1, 3]
    assert [(p.error_type, p.record_kind, p.page_id, p.revision_id) for p in problems] == [("bad-revision", "revision", 1, 2)]


def test_not_a_dump_is_refused():
    with pytest.raises(MalformedDumpError, match="not a MediaWiki XML dump"):
        collect(b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")


def test_processor_failure_drops_the_page_and_reading_goes_on():
    xml = dump(page(1, "A", revision(1)) + page(2, "B", revision(2)))

    def process(page):
        if page.page_id == 1:
            raise KeyError("boom")
        yield "seen", {"id": page.page_id}

    items = list(DumpReader([xml], process))
    assert items[1] == ("seen", {"id": 2})
    assert items[0].error_type == "page-processing" and items[0].page_id == 1 and "boom" in items[0].message


def test_revisions_stream_with_flat_memory():
    """A page with 2,000 revisions of 100 kB (200 MB of XML) is read with a few MB of memory."""
    text = "w" * 100_000

    def chunks():
        yield dump("", close=False)
        yield b"  <page><title>Big</title><ns>0</ns><id>1</id>\n"
        for i in range(1, 2001):
            yield revision(i, text=text).encode()
        yield b"  </page>\n</mediawiki>\n"

    count = 0

    def process(page):
        nonlocal count
        for rev in page.revisions:
            count += len(rev.text)
        return iter(())

    tracemalloc.start()
    list(DumpReader(chunks(), process))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 2000 * 100_000
    assert peak < 20_000_000, f"peak traced memory {peak:,} bytes"


@pytest.mark.parametrize("parse", [parse_timestamp, parse_dump_timestamp], ids=["python", "engine"])
def test_timestamps_parse_exactly(parse):
    """The reader's (engine) and the other families' (Python) parsers of dump timestamps agree."""
    assert parse("1970-01-01T00:00:00Z") == 0
    assert parse("2001-01-15T13:15:00Z") == 979564500
    assert parse("2024-02-29T23:59:60Z") == 1709251200  # a leap day, and a leap second as the next one
    assert parse("0001-01-01T00:00:00Z") == -62135596800
    for bad in ("2001-01-15 13:15:00", "2001-13-15T13:15:00Z", "2001-01-15T25:15:00Z", "", "2001-01-15T-1:15:00Z",
                "2001-01-15T13:-5:00Z", "2001-01-15T+1:15:00Z", "2001-01-15T 1:15:00Z", "2001-01-15T13:15:0٣Z",
                "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2001-01-15T13:15:00z", "2001-01-15T13:15:00+"):
        with pytest.raises(ValueError):
            parse(bad)


def base36_sha1(text: str) -> str:
    """MediaWiki's rev_sha1 computed independently of the engine: SHA-1 as base 36, 31 digits."""
    number, digits = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16), ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits.rjust(31, "0")


@pytest.mark.parametrize("text", ["Hello", "", "x", "Български текст", "a" * 55, "b" * 56, "c" * 64, "d" * 1000])
def test_mediawiki_sha1_is_base36_padded(text):
    assert mediawiki_sha1(text) == base36_sha1(text)
    # Values from real dumps (tests/test_samplewiki_generator.py checks the generator's copy against them).
    assert mediawiki_sha1("") == "phoiac9h4m842xq45sp7s6u21eteeq1"
    assert mediawiki_sha1("#redirect [[Main Page]]") == "ei3pamodcl9r8uzbobel6vigpdcp2rq"


@pytest.mark.parametrize("version", ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10", "0.11"])
def test_every_export_version_shape(version):
    """Each export version's additions: <redirect/> (0.4), redirect title (0.5), <ns> and <sha1> (0.6),
    <model>/<format> (0.8), <parentid> (0.10 in practice), sha1 on <text> (0.11)."""
    number = int(version.split(".")[1])
    ns = 1 if number >= 6 else None
    redirect = '<redirect title="Target" />' if number >= 5 else ("<redirect />" if number == 4 else "")
    rev = (f"    <revision><id>9</id>{'<parentid>8</parentid>' if number >= 10 else ''}"
           "<timestamp>2010-05-06T07:08:09Z</timestamp><contributor><ip>203.0.113.9</ip></contributor>"
           f"{'<model>wikitext</model><format>text/x-wiki</format>' if number >= 8 else ''}"
           f'<text xml:space="preserve"{" sha1=" + chr(34) + "abc" + chr(34) if number >= 11 else ""}>#REDIRECT [[Target]]</text>'
           f"{'<sha1>abc</sha1>' if number >= 6 else ''}</revision>\n")
    xml = dump(page(3, "Talk:Thing", rev, ns=ns, extra=redirect), version=version)
    reader, pages, problems = collect(xml)
    assert problems == [] and reader.header.export_version == version
    (record,) = pages
    assert (record["id"], record["ns"], record["title"]) == (3, 1, "Thing")
    assert record["is_redirect"] == (number >= 4)
    assert record["redirect"] == ("Target" if number >= 5 else None)
    (revision_record,) = record["revisions"]
    assert revision_record["parent_id"] == (8 if number >= 10 else None)
    assert revision_record["model"] == ("wikitext" if number >= 8 else None)
    expected_sha1 = "abc" if number >= 6 else base36_sha1("#REDIRECT [[Target]]")
    assert revision_record["sha1"] == expected_sha1 and revision_record["user_is_anonymous"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_copies_are_transcoded(encoding):
    xml = dump(page(1, "Σόφια", revision(1, text="Български текст")))
    declared = b'<?xml version="1.0" encoding="UTF-16"?>\n' + xml
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + declared.decode("utf-8").encode(encoding)
    reader, pages, problems = collect([data[i : i + 1001] for i in range(0, len(data), 1001)])
    assert problems == [] and reader.stats.source_encoding == "utf-16"
    assert pages[0]["title"] == "Σόφια" and pages[0]["revisions"][0]["text"] == "Български текст"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_copies_without_a_byte_order_mark_are_transcoded(encoding):
    """Expat reads UTF-16 without a byte order mark too (a NUL in the first two bytes): so does the feeder,
    so that the prolog it checks is the one expat would read. The first chunk is a single byte."""
    declaration = b'<?xml version="1.0" encoding="UTF-16"?>\n'
    xml = declaration + dump(page(1, "Σόφια", revision(1, text="Български текст")))
    data = xml.decode("utf-8").encode(encoding)
    reader, pages, problems = collect([data[:1]] + [data[i : i + 1001] for i in range(1, len(data), 1001)])
    assert problems == [] and reader.stats.source_encoding == "utf-16"
    assert pages[0]["title"] == "Σόφια" and pages[0]["revisions"][0]["text"] == "Български текст"


def test_real_utf16_file_reads(real_data):
    import bz2

    from transforms.revisions.history import history_rows

    data = bz2.decompress((real_data / "pages-articles/gensim__bgwiki-latest-pages-articles-shortened.xml.bz2").read_bytes())
    expected_titles = data.decode("utf-16").count("<title>")
    reader = DumpReader([data], lambda page: history_rows(page, is_history=False))
    rows = [item for item in reader if not isinstance(item, Problem)]
    pages = [row for dataset, row in rows if dataset == "pages"]
    assert len(pages) == expected_titles == 3  # PROVENANCE.md: 3 bgwiki pages
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in p["page_title"]) for p in pages)
