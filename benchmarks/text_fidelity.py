"""Word precision and prose coverage of a plain text against the Parsoid HTML of the same revision.

    .venv/bin/python -m benchmarks.text_fidelity [--missing N]

For each Enterprise record of ../shared/data/real/enterprise-html (it carries the wikitext and Parsoid's
HTML of one revision), the plain text of `run content` from the HTML and from the wikitext is measured:

- precision: the share of the text's words (a multiset of lowercased `\\w+` runs) found in the visible
  text of the HTML (all text of the body but styles, scripts and what `display:none` hides);
- coverage: the share of the words of the HTML's prose (text of `<p>`, `<li>` and `<dd>`) matched by the
  text's words, leaving out reference markers, reference lists, rendered citations, bibliography lists
  (`refbegin`), styles, math, navboxes (horizontal, and the vertical ones: `vertical-navbox` and the
  series sidebars of enwiki's Template:Sidebar, which it documents as a vertical navigation box),
  metadata boxes and edit links.

The HTML is read here with the standard library's parser, on purpose: the measure must not share code
(or mistakes) with the extraction it judges (the engine's own HTML reading, engine/src/html_*.rs).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from benchmarks.inputs import REAL, require_real_data

WORD = re.compile(r"\w+")
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
NOT_PROSE_CLASSES = frozenset({"reference", "mw-ref", "references", "mw-references-wrap", "reflist", "citation",
                               "refbegin", "mwe-math-element", "navbox", "vertical-navbox", "sidebar", "ambox",
                               "metadata", "mw-editsection"})
NOT_PROSE_TAGS = frozenset({"style", "script", "math", "cite"})
PROSE_TAGS = frozenset({"p", "li", "dd"})
# Where a browser breaks the text; inside a line, text nodes split by inline markup (XIX<sup>e</sup>) are one word.
BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "br", "td", "th", "tr", "table", "caption",
                        "h1", "h2", "h3", "h4", "h5", "h6", "section", "figure", "figcaption", "blockquote", "pre",
                        "hr", "body"})


def words(text: str) -> Counter:
    return Counter(word.lower() for word in WORD.findall(text))


class _Words(HTMLParser):
    """Visible words and prose words of a page, by a stack of open elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, bool]] = []  # (tag, hidden, not prose, in prose)
        self.visible: list[str] = []
        self.prose: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden, excluded, prose = self.stack[-1][1:] if self.stack else (False, False, False)
        style = (attributes.get("style") or "").replace(" ", "")
        classes = set((attributes.get("class") or "").split())
        hidden = hidden or tag in ("style", "script", "head", "title") or "display:none" in style
        excluded = excluded or tag in NOT_PROSE_TAGS or bool(classes & NOT_PROSE_CLASSES) \
            or any(name.startswith("mbox") for name in classes)
        prose = prose or tag in PROSE_TAGS
        if tag in BLOCK_TAGS:
            self._break()
        if tag not in VOID:
            self.stack.append((tag, hidden, excluded, prose))

    def handle_startendtag(self, tag, attrs):
        pass  # a void element holds no text

    def _break(self):
        self.visible.append(" ")
        self.prose.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._break()
        for depth in range(len(self.stack) - 1, -1, -1):  # close up to the matching open element
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        hidden, excluded, prose = self.stack[-1][1:] if self.stack else (False, False, False)
        if hidden:
            return
        self.visible.append(data)
        if prose and not excluded:
            self.prose.append(data)


def html_words(html: str) -> tuple[Counter, Counter]:
    """(visible words, prose words) of a page's HTML."""
    parser = _Words()
    parser.feed(html)
    parser.close()
    return words("".join(parser.visible)), words("".join(parser.prose))


def measure(text: str, html: str) -> tuple[float, float]:
    """(precision, coverage) of a plain text against the HTML of the same revision."""
    ours = words(text)
    visible, prose = html_words(html)
    precision = sum((ours & visible).values()) / max(1, sum(ours.values()))
    coverage = sum((prose & ours).values()) / max(1, sum(prose.values()))
    return precision, coverage


def real_records(real: Path = REAL) -> list[dict]:
    """Every Enterprise record with both HTML and wikitext among the shared real data."""
    folder = real / "enterprise-html"
    records = [json.loads(path.read_text()) for path in sorted(folder.glob("wikimedia-enterprise__*.json"))]
    for line in (folder / "wme-sdk-go__articles-de-en-ru-Squirrel.ndjson").read_text().splitlines():
        records.append(json.loads(line))
    return [r for r in records if (r.get("article_body") or {}).get("html")]


def siteinfo_of(wiki: str, real: Path = REAL):
    """The siteinfo an XML dump of `wiki` would carry (its localized namespace names and case rule), from
    the namespace map of Wikimedia's analytics refinery among the shared real data (other/)."""
    from transforms.xml.records import SiteInfo

    namespaces: dict[int, str] = {}
    case = None
    with gzip.open(real / "other" / "refinery__wmf_raw_mediawiki_project_namespace_map.json.gz", "rt") as lines:
        for line in lines:
            if f'"dbname":"{wiki}"' in line:
                row = json.loads(line)
                namespaces[row["namespace"]] = row["namespace_localized_name"]
                case = row["case_setting"]
    return SiteInfo(wiki_db=wiki, case=case, namespaces=namespaces) if namespaces else SiteInfo(wiki_db=wiki)


def wikitext_rows(record: dict) -> dict | None:
    """The wikitext path's rows of a record's revision, as `run content` writes them from an XML dump (with
    the siteinfo such a dump carries: `siteinfo_of`)."""
    from transforms.wikitext.content import extract_content
    from transforms.wikitext.titles import TitleResolver
    from transforms.xml.records import Page, Revision

    wikitext = (record.get("article_body") or {}).get("wikitext")
    if not wikitext:
        return None
    wiki = record["is_part_of"]["identifier"]
    page = Page(record["identifier"], record["namespace"]["identifier"], record["name"], record["name"], None, False,
                None, iter(()))
    revision = Revision()
    revision.id, revision.timestamp, revision.text = record["version"]["identifier"], 0, wikitext
    return extract_content(wikitext, page, revision, TitleResolver(siteinfo_of(wiki)))


def wikitext_plain_text(record: dict) -> str | None:
    rows = wikitext_rows(record)
    return rows["plain_text"][0]["text"] if rows is not None else None


def html_plain_text(record: dict) -> str:
    from transforms.enterprise.html import extract_html

    return extract_html(record, {})["plain_text"][0]["text"]


def missing_words(text: str, html: str, top: int) -> tuple[list, list]:
    """The prose words of the HTML most missed by a text, and the text's words most absent from the HTML's
    visible text (what lowers coverage and precision), each with its count."""
    ours = words(text)
    visible, prose = html_words(html)
    return (prose - ours).most_common(top), (ours - visible).most_common(top)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missing", type=int, default=0, metavar="N",
                        help="also print, per record, the N prose words the wikitext path misses most and the N "
                        "words it has that the page does not show")
    args = parser.parse_args(argv)
    require_real_data()
    results = {}
    print(f"{'record':<38} {'html precision':>15} {'html coverage':>14} {'wikitext precision':>19} {'wikitext coverage':>18}")
    for record in real_records():
        html = record["article_body"]["html"]
        name = f"{record['is_part_of']['identifier']}:{record['name']}"
        row = {"html": measure(html_plain_text(record), html)}
        wikitext = wikitext_plain_text(record)
        if wikitext is not None:
            row["wikitext"] = measure(wikitext, html)
        results[name] = row
        shown = [f"{value:.4f}" for pair in (row["html"], row.get("wikitext", (float("nan"),) * 2)) for value in pair]
        print(f"{name:<38} {shown[0]:>15} {shown[1]:>14} {shown[2]:>19} {shown[3]:>18}")
        if args.missing and wikitext is not None:
            missed, extra = missing_words(wikitext, html, args.missing)
            print("    missing:", " ".join(f"{word}:{count}" for word, count in missed))
            print("    not shown:", " ".join(f"{word}:{count}" for word, count in extra))
    for source in ("html", "wikitext"):
        pairs = [row[source] for row in results.values() if source in row]
        print(f"mean {source}: precision {statistics.mean(p for p, _ in pairs):.4f}, "
              f"coverage {statistics.mean(c for _, c in pairs):.4f} ({len(pairs)} records)")
    return results


if __name__ == "__main__":
    main()
