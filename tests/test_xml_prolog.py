"""The XML prolog, as a user meets it: DTDs and entity declarations are refused wherever they stand before
<mediawiki>, entities are never expanded, the prologs real exports have still read, and an input whose
compressed data breaks before the root is called truncated or corrupt. Refusals are checked as the user
sees them: one line, exit code 2 (README: unusable input), no output folder."""
from __future__ import annotations

import bz2
import codecs
import gzip
import io
import xml.parsers.expat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runners.cli import main as cli
from tests.xmlkit import dump, page, revision
from transforms.common.files import iter_decompressed
from transforms.common.problems import Problem
from transforms.xml.feeder import PROLOG_LIMIT, scan_prolog
from transforms.xml.reader import DumpReader
from transforms.xml.records import MalformedDumpError

REFUSAL = "before <mediawiki>; refusing to expand DTDs and XML entities (MediaWiki dumps have none)"
DOCUMENT = dump(page(1, "A", revision(1, text="before &amp; &y; after")))
INJECTION = '<!DOCTYPE mediawiki [<!ENTITY y "INJECTED">]>'


def run(tmp_path, capsys, name: str, data: bytes, job: str = "history"):
    """Writes `data` as an input named `name` and runs `job` on it as a user does."""
    path = tmp_path / name
    path.write_bytes(data)
    code = cli.main(["run", job, "--workers", "1", "--input", str(path), "--output", str(tmp_path / "out")])
    captured = capsys.readouterr()
    return path, code, captured.out, captured.err


def assert_refused(tmp_path, capsys, data: bytes, reason: str, job: str = "history",
                   name: str = "testwiki-20260101-pages-articles.xml"):
    path, code, _, err = run(tmp_path, capsys, name, data, job)
    assert (code, err) == (2, f"wikidumps: error: {path}: {reason}\n")
    assert not (tmp_path / "out").exists()


def read(data: bytes | list[bytes], **reader_args):
    """(texts of the revisions read, problems) of a document read by DumpReader."""
    texts = []

    def process(page):
        texts.extend(revision.text for revision in page.revisions)
        return iter(())

    reader = DumpReader([data] if isinstance(data, bytes) else data, process, **reader_args)
    problems = [item for item in reader if isinstance(item, Problem)]
    return texts, problems


# ---------------------------------------------------------------------------------------------------
# The bypasses of the issue: a DTD hidden behind something that looked like the root start tag


def utf16_hiding_the_root_in_a_comment() -> bytes:
    """UTF-16LE without a byte order mark, whose comment holds CJK characters that, as raw bytes, spell
    `<mediawiki>`: a byte-level search finds the root inside the comment, and no `<!DOCTYPE` before it."""
    spelled = (b"<mediawiki>" + b"\x00").decode("utf-16-le")
    return f"<!-- {spelled} -->{INJECTION}".encode("utf-16-le") + DOCUMENT.decode().encode("utf-16-le")


BYPASSES = {
    "comment": (b"<!-- <mediawiki> -->\n" + INJECTION.encode() + b"\n" + DOCUMENT, 21),
    "processing instruction": (b'<?xml version="1.0"?>\n<?note <mediawiki> ?>\n' + INJECTION.encode() + b"\n"
                               + DOCUMENT, 44),
    "whitespace": (b" \r\n\t\n<!--\n<mediawiki\n>\n-->\r\n"
                   b"<!DOCTYPE\tmediawiki\n[\n\t<!ENTITY\ny\r\n'INJECTED'\n>\n]\n>\n" + DOCUMENT, 28),
    "byte order mark": (codecs.BOM_UTF8 + b"<!-- <mediawiki> -->" + INJECTION.encode() + DOCUMENT, 23),
    "UTF-16 with a byte order mark": (codecs.BOM_UTF16_LE + ("<!-- <mediawiki> -->" + INJECTION).encode("utf-16-le")
                                      + DOCUMENT.decode().encode("utf-16-le"), 20),
    "UTF-16 big-endian, no byte order mark": (("<!-- <mediawiki> -->" + INJECTION).encode("utf-16-be")
                                              + DOCUMENT.decode().encode("utf-16-be"), 20),
    "UTF-16 spelling <mediawiki> in its bytes": (utf16_hiding_the_root_in_a_comment(), 25),  # transcoded offset
}


@pytest.mark.parametrize("shape", BYPASSES)
def test_a_dtd_behind_a_decoy_root_is_refused(tmp_path, capsys, shape):
    data, doctype_at = BYPASSES[shape]
    assert_refused(tmp_path, capsys, data, f"declares a DOCTYPE at byte {doctype_at}, {REFUSAL}", job="content")
    with pytest.raises(MalformedDumpError, match="refusing to expand"):
        read(data)


def test_the_issue_bomb_is_refused_before_anything_expands(tmp_path, capsys):
    """The issue's amplification: nested entities make `&y;` 800,000,000 bytes, and 8 MB of padding keep
    expat under its 100x amplification limit; the .bz2 is a few kilobytes. Refused from its first piece."""
    entities = '<!ENTITY e0 "xxxxxxxx">' + "".join(
        f'<!ENTITY e{level} "' + f"&e{level - 1};" * 10 + '">' for level in range(1, 9))
    head = f'<?xml version="1.0"?>\n<!-- <mediawiki> -->\n<!DOCTYPE mediawiki [{entities}<!ENTITY y "&e8;">]>\n'
    text_at = DOCUMENT.index(b"before")
    compressor = bz2.BZ2Compressor()
    parts = [compressor.compress(head.encode() + DOCUMENT[:text_at])]
    parts += [compressor.compress(b" " * (1 << 20)) for _ in range(8)]  # the padding, never held whole
    parts += [compressor.compress(DOCUMENT[text_at:]), compressor.flush()]
    bomb = b"".join(parts)
    assert len(bomb) < 4_000
    assert_refused(tmp_path, capsys, bomb, f"declares a DOCTYPE at byte 43, {REFUSAL}", job="content",
                   name="testwiki-20260101-pages-articles.xml.bz2")
    # The reader stops at the DTD: of the 8 MB it would decompress, it has read one piece.
    reader = DumpReader(iter_decompressed(io.BytesIO(bomb), "bz2"), lambda page: iter(()))
    with pytest.raises(MalformedDumpError, match="refusing to expand"):
        list(reader)
    assert 0 < reader.stats.decompressed_bytes <= 1 << 20


# ---------------------------------------------------------------------------------------------------
# DTDs in every form, and entity declarations by other means


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE mediawiki>',
    '<!DOCTYPE mediawiki SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE mediawiki PUBLIC "-//Example//DTD Dump//EN" "https://example.org/dump.dtd">',
    '<!DOCTYPE mediawiki [<!ENTITY y SYSTEM "file:///etc/hostname">]>',  # an external entity
    '<!DOCTYPE mediawiki [<!ENTITY % p SYSTEM "https://example.org/p.dtd"> %p;]>',  # a parameter entity
    '<!DOCTYPE mediawiki [<!ENTITY y "a>]b]]>c"> <!ATTLIST page x CDATA "]>">]>',  # quoted '>' and ']'
    "<!DOCTYPE mediawiki [<!-- ]> --><?pi ]> ?><!ELEMENT page ANY><![INCLUDE[<!ENTITY y 'I'>]]>]>",  # nested
    '<!DOCTYPE mediawiki [<!ENTITY y "never closed">',  # an internal subset that never ends
])
def test_every_form_of_doctype_is_refused(tmp_path, capsys, doctype):
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + doctype.encode() + b"\n" + DOCUMENT
    assert_refused(tmp_path, capsys, data, f"declares a DOCTYPE at byte 39, {REFUSAL}")


@pytest.mark.parametrize("prolog,reason", [
    ('<!ENTITY y "INJECTED">', "declares <!ENTITY at byte 0, "),
    ('<!-- c --><!ELEMENT mediawiki ANY>', "declares <!ELEMENT at byte 10, "),
    ('<?note <!ENTITY y "INJECTED"> ?>', "a processing instruction declaring a DTD or entities at byte 0, "),
    ('<?note <!DOCTYPE mediawiki [<!ENTITY y "INJECTED">]> ?>',
     "a processing instruction declaring a DTD or entities at byte 0, "),
])
def test_entity_declarations_outside_a_doctype_are_refused(tmp_path, capsys, prolog, reason):
    assert_refused(tmp_path, capsys, prolog.encode() + DOCUMENT, reason + REFUSAL)


def test_a_prolog_longer_than_the_limit_is_refused(tmp_path, capsys):
    comments = b"<!-- padding -->\n" * (PROLOG_LIMIT // 17 + 1)
    assert_refused(tmp_path, capsys, comments + DOCUMENT,
                   f"not a MediaWiki XML dump (starts with {comments[:60].decode()!r})")
    subset = b"<!DOCTYPE mediawiki [" + b'<!ENTITY a "padding">\n' * (PROLOG_LIMIT // 22 + 1) + b"]>"
    assert_refused(tmp_path, capsys, subset + DOCUMENT, f"declares a DOCTYPE at byte 0, {REFUSAL}")


@pytest.mark.parametrize("data", [
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    b'<html><body>404</body></html>',
    b'<!DOCTYPE html [<!ENTITY y "]><mediawiki>">]><html><body>502</body></html>',
])
def test_an_html_page_with_a_doctype_is_still_not_a_dump(tmp_path, capsys, data):
    assert_refused(tmp_path, capsys, data, f"not a MediaWiki XML dump (starts with {data[:60].decode()!r})")


@pytest.mark.parametrize("tag,reason", [
    (b'<mediawiki version="0.11" version="0.10">', "duplicate attribute"),
    (b'<mediawiki version="0.11" a:b="c">', "unbound prefix"),
])
def test_a_root_start_tag_expat_cannot_read_is_refused(tmp_path, capsys, tag, reason):
    """Every restart after a broken page begins with the root start tag: a broken one used to loop forever."""
    data = tag + DOCUMENT[DOCUMENT.index(b"\n"):]
    assert_refused(tmp_path, capsys, data, f"the <mediawiki> start tag at byte 0 is malformed ({reason})")


# ---------------------------------------------------------------------------------------------------
# What is not a DTD reads as before


@pytest.mark.parametrize("prolog", [
    b"",
    b'<?xml version="1.0" encoding="UTF-8"?>\n',
    codecs.BOM_UTF8 + b'<?xml version="1.0"?>\r\n<!-- exported by hand: <mediawiki> <!DOCTYPE x> -->\r\n',
    b'\n\n<?xml-stylesheet type="text/xsl" href="dump.xsl"?>\n<!-- ]> \' " -->\n',
    # Expat is given UTF-8 whatever a declaration says (the feeder has made it so); "café" was read "cafÃ©".
    b'<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"?>\n',
])
def test_prologs_without_a_dtd_are_read(prolog):
    text = "caf\u00e9 &lt;!DOCTYPE html&gt; &amp;&lt;&gt;&quot;&apos;&#65;&#x42;"
    pages = page(1, "A", revision(1, text=text)) + page(2, "B", revision(2, text="&lt;!ENTITY y 'z'&gt;"))
    xml = prolog + dump(pages)
    texts, problems = read([xml[i : i + 7] for i in range(0, len(xml), 7)])
    assert problems == []
    assert texts == ["caf\u00e9 <!DOCTYPE html> &<>\"'AB", "<!ENTITY y 'z'>"]


def test_a_decoy_root_in_a_comment_does_not_become_the_restart_tag():
    """After a broken page the reader restarts with the root start tag: the real one, namespace and all."""
    xml = b"<!-- <mediawiki> -->\n" + dump(page(1, "A", revision(1)).replace("</timestamp>", "</oops>")
                                         + page(2, "B", revision(2, text="kept")))
    texts, problems = read(xml)
    assert texts == ["kept"]
    assert [(p.error_type, p.page_id) for p in problems] == [("xml-syntax", 1)]


def test_markup_declarations_after_the_root_are_never_expanded():
    """After the root start tag a DOCTYPE or ENTITY is a syntax error to expat, and `&y;` an undefined entity."""
    xml = dump(page(1, "A", revision(1)) + f"  {INJECTION}\n" + page(2, "B", revision(2, text="&y;"))
               + '  <!ENTITY z "INJECTED">\n' + page(3, "C", revision(3, text="&z;")) + page(4, "D", revision(4)))
    texts, problems = read(xml)
    assert texts == ["Hello", "Hello"]  # pages 1 and 4
    # The DOCTYPE between pages breaks the XML outside a page; the ENTITY line is skipped with page 2.
    assert [(p.error_type, p.record_kind, p.page_id) for p in problems] == [
        ("xml-syntax", "file", None), ("xml-syntax", "page", 2), ("xml-syntax", "page", 3)]


def test_a_later_split_with_escaped_doctypes_in_its_text_reads_them_as_text():
    """A split read behind the file's header, starting inside a page, as bz2 block splits are read."""
    header = dump("", close=False)
    own = (b"the end of a page</text></revision></page>\n"
           + dump(page(7, "G", revision(7, text="&lt;!DOCTYPE html&gt;&lt;!ENTITY y SYSTEM 'x'&gt;")))[len(header):])
    texts, problems = read(own, prefix=header, skip_to_page=True)
    assert (texts, problems) == (["<!DOCTYPE html><!ENTITY y SYSTEM 'x'>"], [])


def test_syntax_errors_keep_the_file_s_line_numbers():
    """Expat is fed the prolog blanked, not removed: its line numbers still count the file's lines."""
    xml = b'<?xml version="1.0"?>\n<!-- one\ntwo -->\n' + dump(page(1, "A", revision(1).replace("</id>", "</di>", 1)))
    broken_line = xml[: xml.index(b"</di>")].count(b"\n") + 1
    _, problems = read(xml)
    assert len(problems) == 1 and f"line {broken_line}," in problems[0].message


# ---------------------------------------------------------------------------------------------------
# Inputs that break before the root


def test_a_bz2_cut_inside_its_first_block_is_called_truncated(tmp_path, capsys):
    cut = bz2.compress(dump(page(1, "A", revision(1, text="x" * 5000))))[:100]
    assert_refused(tmp_path, capsys, cut, "the compressed data is truncated: it ends before the <mediawiki> start "
                   "tag, so nothing can be read (the file was cut short)",
                   name="testwiki-20260101-pages-articles.xml.bz2")


def test_a_real_dump_cut_to_100_bytes_is_called_truncated(real_data, tmp_path, capsys):
    real = real_data / "pages-articles/mwbzutils__sample-pages-articles.xml.bz2"
    path = tmp_path / "testwiki-20260101-pages-articles.xml.bz2"
    path.write_bytes(real.read_bytes()[:100])
    code = cli.main(["inspect", str(path)])
    _, err = capsys.readouterr()
    assert (code, err) == (2, f"wikidumps: error: {path}: the compressed data is truncated: it ends before the "
                              "<mediawiki> start tag, so nothing can be read (the file was cut short)\n")


@pytest.mark.parametrize("data,name,reason", [
    (b"BZh91AY&SY" + bytes(range(256)) * 4, "x-20260101-pages-articles.xml.bz2",
     "the compressed data is corrupt before the <mediawiki> start tag, so nothing can be read "
     "(compressed data is damaged: Invalid data stream)"),
    (gzip.compress(b"  <!-- a long comment " + b"x" * 5000)[:60], "x-20260101-pages-articles.xml.gz",
     "the compressed data is truncated: it ends before the <mediawiki> start tag, so nothing can be read "
     "(the file was cut short)"),
    (b"", "x-20260101-pages-articles.xml", "not a MediaWiki XML dump (it is empty)"),
    (bz2.compress(b""), "x-20260101-pages-articles.xml.bz2", "not a MediaWiki XML dump (it is empty)"),
])
def test_inputs_broken_before_the_root_say_how(tmp_path, capsys, data, name, reason):
    assert_refused(tmp_path, capsys, data, reason, name=name)


def test_a_cut_gzip_that_already_shows_html_is_not_a_dump(tmp_path, capsys):
    path, code, _, err = run(tmp_path, capsys, "x-20260101-pages-articles.xml.gz",
                             gzip.compress(b"<html><body>" + b"x" * 5000)[:60])
    assert code == 2
    assert err.startswith(f"wikidumps: error: {path}: not a MediaWiki XML dump (starts with '<html><body>")
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------------
# The prolog parser against expat itself


def expat_view(document: bytes) -> tuple[bool, int | None]:
    """(whether expat met a DOCTYPE or an entity declaration, the byte index of the first start tag)."""
    parser = xml.parsers.expat.ParserCreate()
    seen = {"dtd": False, "root": None}

    class Stop(Exception):
        pass

    def declaration(*_):
        seen["dtd"] = True

    def start(*_):
        seen["root"] = parser.CurrentByteIndex
        raise Stop

    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    parser.StartElementHandler = start
    try:
        parser.Parse(document, True)
    except (Stop, xml.parsers.expat.ExpatError):
        pass
    return seen["dtd"], seen["root"]


MISC = [" ", "\n", "\r\n\t", "<!---->", "<!-- <mediawiki> -->", "<!-- ]>'\" -->", "<?pi?>", "<?pi <mediawiki> ?>",
        "<?pi ]>'\"?>", '<?xml version="1.0"?>']
DOCTYPES = ["<!DOCTYPE mediawiki>", INJECTION, '<!DOCTYPE m SYSTEM "a]>b">', "<!DOCTYPE m [<!-- ]> -->]>",
            '<!DOCTYPE m [<!ENTITY y "<mediawiki>">]>', "<!DOCTYPE m [<?pi ]> ?><!ENTITY y 'I'>]>",
            '<!DOCTYPE m PUBLIC "p" "s" [<!ENTITY % p "x">]>']
ROOTS = ['<mediawiki version="0.11">', '<mediawiki\n version="0.11"\ta=">">', "<mediawiki>"]


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(MISC + DOCTYPES), max_size=6), st.sampled_from(ROOTS))
def test_the_prolog_parser_agrees_with_expat_and_nothing_expands(bom, parts, root):
    """Whenever expat itself meets a DTD, the prolog parser refuses; where both find the root, they find
    it at the same byte; and a document read whole never has its undefined `&y;` expanded."""
    prolog = (codecs.BOM_UTF8 if bom else b"") + "".join(parts).encode()
    declares, root_at = expat_view(prolog + root.encode() + b"&y;</mediawiki>")
    try:
        found = scan_prolog(prolog + root.encode() + b"&y;</mediawiki>", final=True)
    except MalformedDumpError:
        found = None
    assert not (declares and found)
    if found and root_at is not None:
        assert found[0] == root_at
    try:
        texts, problems = read(prolog + dump(page(1, "A", revision(1, text="&y;")) + page(2, "B", revision(2))))
    except MalformedDumpError:
        assert not found
        return
    assert texts == ["Hello"] and [(p.error_type, p.page_id) for p in problems] == [("xml-syntax", 1)]
