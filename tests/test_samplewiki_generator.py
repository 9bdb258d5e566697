"""Tests of the samplewiki generator (sample_dumps/) and of the dump files committed there.

Everything is checked with the standard library only (bz2, gzip, json, xml.etree), so a failure
here points at the generator, never at the project's own readers.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import html
import json
import re
import statistics
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from sample_dumps.generate import (
    PAGES_PER_STREAM,
    SAMPLE_DIR,
    TEMP_ACCOUNTS_FROM,
    build_wiki,
    dump_file_names,
    enterprise_file_name,
    event_file_names,
    find_identity_reverts,
    in_pages_articles,
    isbn_is_valid,
    mediawiki_sha1,
    write_enterprise_dump,
    write_event_dumps,
    write_pageview_dumps,
    write_wikidata_dump,
    write_xml_dumps,
)

NS = "{http://www.mediawiki.org/xml/export-0.11/}"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
PAGES_ARTICLES_NAMESPACES = {0, 4, 6, 8, 10, 12, 14, 100, 118, 828}
REVISION_ORDER = ["id", "parentid", "timestamp", "contributor", "minor", "comment", "origin", "model",
                  "format", "text", "sha1"]


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


@pytest.fixture(scope="module")
def names(wiki):
    return dump_file_names(wiki)


@pytest.fixture(scope="module")
def committed(names):
    """The committed files' bytes, keyed as dump_file_names() keys them."""
    return {key: (SAMPLE_DIR / name).read_bytes() for key, name in names.items()}


@pytest.fixture(scope="module")
def history_xml(committed):
    return bz2.decompress(committed["history"]).decode("utf-8")


@pytest.fixture(scope="module")
def stub_xml(committed):
    return gzip.decompress(committed["stubs"]).decode("utf-8")


def _pages(xml_text: str) -> list[ET.Element]:
    return ET.fromstring(xml_text).findall(f"{NS}page")


def _latest_articles(wiki):
    return [p for p in wiki.pages if p.namespace == 0 and p.redirect is None]


# ---------------------------------------------------------------------------------------------
# The hash, determinism, committed files

def test_mediawiki_sha1_matches_real_dump_values():
    # Values copied from the real aawiki 2026-01-01 dump (shared/data/real), text and <sha1> alike.
    assert mediawiki_sha1("") == "phoiac9h4m842xq45sp7s6u21eteeq1"
    assert mediawiki_sha1("#redirect [[Main Page]]") == "ei3pamodcl9r8uzbobel6vigpdcp2rq"
    assert mediawiki_sha1("#redirect[[en:User:Sirius Zwarts Bot]]") == "2c1jry7pu819s2viy5nqljl59fom7la"
    assert len(mediawiki_sha1("x")) == 31


def _payload(name: str, data: bytes) -> bytes:
    if name.endswith(".bz2"):
        return bz2.decompress(data)
    return gzip.decompress(data) if name.endswith(".gz") else data


def test_committed_files_equal_a_fresh_generation(tmp_path, names, committed):
    write_xml_dumps(build_wiki(), tmp_path)
    for key, name in names.items():
        fresh = (tmp_path / name).read_bytes()
        if fresh != committed[key] and _payload(name, fresh) == _payload(name, committed[key]):
            pytest.fail(f"{name}: same content, different compressed bytes: this zlib/libbzip2 differs from "
                        f"the one that wrote the committed files")
        assert fresh == committed[key], f"{name} is stale: run `python sample_dumps/generate.py`"


def test_committed_event_dumps_equal_a_fresh_generation(tmp_path, wiki):
    write_event_dumps(wiki, tmp_path)
    for name in event_file_names(wiki).values():
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), \
            f"{name} is stale: run `python sample_dumps/generate.py`"


def test_model_is_deterministic_and_depends_on_the_seed(wiki):
    again = build_wiki()
    assert [(p.page_id, p.full_title, [(r.rev_id, r.sha1, r.timestamp, r.contributor.name) for r in p.revisions])
            for p in again.pages] == \
        [(p.page_id, p.full_title, [(r.rev_id, r.sha1, r.timestamp, r.contributor.name) for r in p.revisions])
         for p in wiki.pages]
    assert again.users == wiki.users
    other = build_wiki(seed=7)
    assert [r.sha1 for _, r in other.revisions()] != [r.sha1 for _, r in wiki.revisions()]


def test_committed_files_stay_small(committed):
    assert sum(len(b) for b in committed.values()) < 3 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Multistream layout

def _streams(data: bytes) -> list[tuple[int, bytes]]:
    """Split a multistream bz2 file into (offset, decompressed bytes) per stream."""
    out = []
    offset = 0
    while offset < len(data):
        dec = bz2.BZ2Decompressor()
        chunk = dec.decompress(data[offset:])
        assert dec.eof, f"truncated bz2 stream at {offset}"
        out.append((offset, chunk))
        offset = len(data) - len(dec.unused_data)
    return out


def test_multistream_has_header_page_and_footer_streams(committed, wiki):
    streams = _streams(committed["multistream"])
    header = streams[0][1].decode("utf-8")
    assert header.startswith('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/"')
    assert header.endswith("  </siteinfo>\n") and "<page>" not in header
    assert streams[-1][1] == b"</mediawiki>\n"
    page_streams = [s for _, s in streams[1:-1]]
    counts = [s.count(b"  <page>\n") for s in page_streams]
    assert all(c == PAGES_PER_STREAM for c in counts[:-1]) and 0 < counts[-1] <= PAGES_PER_STREAM
    expected = [p for p in wiki.pages if in_pages_articles(p.namespace)]
    assert sum(counts) == len(expected)
    # The streams concatenated are one well-formed document.
    doc = ET.fromstring(b"".join(s for _, s in streams))
    assert [int(p.find(f"{NS}id").text) for p in doc.findall(f"{NS}page")] == [p.page_id for p in expected]


def test_multistream_index_offsets_start_streams_of_the_listed_pages(committed):
    data = committed["multistream"]
    lines = bz2.decompress(committed["multistream_index"]).decode("utf-8").splitlines()
    by_offset: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for line in lines:
        offset, page_id, title = line.split(":", 2)
        by_offset[int(offset)].append((int(page_id), title))
    stream_offsets = [o for o, _ in _streams(data)]
    assert sorted(by_offset) == stream_offsets[1:-1]
    for offset, listed in by_offset.items():
        dec = bz2.BZ2Decompressor()
        chunk = dec.decompress(data[offset:]).decode("utf-8")
        assert dec.eof and chunk.startswith("  <page>\n") and chunk.endswith("  </page>\n")
        pages = ET.fromstring(f'<pages xmlns="{NS[1:-1]}">{chunk}</pages>').findall(f"{NS}page")
        assert [(int(p.find(f"{NS}id").text), p.find(f"{NS}title").text) for p in pages] == \
            [(pid, html.unescape(title)) for pid, title in listed]
        # Titles are copied from the XML as they stand there, escaped, as Wikimedia's index does.
        for _, title in listed:
            assert f"<title>{title}</title>" in chunk


def test_pages_articles_holds_latest_revisions_of_content_namespaces(committed, wiki):
    doc = ET.fromstring(b"".join(s for _, s in _streams(committed["multistream"])))
    pages = doc.findall(f"{NS}page")
    assert {int(p.find(f"{NS}ns").text) for p in pages} == PAGES_ARTICLES_NAMESPACES
    latest = {p.page_id: p.latest.rev_id for p in wiki.pages}
    for page in pages:
        revs = page.findall(f"{NS}revision")
        assert len(revs) == 1
        assert int(revs[0].find(f"{NS}id").text) == latest[int(page.find(f"{NS}id").text)]


def test_multistream_shape_matches_the_real_wikimedia_file():
    real = REAL / "multistream" / "DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2"
    if not real.exists():
        pytest.skip(f"real data not available at {real}")
    streams = _streams(real.read_bytes())
    assert streams[0][1].endswith(b"  </siteinfo>\n") and b"<page>" not in streams[0][1]
    assert streams[-1][1] == b"</mediawiki>\n"
    assert all(s.startswith(b"  <page>\n") for _, s in streams[1:-1])


# ---------------------------------------------------------------------------------------------
# History and stub dumps

def _revision_fields(rev: ET.Element) -> dict:
    contributor = rev.find(f"{NS}contributor")
    text = rev.find(f"{NS}text")
    comment = rev.find(f"{NS}comment")
    return {
        "id": int(rev.find(f"{NS}id").text),
        "parentid": int(rev.find(f"{NS}parentid").text) if rev.find(f"{NS}parentid") is not None else None,
        "timestamp": rev.find(f"{NS}timestamp").text,
        "contributor": None if contributor.get("deleted") else (
            contributor.findtext(f"{NS}username"), contributor.findtext(f"{NS}id"), contributor.findtext(f"{NS}ip")),
        "minor": rev.find(f"{NS}minor") is not None,
        "comment": None if comment is None or comment.get("deleted") else comment.text,
        "comment_deleted": comment is not None and comment.get("deleted") == "deleted",
        "origin": int(rev.find(f"{NS}origin").text),
        "model": rev.find(f"{NS}model").text,
        "format": rev.find(f"{NS}format").text,
        "text_attrib": dict(text.attrib),
        "text": text.text,
        "sha1": rev.find(f"{NS}sha1").text,
        "order": [child.tag[len(NS):] for child in rev],
    }


def test_history_dump_carries_exactly_the_model(history_xml, wiki):
    pages = _pages(history_xml)
    assert len(pages) == len(wiki.pages)
    for element, page in zip(pages, wiki.pages):
        assert element.find(f"{NS}title").text == page.full_title
        assert int(element.find(f"{NS}ns").text) == page.namespace
        assert int(element.find(f"{NS}id").text) == page.page_id
        redirect = element.find(f"{NS}redirect")
        assert (redirect.get("title") if redirect is not None else None) == page.redirect
        revisions = element.findall(f"{NS}revision")
        assert len(revisions) == len(page.revisions)
        for rev_el, rev in zip(revisions, page.revisions):
            got = _revision_fields(rev_el)
            assert got["id"] == rev.rev_id and got["parentid"] == rev.parent_id
            assert got["timestamp"] == rev.timestamp and got["minor"] == rev.minor
            assert got["origin"] == rev.origin and (got["model"], got["format"]) == (rev.model, rev.format)
            if rev.contributor_deleted:
                assert got["contributor"] is None
            elif rev.contributor.user:
                assert got["contributor"] == (rev.contributor.user.user_name, str(rev.contributor.user.user_id), None)
            else:
                assert got["contributor"] == (None, None, rev.contributor.ip)
            assert got["comment_deleted"] == rev.comment_deleted
            if not rev.comment_deleted:
                assert (got["comment"] or "") == rev.comment
            assert got["text_attrib"]["bytes"] == str(rev.bytes)
            assert got["text_attrib"]["sha1"] == rev.sha1
            if rev.text_deleted:
                assert got["text_attrib"]["deleted"] == "deleted" and got["text"] is None and got["sha1"] is None
            else:
                assert (got["text"] or "") == rev.text and got["sha1"] == rev.sha1
                assert len(rev.text.encode("utf-8")) == rev.bytes and mediawiki_sha1(rev.text) == rev.sha1
            assert got["order"] == [t for t in REVISION_ORDER if t in got["order"]]


def test_stub_dump_has_the_same_pages_and_revisions_as_the_history(history_xml, stub_xml):
    def ids(xml_text):
        return [(int(p.find(f"{NS}id").text), [int(r.find(f"{NS}id").text) for r in p.findall(f"{NS}revision")])
                for p in _pages(xml_text)]

    assert ids(stub_xml) == ids(history_xml)
    for page_h, page_s in zip(_pages(history_xml), _pages(stub_xml)):
        for rev_h, rev_s in zip(page_h.findall(f"{NS}revision"), page_s.findall(f"{NS}revision")):
            h, s = _revision_fields(rev_h), _revision_fields(rev_s)
            assert s["text"] is None
            assert (s["text_attrib"]["bytes"], s["text_attrib"]["sha1"]) == \
                (h["text_attrib"]["bytes"], h["text_attrib"]["sha1"])
            if "deleted" in s["text_attrib"]:
                assert "location" not in s["text_attrib"] and h["text_attrib"].get("deleted") == "deleted"
            else:
                assert s["text_attrib"]["location"] == f"tt:{s['text_attrib']['id']}"
            for key in ("timestamp", "contributor", "minor", "comment", "origin", "sha1", "parentid"):
                assert s[key] == h[key]


def test_serialisation_follows_the_two_wikimedia_passes(history_xml, stub_xml):
    # Stubs come from XmlDumpWriter, full text from dumpTextPass: empty tags and quote escaping differ.
    assert "<minor/>" in stub_xml and "<minor />" not in stub_xml
    assert "<minor />" in history_xml and "<minor/>" not in history_xml
    assert "      <sha1/>\n" in stub_xml and "      <sha1 />\n" in history_xml
    assert '<title>"Northbound" Sessions</title>' in stub_xml
    assert "<title>&quot;Northbound&quot; Sessions</title>" in history_xml
    assert '<redirect title="Saint Aubin&#039;s Bridge" />' in history_xml
    assert '<redirect title="Marrow &amp; Flint" />' in stub_xml
    assert '<contributor deleted="deleted" />' in history_xml and '<comment deleted="deleted" />' in history_xml
    assert re.search(r'<text bytes="\d+" sha1="[0-9a-z]{31}" deleted="deleted" />', stub_xml)
    assert re.search(r'<text bytes="\d+" sha1="[0-9a-z]{31}" location="tt:\d+" id="\d+" />', stub_xml)
    assert re.search(r'<text bytes="\d+" sha1="[0-9a-z]{31}" xml:space="preserve">', history_xml)
    # Wikitext entities are escaped once more by XML.
    assert "&amp;nbsp;" in history_xml and "&amp;ndash;" in history_xml and "&amp;amp;" in history_xml
    assert '<namespace key="0" case="first-letter" />' in stub_xml


def test_revision_element_order_matches_real_stubs(stub_xml):
    real = REAL / "stub-meta-history" / "mwbzutils__sample-stubs.gz"
    if not real.exists():
        pytest.skip(f"real data not available at {real}")
    real_orders = {tuple(_revision_fields(r)["order"]) for p in _pages(gzip.decompress(real.read_bytes()).decode())
                   for r in p.findall(f"{NS}revision")}
    ours = {tuple(_revision_fields(r)["order"]) for p in _pages(stub_xml) for r in p.findall(f"{NS}revision")}
    for order in real_orders | ours:
        assert list(order) == [t for t in REVISION_ORDER if t in order]
    assert max(real_orders, key=len) in ours


def test_dumpstatus_describes_the_files(committed, names):
    status = json.loads(committed["status"])
    assert status["version"] == "0.8"
    jobs = status["jobs"]
    assert set(jobs) == {"articlesmultistreamdump", "metahistorybz2dump", "xmlstubsdump"}
    assert set(jobs["articlesmultistreamdump"]["files"]) == {names["multistream"], names["multistream_index"]}
    for job in jobs.values():
        assert job["status"] == "done" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", job["updated"])
        for name, info in job["files"].items():
            data = (SAMPLE_DIR / name).read_bytes()
            assert info == {"size": len(data), "url": f"/samplewiki/20260101/{name}",
                            "md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest()}


# ---------------------------------------------------------------------------------------------
# What the wiki contains

def test_namespaces_models_and_redirects(wiki):
    per_ns = Counter(p.namespace for p in wiki.pages)
    for ns in (0, 1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 14, 100, 118, 828):
        assert per_ns[ns] >= 1, ns
    assert 150 <= len(wiki.pages) <= 300
    assert len(_latest_articles(wiki)) >= 110
    assert per_ns[10] >= 15 and per_ns[14] >= 10 and per_ns[1] >= 15 and per_ns[6] >= 5
    assert {(p.model, p.format) for p in wiki.pages if p.namespace == 828} == {("Scribunto", "text/plain")}
    assert (wiki.page("MediaWiki:Common.css").model, wiki.page("MediaWiki:Common.css").format) == ("css", "text/css")
    assert any(p.model == "javascript" for p in wiki.pages if p.namespace == 2)
    templates = {p.title for p in wiki.pages if p.namespace == 10}
    assert {"Infobox settlement", "Infobox person", "Cite journal", "Cite book", "Cite web", "Cite news",
            "Convert", "Citation needed", "Reflist"} <= templates
    redirects = [p for p in wiki.pages if p.redirect]
    assert len(redirects) >= 15
    for page in redirects:
        assert re.match(r"#redirect ?\[\[", page.latest.text, re.I)
        assert page.latest.text.split("]]")[0].split("[[")[1].lstrip(":").split("#")[0] == page.redirect


def test_revision_ids_follow_time_and_null_revisions_reuse_content(wiki):
    revisions = sorted((r for _, r in wiki.revisions()), key=lambda r: r.rev_id)
    assert all(a.timestamp <= b.timestamp for a, b in zip(revisions, revisions[1:]))
    assert any(b.rev_id - a.rev_id > 1 for a, b in zip(revisions, revisions[1:])), "no deleted-revision gaps"
    created = sorted(wiki.pages, key=lambda p: p.page_id)
    assert all(a.created <= b.created for a, b in zip(created, created[1:]))
    nulls = 0
    for page in wiki.pages:
        for prev, rev in zip(page.revisions, page.revisions[1:]):
            assert rev.parent_id == prev.rev_id and rev.timestamp >= prev.timestamp
            if rev.kind == "null":
                nulls += 1
                assert rev.text == prev.text and (rev.origin, rev.text_id) == (prev.origin, prev.text_id)
            else:
                assert rev.origin == rev.rev_id
    assert nulls >= 5
    assert all(r.timestamp[:7] < "2026-01" for r in revisions)


def test_identity_reverts_are_real_and_varied(wiki):
    reverts = []
    for page in wiki.pages:
        found = find_identity_reverts(page.revisions)
        labelled = {r.rev_id: r.reverts_to for r in page.revisions if r.reverts_to}
        assert {x.rev_id: x.restored_rev_id for x in found} == labelled, page.full_title
        by_id = {r.rev_id: r for r in page.revisions}
        for x in found:
            assert by_id[x.rev_id].sha1 == by_id[x.restored_rev_id].sha1
        reverts += found
    assert len(reverts) >= 60
    assert sum(len(x.reverted_rev_ids) >= 2 for x in reverts) >= 5, "wide reverts"
    reverted = {rid for x in reverts for rid in x.reverted_rev_ids}
    assert sum(x.rev_id in reverted for x in reverts) >= 2, "reverts that are themselves reverted"


def test_no_op_minor_and_summaries(wiki):
    revisions = [r for _, r in wiki.revisions()]
    pairs = [(a, b) for p in wiki.pages for a, b in zip(p.revisions, p.revisions[1:])]
    assert sum(b.text == a.text for a, b in pairs) >= 5
    assert sum(r.minor for r in revisions) >= 100
    assert sum(r.comment.startswith("/* ") for r in revisions) >= 20
    assert sum(r.comment == "" and not r.comment_deleted for r in revisions) >= 20


def test_revision_deletion_is_present_and_never_hits_a_current_revision(wiki):
    revisions = [r for _, r in wiki.revisions()]
    assert sum(r.contributor_deleted for r in revisions) >= 3
    assert sum(r.comment_deleted for r in revisions) >= 3
    assert sum(r.text_deleted for r in revisions) >= 3
    assert not any(p.latest.text_deleted for p in wiki.pages)


def test_editors_ip_temporary_bots_and_newcomers(wiki):
    revisions = [r for _, r in wiki.revisions()]
    ips = {r.contributor.ip for r in revisions if r.contributor.ip}
    assert len([ip for ip in ips if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", ip)]) >= 3
    assert len([ip for ip in ips if ":" in ip]) >= 2
    cutoff = TEMP_ACCOUNTS_FROM.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(r.timestamp < cutoff for r in revisions if r.contributor.ip)
    temp = [r for r in revisions if r.contributor.user and r.contributor.user.is_temporary]
    assert len({r.contributor.name for r in temp}) >= 3 and all(r.timestamp >= cutoff for r in temp)
    assert all(re.fullmatch(r"~\d{4}-\d{5}-\d{2}", r.contributor.name) for r in temp)
    editors_by_name = Counter(r.contributor.name for r in revisions if r.contributor.user)
    bots = [u for u in wiki.users if u.is_bot]
    assert len([u for u in bots if u.user_name.lower().endswith("bot") and editors_by_name[u.user_name]]) >= 2
    assert [u for u in bots if "bot" not in u.user_name.lower() and editors_by_name[u.user_name] >= 5]
    assert any("sysop" in u.groups for u in wiki.users)
    # Accounts register before their first edit; ids follow registration.
    first = {}
    for r in revisions:
        if r.contributor.user:
            name = r.contributor.name
            first[name] = min(first.get(name, r.timestamp), r.timestamp)
    for user in wiki.users:
        assert user.user_name not in first or user.registration <= first[user.user_name]
    assert [u.registration for u in wiki.users] == sorted(u.registration for u in wiki.users)
    newcomers = {first[u.user_name][:7] for u in wiki.users
                 if u.registration >= "2024-04" and not u.is_temporary and u.user_name in first}
    assert len(newcomers) >= 6
    assert len({r.timestamp[:7] for r in revisions}) >= 18


def test_history_lengths(wiki):
    lengths = [len(p.revisions) for p in _latest_articles(wiki)]
    assert min(lengths) >= 1 and max(lengths) >= 40
    assert 3 <= statistics.median(lengths) <= 20
    assert sum(3 <= n <= 20 for n in lengths) >= len(lengths) * 0.6


ISBN = re.compile(r"(?:isbn\s*=\s*|ISBN )([0-9][0-9 -]{8,16}[0-9Xx])")


def test_isbns_have_valid_check_digits_in_both_forms(wiki):
    found = [m.group(1) for p in _latest_articles(wiki) for m in ISBN.finditer(p.latest.text)]
    assert len(found) >= 30
    assert all(isbn_is_valid(isbn) for isbn in found), [i for i in found if not isbn_is_valid(i)]
    digits = [i.replace("-", "") for i in found]
    assert any(len(d) == 10 for d in digits) and any(len(d) == 13 for d in digits)
    assert any(d.endswith("X") for d in digits)
    assert any("-" in i for i in found) and any("-" not in i for i in found)
    assert sum("ISBN 978-" in p.latest.text for p in _latest_articles(wiki)) >= 3


# Wikitext features: each must occur in at least `n` current articles.
FEATURES = {
    "bold title in lead": (r"'''[^'\n]+'''", 100),
    "infobox with nested template": (r"\{\{Infobox[^\n]*\n(?:\|[^\n]*\n)*?\|[^\n]*\{\{Convert\|", 20),
    "level 2 heading": (r"\n== [^=\n]+ ==\n", 100),
    "level 3 heading": (r"\n=== [^=\n]+ ===\n", 40),
    "level 4 heading": (r"\n==== [^=\n]+ ====\n", 20),
    "labelled wikilink": (r"\[\[[^\]|:]+\|[^\]]+\]\]", 40),
    "link to a section": (r"\[\[[^\]|#]+#[^\]|]+(\||\]\])", 10),
    "lower-case link": (r"\[\[[a-z][a-z]+ [A-Z][^\]|:]*\]\]", 5),
    "underscore link": (r"\[\[[^\]|:]+_[^\]|:]+\|", 5),
    "redlink": (r"\[\[(Harrow|Cobb|Penhale|Marrowgate) Hill\]\]", 5),
    "category with sort key": (r"\[\[Category:[^\]|]+\|[^\]]+\]\]", 40),
    "thumbnail with linked caption": (r"\[\[(File|Image):[^\]|]+\|thumb[^\n]*\[\[[^\]]+\]\][^\n]*\]\]", 5),
    "Image: alias": (r"\[\[Image:", 3),
    "cite journal with doi": (r"\{\{[Cc]ite journal[^}]*doi=10\.5555/", 60),
    "cite journal with pmid": (r"\{\{[Cc]ite journal[^}]*pmid=\d+", 10),
    "cite journal with pmc": (r"\{\{[Cc]ite journal[^}]*pmc=\d+", 3),
    "cite book with isbn": (r"\{\{[Cc]ite book[^}]*isbn=", 40),
    "cite web archived": (r"\{\{[Cc]ite web[^}]*access-date=[^}]*archive-url=https://web\.archive\.org/", 20),
    "cite news": (r"\{\{[Cc]ite news", 60),
    "named ref reused": (r'<ref name="[^"]+" />', 60),
    "ref group": (r'<ref group="note">', 3),
    "bare DOI URL ref": (r"<ref>https://doi\.org/10\.1000/[^<]+</ref>", 3),
    "reference list": (r"\{\{Reflist|<references />", 100),
    "references tag": (r"<references />", 3),
    "wikitable": (r'\{\| class="wikitable', 60),
    "table in a list item": (r"\n\*[^\n]*\n:\{\| class=\"wikitable\"", 3),
    "bulleted list": (r"\n\* ", 60),
    "numbered list": (r"\n# ", 10),
    "labelled external link": (r"\[https?://[^ \]]+ [^\]]+\]", 20),
    "bare URL": (r"(?<![\[=/])https://[a-z.]+\.example/[^\s<|\]]*", 3),
    "interlanguage link": (r"\n\[\[(fr|de|es):[^\]]+\]\]", 20),
    "wiktionary link": (r"\[\[wikt:", 5),
    "commons link": (r"\[\[commons:Category:", 5),
    "HTML comment": (r"<!--.*?-->", 5),
    "nowiki": (r"<nowiki>", 3),
    "math": (r"<math>", 10),
    "syntaxhighlight": (r"<syntaxhighlight lang=", 3),
    "&nbsp;": (r"&nbsp;", 40),
    "&amp;": (r"&amp;", 3),
    "&ndash;": (r"&ndash;", 20),
    "Arabic": ("[\u0600-\u06ff]", 3),
    "Hebrew": ("[\u0590-\u05ff]", 3),
    "Greek": ("[\u0370-\u03ff]", 3),
    "Cyrillic": ("[\u0400-\u04ff]", 5),
    "CJK": ("[\u3040-\u30ff\u4e00-\u9fff]", 3),
    "__NOTOC__": (r"__NOTOC__", 3),
    "DEFAULTSORT": (r"\{\{DEFAULTSORT:", 10),
    "citation needed": (r"\{\{Citation needed\|date=", 20),
    "short description": (r"\{\{Short description\|", 40),
}


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_wikitext_feature_is_in_several_articles(wiki, feature):
    pattern, minimum = FEATURES[feature]
    regex = re.compile(pattern, re.S)
    hits = [p.title for p in _latest_articles(wiki) if regex.search(p.latest.text)]
    assert len(hits) >= minimum, f"{feature}: {len(hits)} articles"


def test_histories_replay_edits_rather_than_retyping(wiki):
    # Copyedits fix misspellings, bots rename |accessdate=, archive links arrive later: the earliest
    # revision of an article is shorter and differs from the latest in these specific ways.
    articles = _latest_articles(wiki)
    assert sum("accessdate=" in p.revisions[0].text and "accessdate=" not in p.latest.text for p in articles) >= 10
    assert sum(any(r.kind == "copyedit" for r in p.revisions) for p in articles) >= 40
    assert sum(p.revisions[0].bytes < p.latest.bytes for p in articles) >= 90


# ---------------------------------------------------------------------------------------------
# Wikidata entity dump and pageview files

def _entities() -> list[dict]:
    text = gzip.decompress((SAMPLE_DIR / "wikidata-20260101-all.json.gz").read_bytes()).decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-2:] == ["]", ""]
    assert all(line.endswith(",") for line in lines[1:-3]) and not lines[-3].endswith(",")
    return [json.loads(line.rstrip(",")) for line in lines[1:-2]]


def _values(entity: dict, prop: str, rank: str | None = None) -> list:
    return [c["mainsnak"]["datavalue"]["value"] for c in entity["claims"].get(prop, [])
            if rank is None or c["rank"] == rank]


def test_new_committed_files_equal_a_fresh_generation(tmp_path, wiki):
    fresh = [write_wikidata_dump(wiki, tmp_path), *write_pageview_dumps(wiki, tmp_path)]
    names = sorted(str(path.relative_to(tmp_path)) for path in fresh)
    committed = sorted(str(path.relative_to(SAMPLE_DIR)) for path in
                       [*SAMPLE_DIR.glob("wikidata-*.json.gz"), *(SAMPLE_DIR / "pageviews").iterdir()])
    assert names == committed
    for name in names:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), f"{name} is stale: run `make samplewiki`"


def test_wikidata_items_carry_the_articles_facts(wiki):
    entities = {e["id"]: e for e in _entities()}
    articles = _latest_articles(wiki)
    with_item = [p for p in articles if p.wikidata_id]
    assert {p.wikidata_id for p in with_item} | {"P31"} == set(entities)
    assert [p.title for p in articles if not p.wikidata_id]  # some articles have no item
    country = next(p.wikidata_id for p in with_item if p.facts["kind"] == "country")
    humans = orientations = towns_without_country = 0
    for page in with_item:
        entity = entities[page.wikidata_id]
        assert entity["sitelinks"] == {"samplewiki": {"site": "samplewiki", "title": page.full_title, "badges": []}}
        facts = page.facts
        if facts["instance_of"] == "human":
            humans += 1
            assert [v["id"] for v in _values(entity, "P31")] == ["Q5"]
            assert [v["id"] for v in _values(entity, "P21")] == [{"female": "Q6581072", "male": "Q6581097"}[facts["gender"]]]
            orientations += bool(_values(entity, "P91"))
        if facts.get("birth_date"):
            assert _values(entity, "P569")[0]["time"] == f"+{facts['birth_date']}T00:00:00Z"
            assert _values(entity, "P569")[0]["precision"] == 11
        if facts.get("coordinates"):
            value = _values(entity, "P625")[0]
            assert (value["latitude"], value["longitude"], value["globe"]) == (
                *facts["coordinates"], "http://www.wikidata.org/entity/Q2")
        if facts["kind"] == "town" and not _values(entity, "P17"):
            towns_without_country += 1
        if facts["kind"] == "album":
            assert _values(entity, "P577")[0]["time"] == f"+{facts['publication_date']}T00:00:00Z"
            assert [v["id"] for v in _values(entity, "P495")] == [country]
    assert humans == 23 and orientations == 4 and towns_without_country == 7
    volkova = entities[wiki.page("Irina Volkova").wikidata_id]
    assert [(v["id"]) for v in _values(volkova, "P27", "preferred")] == [country]
    assert [(v["id"]) for v in _values(volkova, "P27", "deprecated")] == ["Q159"]


def _pageview_lines(path: Path) -> list[list[str]]:
    data = bz2.decompress(path.read_bytes()) if path.suffix == ".bz2" else gzip.decompress(path.read_bytes())
    return [line.split(" ") for line in data.decode("utf-8").splitlines()]


def test_pageview_files_follow_the_dump_formats(wiki):
    folder = SAMPLE_DIR / "pageviews"
    pages = {p.title.replace(" ", "_"): p for p in wiki.pages if p.namespace == 0}
    months = defaultdict(set)
    for path in sorted(folder.iterdir()):
        day = re.search(r"pageviews-(\d{8})-", path.name).group(1)
        lines = _pageview_lines(path)
        assert lines
        if path.name.endswith("-user.bz2"):
            months[day[:6]].add("complete")
            for code, title, page_id, access, total, hours in lines:
                assert code in ("sample.wikipedia", "en.wikipedia") and access in ("desktop", "mobile-web", "mobile-app")
                counts = [int(n) for n in re.findall(r"[A-X](\d+)", hours)]
                assert sum(counts) == int(total) > 0 and re.fullmatch(r"([A-X]\d+)+", hours)
                if code == "sample.wikipedia":
                    page = pages[title]
                    assert page.created[:10].replace("-", "") <= day
                    assert page_id == ("null" if access == "mobile-app" else str(page.page_id))
        else:
            months[day[:6]].add("hourly")
            for code, title, views, size in lines:
                assert code in ("sample", "sample.m", "en") and int(views) > 0 and size == "0"
                assert title.strip('"').replace('\\"', '"') in pages or code == "en"
    assert len(months) == 4 and all(len(kinds) == 1 for kinds in months.values())


# ---------------------------------------------------------------------------------------------
# The Enterprise HTML dump: checked against the XML dump and the wikitext, read here with the standard
# library only (the project's own HTML reader is what this file is the test input of).

@pytest.fixture(scope="module")
def enterprise(wiki):
    """(tar member names, records) of the committed Enterprise dump."""
    with tarfile.open(SAMPLE_DIR / enterprise_file_name(wiki), mode="r:gz") as tar:
        members = tar.getmembers()
        records = [json.loads(line) for member in members for line in tar.extractfile(member)]
    return members, records


@pytest.fixture(scope="module")
def xml_articles(committed):
    """Namespace-0 pages of the committed pages-articles dump: title -> (page id, rev id, text, redirect)."""
    doc = ET.fromstring(b"".join(s for _, s in _streams(committed["multistream"])))
    out = {}
    for page in doc.findall(f"{NS}page"):
        if page.find(f"{NS}ns").text != "0":
            continue
        rev = page.find(f"{NS}revision")
        redirect = page.find(f"{NS}redirect")
        out[page.find(f"{NS}title").text] = (int(page.find(f"{NS}id").text), int(rev.find(f"{NS}id").text),
                                             rev.find(f"{NS}text").text or "",
                                             redirect.get("title") if redirect is not None else None)
    return out


class _Tags(HTMLParser):
    """Start tags of an HTML document as (tag, attributes) in document order."""

    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _title_of(target: str) -> str:
    target = " ".join(unquote(target).replace("_", " ").split())
    return target[:1].upper() + target[1:]


def _without(wikitext: str, pattern: str) -> str:
    return re.sub(pattern, "", wikitext, flags=re.S)


def _outside_templates(wikitext: str) -> str:
    """The wikitext with comments, nowiki/syntaxhighlight/math bodies and every {{...}} call removed."""
    text = _without(wikitext, r"<!--.*?-->|<nowiki>.*?</nowiki>|<syntaxhighlight.*?</syntaxhighlight>|<math>.*?</math>")
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\{\{(?:(?!\{\{|\}\}).)*\}\}", "", text, flags=re.S)
    return text


def test_enterprise_dump_is_a_tar_gz_of_ndjson_with_one_record_per_article(wiki, enterprise, xml_articles):
    members, records = enterprise
    assert [m.name for m in members] == ["samplewiki_namespace_0_0.ndjson"]
    assert all(m.isfile() and m.mtime == 0 and m.uid == 0 and m.gid == 0 for m in members)
    articles = {t: v for t, v in xml_articles.items() if v[3] is None}
    assert sorted(r["name"] for r in records) == sorted(articles)
    redirects = defaultdict(list)
    for title, (_, _, _, target) in xml_articles.items():
        if target is not None:
            redirects[target].append(title)
    for record in records:
        page_id, rev_id, text, _ = articles[record["name"]]
        assert record["identifier"] == page_id
        assert record["version"]["identifier"] == rev_id
        assert record["article_body"]["wikitext"] == text
        assert record["article_body"]["html"].startswith("<!DOCTYPE html>")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["date_modified"])
        assert record["namespace"]["identifier"] == 0 and record["is_part_of"]["identifier"] == "samplewiki"
        assert sorted(r["name"] for r in record["redirects"]) == sorted(redirects[record["name"]])
        assert record.get("main_entity", {}).get("identifier") == wiki.page(record["name"]).wikidata_id
    # Redirects to articles exist and are listed: 14 of the model's are in namespace 0 and point to one.
    assert sum(len(r["redirects"]) for r in records) == sum(len(v) for k, v in redirects.items() if k in articles) > 10


def test_enterprise_html_has_every_wikilink_of_the_wikitext(enterprise):
    _, records = enterprise
    skipped_prefixes = {"category", "file", "image", "commons", "wikt"}
    total = 0
    for record in records:
        wikitext = _outside_templates(record["article_body"]["wikitext"])
        wanted = Counter()
        for target in re.findall(r"\[\[([^\[\]|]*)(?:\|[^\[\]]*)?\]\]", wikitext):
            prefix = target.split(":", 1)[0].lower() if ":" in target else ""
            if prefix in skipped_prefixes or re.fullmatch(r"[a-z]{2,3}", prefix):
                continue  # categories, files, interwiki and interlanguage links are no mw:WikiLink
            wanted[_title_of(target.partition("#")[0])] += 1
        found = Counter(_title_of(attrs["href"][2:].partition("#")[0])
                        for tag, attrs in _Tags(record["article_body"]["html"]).tags
                        if tag == "a" and "mw:WikiLink" in attrs.get("rel", "").split())
        assert not wanted - found, record["name"]
        total += sum(wanted.values())
    assert total > 1000


def test_enterprise_html_has_a_marker_per_ref_and_a_note_per_marker(enterprise):
    _, records = enterprise
    total = 0
    for record in records:
        wikitext = _without(record["article_body"]["wikitext"], r"<!--.*?-->|<nowiki>.*?</nowiki>")
        refs = re.findall(r"<ref(?:\s[^>]*)?>", wikitext)
        tags = _Tags(record["article_body"]["html"]).tags
        markers = [attrs for tag, attrs in tags if tag == "sup" and "mw:Extension/ref" in attrs.get("typeof", "")]
        assert len(markers) == len(refs), record["name"]
        targets = [attrs["href"].partition("#")[2] for tag, attrs in tags
                   if tag == "a" and "#cite_note-" in attrs.get("href", "")]
        notes = {attrs["id"] for tag, attrs in tags if tag == "li" and attrs.get("id", "").startswith("cite_note-")}
        assert len(targets) == len(refs) and set(targets) == notes, record["name"]
        # A reuse (<ref name=X />) points to the note of its name, so there is one note per distinct ref.
        reuses = [r for r in refs if r.rstrip(">").rstrip().endswith("/")]
        assert len(notes) == len(refs) - len(reuses), record["name"]
        total += len(refs)
    assert total > 400


def test_enterprise_html_sections_follow_the_headings(enterprise):
    _, records = enterprise
    for record in records:
        wikitext = _outside_templates(record["article_body"]["wikitext"])
        headings = [len(m.group(1)) for m in re.finditer(r"^(={2,6})[^=\n].*?\1\s*$", wikitext, re.M)]
        tags = _Tags(record["article_body"]["html"]).tags
        ids = [int(attrs["data-mw-section-id"]) for tag, attrs in tags if tag == "section"]
        assert ids == list(range(len(headings) + 1)), record["name"]
        levels = [int(tag[1]) for tag, _ in tags if re.fullmatch(r"h[2-6]", tag)]
        assert levels == headings, record["name"]


def test_enterprise_categories_are_the_articles_categories(wiki, enterprise):
    _, records = enterprise
    for record in records:
        ledger = wiki.page(record["name"]).ledger
        links = [_title_of(attrs["href"][2:].partition("#")[0]) for tag, attrs in
                 _Tags(record["article_body"]["html"]).tags if tag == "link" and attrs.get("rel") == "mw:PageProp/Category"]
        expected = [f"Category:{c}" for c in ledger.categories] if ledger else []
        assert links == expected, record["name"]
        assert [c["name"] for c in record["categories"]] == expected


def test_committed_enterprise_dump_equals_a_fresh_generation(tmp_path, wiki):
    fresh = write_enterprise_dump(wiki, tmp_path).read_bytes()
    assert fresh[4:8] == b"\0\0\0\0"  # gzip header mtime 0: no clock in the bytes
    assert fresh == (SAMPLE_DIR / enterprise_file_name(wiki)).read_bytes(), \
        "the Enterprise dump is stale: run `python sample_dumps/generate.py`"
