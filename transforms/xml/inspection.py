"""Counting what a dump holds, for `wikidumps inspect`: one sequential pass, no Beam."""
from __future__ import annotations

from collections import Counter

from transforms.common.problems import Problem
from transforms.xml.inputs import XmlInput
from transforms.xml.splits import XmlSplit, read_split


def count_pages(source: XmlInput) -> dict:
    """Pages, revisions and problems by type, reading the whole file once."""
    revisions = 0

    def count(page, _source):
        nonlocal revisions
        revisions += sum(1 for _ in page.revisions)
        return iter(())

    problems: Counter = Counter()
    with read_split(XmlSplit(source, 0, None, None), count) as reader:
        for item in reader:
            if isinstance(item, Problem):
                problems[item.error_type] += 1
    facts = {"pages": reader.stats.pages, "revisions": revisions, "xml_bytes": reader.stats.decompressed_bytes}
    if reader.stats.unknown_tags:
        facts["unknown_tags"] = dict(reader.stats.unknown_tags)
    if problems:
        facts["problems"] = dict(problems)
    return facts
