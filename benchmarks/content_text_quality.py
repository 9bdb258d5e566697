"""Plain text of `run content` next to `wikiextractor --no-templates`, page by page, on the real dumps.

    make bench-tools
    .venv/bin/python -m benchmarks.content_text_quality [--workdir DIR]

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
    args = parser.parse_args(argv)
    require_real_data()
    report = {name: compare(name, REAL / path, snapshot, args.workdir) for name, (path, snapshot) in FILES.items()}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
