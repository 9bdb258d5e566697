"""Builders for small inline XML dumps, one edge case at a time (mwxml's test style)."""
from __future__ import annotations

SITEINFO = """  <siteinfo>
    <sitename>Testwiki</sitename>
    <dbname>testwiki</dbname>
    <base>https://test.example.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.43.0</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="-1" case="first-letter">Special</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="3" case="first-letter">User talk</namespace>
      <namespace key="6" case="first-letter">File</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""


def dump(pages: str, *, version: str = "0.11", siteinfo: str = SITEINFO, close: bool = True) -> bytes:
    """A complete (or, with close=False, unterminated) export document around some <page> elements."""
    head = (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="{version}" xml:lang="en">\n')
    return (head + siteinfo + pages + ("</mediawiki>\n" if close else "")).encode("utf-8")


def revision(rev_id: int, timestamp: str = "2024-01-01T00:00:00Z", *, parent: int | None = None,
             user: str = "<username>Alice</username><id>7</id>", text: str | None = "Hello",
             sha1: str | None = None, extra: str = "", text_attrs: str = "", comment: str = "c") -> str:
    parent_xml = f"<parentid>{parent}</parentid>" if parent is not None else ""
    text_xml = f"<text{text_attrs} />" if text is None else f'<text xml:space="preserve"{text_attrs}>{text}</text>'
    sha1_xml = "" if sha1 is None else f"<sha1>{sha1}</sha1>"
    return (f"    <revision><id>{rev_id}</id>{parent_xml}<timestamp>{timestamp}</timestamp>"
            f"<contributor>{user}</contributor><comment>{comment}</comment>{extra}<model>wikitext</model>"
            f"<format>text/x-wiki</format>{text_xml}{sha1_xml}</revision>\n")


def page(page_id: int, title: str, revisions: str, *, ns: int | None = 0, extra: str = "") -> str:
    ns_xml = "" if ns is None else f"<ns>{ns}</ns>"
    return f"  <page>\n    <title>{title}</title>{ns_xml}<id>{page_id}</id>{extra}\n{revisions}  </page>\n"
