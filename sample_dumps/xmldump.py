"""Writes samplewiki as Wikimedia XML dumps (export schema 0.11), byte for byte in their layout.

Wikimedia makes these files in two passes, and the passes serialise differently; we mirror both:
- stub dumps come straight from MediaWiki's XmlDumpWriter: element text escapes & < > only,
  `<minor/>` and `<sha1/>` are written without a space, `<text .../>` carries location and id;
- full-text dumps (pages-articles, pages-meta-history) are the stubs re-serialised by
  dumpTextPass.php: element text also escapes `"` as &quot;, empty elements get a space
  (`<minor />`, `<sha1 />`), and `<text>` gets its content and xml:space="preserve".
Attributes are escaped as MediaWiki's Xml::element does (`'` becomes &#039;).
The multistream file is laid out as Wikimedia's recompressxml does it: one bz2 stream for the
header and siteinfo, one per 20 pages, one for the closing tag, with an index of stream offsets.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
from pathlib import Path

from .model import Page, Revision, SampleWiki, in_pages_articles

PAGES_PER_STREAM = 20
XMLNS = "http://www.mediawiki.org/xml/export-0.11/"
# When the (imaginary) dump run finished each job; fixed so that output never depends on the clock.
JOB_UPDATED = {"xmlstubsdump": "2026-01-01 09:12:41", "metahistorybz2dump": "2026-01-02 04:47:03",
               "articlesmultistreamdump": "2026-01-01 17:30:26"}


def text_escape(value: str, quotes: bool) -> str:
    """Escape element text: & < > always, `"` only in the text pass (PHP ENT_COMPAT vs ENT_NOQUOTES)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace('"', "&quot;") if quotes else value


def attr_escape(value: str) -> str:
    """Escape an attribute value as htmlspecialchars(ENT_QUOTES) does."""
    return text_escape(value, True).replace("'", "&#039;")


def _element(name: str, value: str, quotes: bool) -> str:
    return f"<{name}>{text_escape(value, quotes)}</{name}>"


def header_xml(wiki: SampleWiki) -> str:
    """The `<mediawiki>` start tag and the `<siteinfo>` block."""
    site = wiki.siteinfo
    out = [f'<mediawiki xmlns="{XMLNS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{XMLNS} http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" '
           f'xml:lang="{site.lang}">\n',
           "  <siteinfo>\n",
           f"    {_element('sitename', site.sitename, True)}\n",
           f"    {_element('dbname', site.dbname, True)}\n",
           f"    {_element('base', site.base, True)}\n",
           f"    {_element('generator', site.generator, True)}\n",
           f"    {_element('case', site.case, True)}\n",
           "    <namespaces>\n"]
    for ns in site.namespaces:
        if ns.name:
            out.append(f'      <namespace key="{ns.key}" case="{ns.case}">{text_escape(ns.name, True)}</namespace>\n')
        else:
            out.append(f'      <namespace key="{ns.key}" case="{ns.case}" />\n')
    out.append("    </namespaces>\n  </siteinfo>\n")
    return "".join(out)


FOOTER = "</mediawiki>\n"


def revision_xml(rev: Revision, *, stub: bool) -> str:
    """One `<revision>` element, in stub or full-text form."""
    full = not stub
    empty = "/>" if stub else " />"
    out = ["    <revision>\n", f"      <id>{rev.rev_id}</id>\n"]
    if rev.parent_id:
        out.append(f"      <parentid>{rev.parent_id}</parentid>\n")
    out.append(f"      <timestamp>{rev.timestamp}</timestamp>\n")
    if rev.contributor_deleted:
        out.append('      <contributor deleted="deleted" />\n')
    else:
        out.append("      <contributor>\n")
        if rev.contributor.user:
            out.append(f"        {_element('username', rev.contributor.user.user_name, full)}\n")
            out.append(f"        <id>{rev.contributor.user.user_id}</id>\n")
        else:
            out.append(f"        {_element('ip', str(rev.contributor.ip), full)}\n")
        out.append("      </contributor>\n")
    if rev.minor:
        out.append(f"      <minor{empty}\n")
    if rev.comment_deleted:
        out.append('      <comment deleted="deleted" />\n')
    elif rev.comment:
        out.append(f"      {_element('comment', rev.comment, full)}\n")
    out.append(f"      <origin>{rev.origin}</origin>\n")
    out.append(f"      {_element('model', rev.model, full)}\n")
    out.append(f"      {_element('format', rev.format, full)}\n")
    attrs = f'bytes="{rev.bytes}" sha1="{rev.sha1}"'
    if rev.text_deleted:
        out.append(f'      <text {attrs} deleted="deleted" />\n')
    elif stub:
        out.append(f'      <text {attrs} location="tt:{rev.text_id}" id="{rev.text_id}" />\n')
    elif rev.text:
        out.append(f'      <text {attrs} xml:space="preserve">{text_escape(rev.text, True)}</text>\n')
    else:
        out.append(f"      <text {attrs} />\n")
    if rev.text_deleted:
        out.append(f"      <sha1{empty}\n")
    else:
        out.append(f"      <sha1>{rev.sha1}</sha1>\n")
    out.append("    </revision>\n")
    return "".join(out)


def page_xml(page: Page, revisions: list[Revision], *, stub: bool) -> str:
    """One `<page>` element holding the given revisions."""
    out = ["  <page>\n", f"    {_element('title', page.full_title, not stub)}\n",
           f"    <ns>{page.namespace}</ns>\n", f"    <id>{page.page_id}</id>\n"]
    if page.redirect is not None:
        out.append(f'    <redirect title="{attr_escape(page.redirect)}" />\n')
    out.extend(revision_xml(rev, stub=stub) for rev in revisions)
    out.append("  </page>\n")
    return "".join(out)


def dump_file_names(wiki: SampleWiki) -> dict[str, str]:
    """File names of each output, keyed by a short role name."""
    prefix = f"{wiki.siteinfo.dbname}-{wiki.dump_date}"
    return {
        "multistream": f"{prefix}-pages-articles-multistream.xml.bz2",
        "multistream_index": f"{prefix}-pages-articles-multistream-index.txt.bz2",
        "history": f"{prefix}-pages-meta-history.xml.bz2",
        "stubs": f"{prefix}-stub-meta-history.xml.gz",
        "status": "dumpstatus.json",
    }


def multistream(wiki: SampleWiki) -> tuple[bytes, bytes]:
    """The pages-articles multistream file and its (bz2-compressed) index.

    Index lines are `offset:page_id:title`, offset being where the bz2 stream holding the page starts;
    the title is copied from `<title>` as it stands in the XML (still escaped), as recompressxml does.
    """
    pages = [p for p in wiki.pages if in_pages_articles(p.namespace)]
    streams = [bz2.compress(header_xml(wiki).encode("utf-8"))]
    index_lines = []
    offset = len(streams[0])
    for start in range(0, len(pages), PAGES_PER_STREAM):
        group = pages[start:start + PAGES_PER_STREAM]
        chunk = "".join(page_xml(p, [p.latest], stub=False) for p in group)
        data = bz2.compress(chunk.encode("utf-8"))
        index_lines += [f"{offset}:{p.page_id}:{text_escape(p.full_title, True)}\n" for p in group]
        streams.append(data)
        offset += len(data)
    streams.append(bz2.compress(FOOTER.encode("utf-8")))
    return b"".join(streams), bz2.compress("".join(index_lines).encode("utf-8"))


def history_xml(wiki: SampleWiki, *, stub: bool) -> bytes:
    """Every page of every namespace with all its revisions, uncompressed."""
    parts = [header_xml(wiki)]
    parts += [page_xml(p, p.revisions, stub=stub) for p in wiki.pages]
    parts.append(FOOTER)
    return "".join(parts).encode("utf-8")


def dumpstatus(wiki: SampleWiki, files: dict[str, bytes]) -> dict:
    """dumpstatus.json of the run, in the shape of Wikimedia's (jobs -> files with size and hashes)."""
    names = dump_file_names(wiki)
    base = f"/{wiki.siteinfo.dbname}/{wiki.dump_date}/"

    def entry(name: str) -> dict:
        data = files[name]
        return {"size": len(data), "url": base + name, "md5": hashlib.md5(data).hexdigest(),
                "sha1": hashlib.sha1(data).hexdigest()}

    jobs = {
        "xmlstubsdump": [names["stubs"]],
        "metahistorybz2dump": [names["history"]],
        "articlesmultistreamdump": [names["multistream"], names["multistream_index"]],
    }
    return {"jobs": {job: {"status": "done", "updated": JOB_UPDATED[job],
                           "files": {n: entry(n) for n in job_files}}
                     for job, job_files in jobs.items()},
            "version": "0.8"}


def write_xml_dumps(wiki: SampleWiki, out_dir: str | Path) -> dict[str, Path]:
    """Write the XML dump files and dumpstatus.json of `wiki` into `out_dir`.

    Args:
        wiki: the model from build_wiki().
        out_dir: target folder (created if missing).

    Returns:
        Paths of the written files, keyed as dump_file_names() keys them.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = dump_file_names(wiki)
    multi, index = multistream(wiki)
    files = {
        names["multistream"]: multi,
        names["multistream_index"]: index,
        names["history"]: bz2.compress(history_xml(wiki, stub=False)),
        # mtime=0 keeps the gzip header free of the clock, so reruns are byte-identical.
        names["stubs"]: gzip.compress(history_xml(wiki, stub=True), compresslevel=9, mtime=0),
    }
    files[names["status"]] = (json.dumps(dumpstatus(wiki, files)) + "\n").encode("utf-8")
    paths = {}
    for key, name in names.items():
        path = out / name
        path.write_bytes(files[name])
        paths[key] = path
    return paths
