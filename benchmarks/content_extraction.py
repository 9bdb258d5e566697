"""Extraction alone, in one process: `extract_content` against wikiextractor's `Extractor`, page by page.

    make bench-tools
    .venv/bin/python -m benchmarks.content_extraction [--passes 7]

`content_throughput` times whole commands (bz2, XML, Beam, Parquet, two processes); this one times only
the per-page work that tells the two tools apart, on the same real pages in the same process, so a
change to the scanner can be judged in seconds: the 106 English Wikipedia articles of
../shared/data/real (gensim's enwiki sample, May 2016; 5.7 MB of wikitext). Each pass runs

- wikidumps: `transforms.wikitext.content.page_rows`, the rows of all seven datasets made in the engine and
  taken by pyarrow as record batches every BATCH_PAGES pages, as the job's workers do;
- wikidumps, plain text only: the same with `datasets=(plain_text,)` (the job's `--datasets plain_text`);
- wikiextractor: `Extractor.extract` as `wikiextractor --no-templates` runs it: no template definitions,
  and the page's text as the lines of the XML (entities still escaped; its cleaning decodes them).

The three alternate pass by pass; the first pass of each warms caches and is left out. The report gives
CPU seconds per pass (`time.process_time()`), their medians, MB/s of wikitext and the ratios of
wikiextractor's median to each of ours.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import time
from xml.sax.saxutils import escape

from benchmarks.inputs import enwiki_articles_xml
from schemas import PLAIN_TEXT
from transforms.wikitext.content import CONTENT_DATASETS, page_rows
from transforms.wikitext.engine import ContentRows
from transforms.wikitext.titles import TitleResolver
from transforms.xml.reader import DumpReader
from transforms.xml.splits import raise_gc_threshold

BATCH_PAGES = 50  # pages whose rows are taken at once (a job's batches are larger: this keeps the take in)


def real_articles() -> tuple[list, TitleResolver]:
    """(page, revision) of every article of the sample (a pages-articles dump: one revision each), and
    the wiki's title resolver."""
    articles = []

    def keep(page):
        for revision in page.revisions:
            if revision.text and page.namespace == 0 and not page.is_redirect:
                articles.append((page, revision))
        return iter(())

    reader = DumpReader([enwiki_articles_xml()], keep)
    for _ in reader:
        pass
    return articles, TitleResolver(reader.header.siteinfo)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args(argv)

    from wikiextractor.extract import Extractor  # the dev extra (make bench-tools)

    articles, resolver = real_articles()
    megabytes = sum(len(revision.text.encode()) for _, revision in articles) / 1e6
    raise_gc_threshold()  # as the content job's workers run

    def rows_of(datasets):
        # As the job's workers do: the engine appends each page's rows, and pyarrow takes them as record
        # batches every BATCH_PAGES pages (no Python object per row).
        def run():
            rows = ContentRows()
            pending: dict[str, int] = {}
            for number, (page, revision) in enumerate(articles, 1):
                for dataset, appended in page_rows(rows, revision.text, page, revision, resolver,
                                                   datasets=datasets).items():
                    pending[dataset] = pending.get(dataset, 0) + appended.count
                if number % BATCH_PAGES == 0 or number == len(articles):
                    for dataset, count in pending.items():
                        rows.take(dataset, count)
                    pending.clear()
        return run

    xml_lines = [escape(revision.text).splitlines(keepends=True) for _, revision in articles]

    def wikiextractor():
        for (page, revision), lines in zip(articles, xml_lines):
            Extractor(page.page_id, revision.id, "", page.title, lines).extract(io.StringIO())

    tools = {"wikidumps": rows_of(CONTENT_DATASETS), "wikidumps plain text only": rows_of((PLAIN_TEXT,)),
             "wikiextractor": wikiextractor}
    seconds: dict[str, list[float]] = {name: [] for name in tools}
    for number in range(args.passes + 1):
        for name, run in tools.items():
            gc.collect()
            started = time.process_time()
            run()
            if number:  # pass 0 warms the caches
                seconds[name].append(round(time.process_time() - started, 3))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    report = {
        "articles": len(articles),
        "wikitext_mb": round(megabytes, 2),
        "cpu_seconds_per_pass": seconds,
        "median_seconds": medians,
        "mb_per_s": {name: round(megabytes / value, 2) for name, value in medians.items()},
        "speed_against_wikiextractor": {name: round(medians["wikiextractor"] / value, 2)
                                        for name, value in medians.items() if name != "wikiextractor"},
    }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
