"""Plain text of `run content` next to `wikiextractor --no-templates`, page by page, on the real dumps.

    make bench-tools
    .venv/bin/python -m benchmarks.content_text_quality [--workdir DIR]
    .venv/bin/python -m benchmarks.content_text_quality --residue     # markup residue per million characters

`--residue` reads every XML dump of ../shared/data/real/pages-articles and multistream in one process: for
each namespace-0 article, the plain text of the content job (`extract_content`) and of wikiextractor's
`Extractor` (what `--no-templates` runs; `html_safe` off, so that a leftover `<ref` or `&nbsp;` is counted
as written), and counts the markup tokens left in each (`RESIDUE_TOKENS`, and `|-` at the start of a line)
per million characters of text.

For every namespace-0 article both tools write: the length ratio (ours / wikiextractor's), markup residue
(`[[`, `]]`, `{{`, `}}`, `{|`, `|}`, `'''`, `<ref`, HTML tags) in each output, and wikiextractor's
paragraphs (lines of 80+ characters) that are lost in ours: fewer than 80% of their words are words of
our text of the page. Words, not strings, are compared because the tools write the same prose
differently on purpose (wikiextractor turns italics into quotes and drops {{lang}} and {{convert}} text,
which ours keeps).
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.dataset as ds

from benchmarks.inputs import REAL, require_real_data

FILES = {
    "enwiki (2016)": ("pages-articles/gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2", "20160501"),
    "enwiki (2021)": ("pages-articles/kwnlp__enwiki-20210701-pages-articles2.xml-p41243p151573.bz2", "20210701"),
    "elwikivoyage": ("pages-articles/mwbzutils__sample-pages-articles.xml.bz2", "20190101"),
    "ltgwiki": ("pages-articles/dumpster-dive__ltgwiki-2017-pages-articles.xml.bz2", "20170101"),
}
RESIDUE = ("[[", "]]", "{{", "}}", "{|", "|}", "'''", "<ref")
HTML_TAG = re.compile(r"</?[a-z]+[^<>]*>|&lt;/?[a-z]+")


WORD = re.compile(r"\w{3,}")


RESIDUE_TOKENS = ("[[", "]]", "{{", "}}", "{|", "|}", "'''", "<ref", "&nbsp;")
TABLE_ROW = re.compile(r"(?m)^\|-")


# A formula's TeX between the math markers of `--math tex` is content, braces included, not markup.
MATH_SPAN = re.compile("\u27e6[^\u27e7]*\u27e7")


def residue(text: str) -> int:
    """Markup tokens left in a plain text: RESIDUE_TOKENS anywhere, `|-` at the start of a line (formulas
    between the math markers left out)."""
    text = MATH_SPAN.sub(" ", text) if "\u27e6" in text else text
    return sum(text.count(token) for token in RESIDUE_TOKENS) + len(TABLE_ROW.findall(text))


def residue_dumps(real: Path = REAL) -> list[Path]:
    """Every XML dump of pages among the shared real data (pages-articles and multistream, not indexes)."""
    return sorted(path for folder in ("pages-articles", "multistream") for path in (real / folder).glob("*.bz2")
                  if "index" not in path.name)


def article_texts(path: Path) -> list[tuple[int, str, str, str]]:
    """(page id, wikitext, our plain text, wikiextractor's) of each namespace-0 article of a dump."""
    from dataclasses import replace
    from xml.sax.saxutils import escape

    from wikiextractor.extract import Extractor  # the dev extra (make bench-tools)

    from transforms.wikitext.content import ENGLISH_REDIRECT, extract_content
    from transforms.wikitext.titles import TitleResolver
    from transforms.xml.inputs import describe_input
    from transforms.xml.records import SiteInfo
    from transforms.xml.splits import plan_splits, read_split

    source = describe_input(str(path), strict=False)
    resolver = TitleResolver(replace(source.siteinfo or SiteInfo(), wiki_db=source.wiki_db))
    found = []

    def process_page(page, _source):
        revisions = [revision for revision in page.revisions if revision.text]
        if page.namespace != 0 or page.is_redirect or not revisions:
            return iter(())
        revision = revisions[-1]
        if revision.model not in (None, "wikitext") or ENGLISH_REDIRECT.match(revision.text):
            return iter(())
        ours = extract_content(revision.text, page, revision, resolver)["plain_text"][0]["text"]
        # As `--no-templates` cleans a page (the text as the XML holds it, entities escaped), without the
        # HTML escaping of its output.
        extractor = Extractor(page.page_id, revision.id, "", page.title, [])
        theirs = "\n".join(extractor.clean_text(escape(revision.text), expand_templates=False, html_safe=False))
        found.append((page.page_id, revision.text, ours, theirs))
        return iter(())

    for split in plan_splits(source):
        with read_split(split, process_page) as reader:
            for _ in reader:
                pass
    return found


def residue_report(real: Path = REAL) -> dict:
    """Per dump and in all: characters of text and residue tokens per million characters, ours and
    wikiextractor's, on the same articles."""
    report = {}
    totals = dict.fromkeys(("articles", "wikidumps_chars", "wikiextractor_chars", "wikidumps_tokens",
                            "wikiextractor_tokens"), 0)
    for path in residue_dumps(real):
        texts = article_texts(path)
        row = {"articles": len(texts),
               "wikidumps_chars": sum(len(ours) for _, _, ours, _ in texts),
               "wikiextractor_chars": sum(len(theirs) for _, _, _, theirs in texts),
               "wikidumps_tokens": sum(residue(ours) for _, _, ours, _ in texts),
               "wikiextractor_tokens": sum(residue(theirs) for _, _, _, theirs in texts)}
        for key, value in row.items():
            totals[key] += value
        report[path.name] = row
    report["all"] = totals
    for row in report.values():
        for tool in ("wikidumps", "wikiextractor"):
            row[f"{tool}_per_million"] = round(row[f"{tool}_tokens"] * 1e6 / max(1, row[f"{tool}_chars"]), 2)
    return report


def is_lost(paragraph: str, words: set[str]) -> bool:
    found = WORD.findall(paragraph.lower())
    return bool(found) and sum(1 for word in found if word in words) < 0.8 * len(found)


def compare(name: str, path: Path, snapshot: str, workdir: Path) -> dict:
    out = workdir / name.replace(" ", "_")
    shutil.rmtree(out, ignore_errors=True)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "wikiextractor"), "--no-templates", "--json", "-q", "--processes", "1", "-o",
                    str(out / "wx"), str(path)], check=True, capture_output=True)
    subprocess.run([str(bin_dir / "wikidumps"), "run", "content", "--workers", "1", "--input", str(path),
                    "--output", str(out / "ours"), "--snapshot", snapshot, "--wiki-db", "x"], check=True,
                   capture_output=True)
    theirs = {}
    for file in glob.glob(str(out / "wx" / "*" / "*")):
        for line in open(file, encoding="utf-8"):
            record = json.loads(line)
            theirs[int(record["id"])] = record["text"]
    ours = {row["page_id"]: row["text"] for row in ds.dataset(out / "ours" / "plain_text", format="parquet",
                                                                ignore_prefixes=[".", "_", "README"]).to_table(
        columns=["page_id", "text"]).to_pylist()}
    common = [page for page in ours if page in theirs and len(theirs[page]) >= 200]
    ratios = sorted(len(ours[page]) / len(theirs[page]) for page in common)
    lost = []
    for page in common:
        words = set(WORD.findall(ours[page].lower()))
        lost += [(page, line[:80]) for line in theirs[page].split("\n")
                 if len(line) >= 80 and not HTML_TAG.search(line) and is_lost(line, words)]
    residue = {tool: sum(1 for page in common if any(token in texts[page] for token in RESIDUE))
               for tool, texts in (("wikidumps", ours), ("wikiextractor", theirs))}
    html = {tool: sum(1 for page in common if HTML_TAG.search(texts[page]))
            for tool, texts in (("wikidumps", ours), ("wikiextractor", theirs))}
    return {
        "pages": len(common),
        "length_ratio_median": round(statistics.median(ratios), 2) if ratios else None,
        "pages_in_0.8_1.3": sum(1 for r in ratios if 0.8 <= r <= 1.3),
        "pages_below_0.8": sum(1 for r in ratios if r < 0.8),
        "pages_above_1.3": sum(1 for r in ratios if r > 1.3),
        "pages_with_markup_residue": residue,
        "pages_with_html_tags": html,
        "wikiextractor_paragraphs_missing_in_ours": len(lost),
        "examples_missing": lost[:5],
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-text-quality")
    parser.add_argument("--residue", action="store_true", help="markup residue per million characters, every "
                        "real XML dump, ours and wikiextractor's (in one process)")
    args = parser.parse_args(argv)
    require_real_data()
    if args.residue:
        report = residue_report()
        print(json.dumps(report, indent=2))
        return report
    report = {name: compare(name, REAL / path, snapshot, args.workdir) for name, (path, snapshot) in FILES.items()}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
