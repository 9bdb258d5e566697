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


def compress_multistream(path: Path, pages_per_stream: int = 100) -> tuple[Path, Path]:
    """Writes `path` as a multistream .bz2 with its index, the way Wikimedia packs them.

    Stream 0 holds the header up to the first page, then each stream `pages_per_stream` pages, and the
    last one `</mediawiki>`; the index has a line `offset:page_id:title` per page.
    """
    xml = path.read_bytes()
    starts = [match.start() for match in re.finditer(rb"<page>", xml)]
    footer = xml.rindex(b"</mediawiki>")
    cuts = [0, *starts[::pages_per_stream], footer, len(xml)]
    target = path.with_name(path.name.replace(".xml", "-multistream.xml") + ".bz2")
    index = path.with_name(path.name.replace(".xml", "-multistream-index.txt") + ".bz2")
    lines = []
    with open(target, "wb") as sink:
        for begin, end in zip(cuts, cuts[1:]):
            chunk = xml[begin:end]
            offset = sink.tell()
            for match in PAGE_ID.finditer(chunk):
                lines.append(b"%d:%s:%s" % (offset, match.group(4), match.group(2)))
            sink.write(bz2.compress(chunk, 9))
    index.write_bytes(bz2.compress(b"\n".join(lines) + b"\n", 9))
    return target, index
