"""Benchmark inputs built from the real dumps in ../shared/data/real (never copied into the project).

Real pages are replicated with fresh page and revision ids until the file is large enough for start-up
costs not to dominate; the text, titles and metadata stay real.
"""
from __future__ import annotations

import bz2
import re
import tempfile
from pathlib import Path

import py7zr

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
AAWIKI_HISTORY = REAL / "pages-meta-history" / "dkpro-jwpl__aawiki-20260101-pages-meta-history.xml.7z"
ENWIKI_ARTICLES = REAL / "pages-articles" / "gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

PAGE_ID = re.compile(rb"(<page>\s*<title>)(.*?)(</title>\s*<ns>\d+</ns>\s*<id>)(\d+)(</id>)", re.S)
REVISION_ID = re.compile(rb"(<revision>\s*<id>)(\d+)(</id>)")
PARENT_ID = re.compile(rb"(<parentid>)(\d+)(</parentid>)")


def require_real_data() -> None:
    if not REAL.is_dir():
        raise SystemExit(f"the benchmarks need the real dumps at {REAL}")


def aawiki_history_xml() -> bytes:
    require_real_data()
    with tempfile.TemporaryDirectory() as folder:
        with py7zr.SevenZipFile(AAWIKI_HISTORY) as archive:
            archive.extractall(folder)
        (xml_file,) = Path(folder).glob("*.xml")
        return xml_file.read_bytes()


def enwiki_articles_xml() -> bytes:
    """206 real English Wikipedia pages of May 2016 (106 articles, 100 redirects), pages-articles XML."""
    require_real_data()
    return bz2.decompress(ENWIKI_ARTICLES.read_bytes())


def replicate(xml: bytes, target_bytes: int, out: Path, wiki: str = "benchwiki") -> Path:
    """Writes copies of every page of `xml` with fresh ids (and the copy number after the title)."""
    head_end = xml.index(b"<page>")
    head = re.sub(rb"<dbname>[^<]*</dbname>", f"<dbname>{wiki}</dbname>".encode(), xml[:head_end])
    body = xml[head_end : xml.rindex(b"</mediawiki>")]
    page_step = max(int(m.group(4)) for m in PAGE_ID.finditer(body)) + 1
    revision_step = max(int(m.group(2)) for m in REVISION_ID.finditer(body)) + 1
    written = 0
    copy = 0
    with open(out, "wb") as handle:
        handle.write(head)
        while written < target_bytes:
            page_shift, revision_shift = copy * page_step, copy * revision_step
            suffix = f" ({copy})".encode() if copy else b""
            chunk = PAGE_ID.sub(lambda m: m.group(1) + m.group(2) + suffix + m.group(3)
                                + str(int(m.group(4)) + page_shift).encode() + m.group(5), body)
            chunk = REVISION_ID.sub(lambda m: m.group(1) + str(int(m.group(2)) + revision_shift).encode() + m.group(3), chunk)
            chunk = PARENT_ID.sub(lambda m: m.group(1) + str(int(m.group(2)) + revision_shift).encode() + m.group(3), chunk)
            handle.write(chunk)
            written += len(chunk)
            copy += 1
        handle.write(b"</mediawiki>\n")
    return out


def compress_bz2(path: Path) -> Path:
    target = path.with_name(path.name + ".bz2")
    compressor = bz2.BZ2Compressor(9)
    with open(path, "rb") as source, open(target, "wb") as sink:
        while block := source.read(1 << 20):
            sink.write(compressor.compress(block))
        sink.write(compressor.flush())
    return target


INDEX_ENTRY = re.compile(rb"<page>\s*<title>(.*?)</title>\s*<ns>\d+</ns>\s*<id>(\d+)</id>", re.S)


def write_multistream(xml_path: Path, out: Path, pages_per_stream: int = 100) -> tuple[Path, Path]:
    """Re-packs an XML dump the way Wikimedia publishes pages-articles-multistream: the header in stream 0,
    then `pages_per_stream` pages per bz2 stream, then `</mediawiki>`; and the index, `offset:id:title`.

    Returns the dump path (`out`) and its index path (named as Wikimedia names it, beside it).
    """
    xml = xml_path.read_bytes()
    starts = [match.start() for match in re.finditer(rb"<page>", xml)]
    end = xml.rindex(b"</mediawiki>")
    index_path = out.with_name(out.name.replace("multistream.xml.bz2", "multistream-index.txt.bz2"))
    index_lines = []
    with open(out, "wb") as dump:
        dump.write(bz2.compress(xml[: starts[0]], 9))
        for first in range(0, len(starts), pages_per_stream):
            stream_start = starts[first]
            stream_end = starts[first + pages_per_stream] if first + pages_per_stream < len(starts) else end
            offset = dump.tell()
            chunk = xml[stream_start:stream_end]
            for match in INDEX_ENTRY.finditer(chunk):
                index_lines.append(b"%d:%s:%s" % (offset, match.group(2), match.group(1)))
            dump.write(bz2.compress(chunk, 9))
        dump.write(bz2.compress(xml[end:], 9))
    index_path.write_bytes(bz2.compress(b"\n".join(index_lines) + b"\n", 9))
    return out, index_path
