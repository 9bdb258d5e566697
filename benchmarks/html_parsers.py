"""Which HTML parser reads Enterprise records fastest: the engine's own (engine/src/html_tree.rs), lexbor
(selectolax), lxml and the standard library.

    make bench-tools   # selectolax, lxml
    .venv/bin/python -m benchmarks.html_parsers [--runs 5]

On the real records of ../shared/data/real/enterprise-html, each parser builds the tree of every
record's HTML and visits every element, reading its tag and its `about` attribute (the least any
extraction does); BeautifulSoup (what mwparserfromhtml uses, with html.parser) is timed the same way.
lexbor is also timed building its tree alone. The engine is timed doing all it does with a record's HTML
(`html_rows`: its tree, then every row of every content dataset), which is more than any other line here.
Rounds are interleaved; the report gives the median seconds per round and MB/s of HTML.
"""
from __future__ import annotations

import argparse
import time

from benchmarks.inputs import require_real_data
from benchmarks.text_fidelity import real_records
from benchmarks.timing import median


def lexbor(html: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    return sum(1 for node in LexborHTMLParser(html).root.css("*") if node.attrs.get("about") or node.tag)


def lexbor_tree(html: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html).body is not None


def engine_rows(html: str) -> int:
    from transforms.wikitext._engine import html_rows
    from transforms.wikitext.engine import engine_of
    from transforms.wikitext.titles import TitleResolver
    from transforms.xml.records import SiteInfo

    engine = engine_of(_RESOLVER.setdefault("enwiki", TitleResolver(SiteInfo(wiki_db="enwiki"))))
    return html_rows(engine, lambda media_prefix: engine, html, "X", 1, 0, 1)["links"].num_rows


_RESOLVER: dict = {}


def lxml(html: str) -> int:
    import lxml.html

    return sum(1 for node in lxml.html.document_fromstring(html).iter() if node.get("about") or node.tag)


def beautifulsoup(html: str) -> int:
    from bs4 import BeautifulSoup

    return sum(1 for node in BeautifulSoup(html, "html.parser").find_all(True) if node.get("about") or node.name)


PARSERS = {"engine: tree and every row": engine_rows, "lexbor (selectolax)": lexbor, "lexbor: tree alone": lexbor_tree,
           "lxml": lxml, "BeautifulSoup (html.parser)": beautifulsoup}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    require_real_data()
    pages = [record["article_body"]["html"] for record in real_records()]
    size = sum(len(page.encode()) for page in pages)
    seconds: dict[str, list[float]] = {name: [] for name in PARSERS}
    for _ in range(args.runs):
        for name, parse in PARSERS.items():
            started = time.perf_counter()
            for page in pages:
                parse(page)
            seconds[name].append(time.perf_counter() - started)
    print(f"{len(pages)} records, {size / 1e6:.1f} MB of HTML; medians of {args.runs} interleaved rounds")
    for name, values in seconds.items():
        print(f"{name:<30} {median(values):7.3f} s  {size / 1e6 / median(values):7.1f} MB/s")
    return {name: median(values) for name, values in seconds.items()}


if __name__ == "__main__":
    main()
