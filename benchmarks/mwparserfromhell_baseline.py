"""Baseline: the mwparserfromhell recipe of HuggingFace's (and TFDS's) Wikipedia builders, on 2 processes.

The builders parse each article with mwparserfromhell, remove links to files, <ref> and table tags,
keep category links' text without their prefix, strip the markup of each section (headings included)
with strip_code(), drop magic words, and join the sections with blank lines. Only namespace-0 pages
that are not redirects are kept. The main process reads the dump (like the builders' XML iteration)
and hands articles to a pool of worker processes; texts are written as JSON lines.

    python -m benchmarks.mwparserfromhell_baseline DUMP OUTPUT.jsonl [--processes 2]
"""
from __future__ import annotations

import argparse
import bz2
import json
import multiprocessing
import re
import xml.etree.ElementTree as ElementTree

import mwparserfromhell

MAGIC_WORDS = re.compile(r"__[A-Z]*__")
MEDIA_PREFIX = re.compile(r"^(?:File|Image|Media):", re.IGNORECASE)
CATEGORY_PREFIX = re.compile(r"^(?:Category):", re.IGNORECASE)


def clean(item: tuple[str, str, str]) -> tuple[str, str, str]:
    page_id, title, wikitext = item
    code = mwparserfromhell.parse(wikitext)
    texts = []
    for section in code.get_sections(flat=True, include_lead=True, include_headings=True):
        for link in section.ifilter_wikilinks(recursive=True):
            if MEDIA_PREFIX.match(str(link.title)):
                try:
                    section.remove(link)
                except ValueError:  # the recipe ignores nodes it cannot find again
                    pass
            elif CATEGORY_PREFIX.match(str(link.title)):
                try:
                    link.text = CATEGORY_PREFIX.sub("", link.__strip__())
                except ValueError:
                    pass
        for tag in section.ifilter_tags(matches=lambda node: str(node.tag) in ("ref", "table"), recursive=True):
            try:
                section.remove(tag)
            except ValueError:
                pass
        texts.append(MAGIC_WORDS.sub("", section.strip_code().strip()))
    return page_id, title, "\n\n".join(texts)


def articles(path: str):
    """(page id, title, wikitext) of namespace-0 pages that are not redirects."""
    handle = bz2.open(path, "rb") if path.endswith(".bz2") else open(path, "rb")
    with handle:
        for _, element in ElementTree.iterparse(handle):
            if not element.tag.endswith("}page"):
                continue
            namespace = element.find("{*}ns")
            text = element.find("{*}revision/{*}text")
            if (namespace is not None and namespace.text == "0" and element.find("{*}redirect") is None
                    and text is not None and text.text):
                yield element.find("{*}id").text, element.find("{*}title").text, text.text
            element.clear()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump")
    parser.add_argument("output")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    count = 0
    with multiprocessing.Pool(args.processes) as pool, open(args.output, "w", encoding="utf-8") as out:
        for page_id, title, text in pool.imap(clean, articles(args.dump), chunksize=4):
            out.write(json.dumps({"id": page_id, "title": title, "text": text}, ensure_ascii=False) + "\n")
            count += 1
    print(count)


if __name__ == "__main__":
    main()
