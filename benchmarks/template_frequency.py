"""How often each template is called in the real pages, per wiki: what chose the rules of
transforms/wikitext/inline.py (docs/decisions.md, "Templates that stand for words").

    .venv/bin/python -m benchmarks.template_frequency [--top N] [--wiki WIKI]

Reads the namespace-0 articles of every XML dump of ../shared/data/real (pages-articles and multistream) and
the wikitext of the Enterprise records, scans each once (the engine's list of template calls, outside
references: a template inside a reference is not prose) and prints, per wiki, the most called templates
with their count and whether the rules expand them (`expanded`), drop them on purpose (`dropped`: navigation,
maintenance, citations) or do not know them.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import replace

from benchmarks.inputs import REAL, require_real_data


def counts(real=REAL) -> dict[str, Counter]:
    """wiki -> Counter of template keys (outside references) over the real pages."""
    from benchmarks.content_text_quality import residue_dumps
    from benchmarks.text_fidelity import real_records
    from transforms.wikitext.engine import scan
    from transforms.wikitext.titles import TitleResolver
    from transforms.xml.inputs import describe_input
    from transforms.xml.records import SiteInfo
    from transforms.xml.splits import plan_splits, read_split

    found: dict[str, Counter] = defaultdict(Counter)

    def add(wiki, wikitext, resolver):
        for template in scan(wikitext, resolver).templates:
            if template.ref < 0:
                found[wiki][template.key] += 1

    for path in residue_dumps(real):
        if path.parent.name == "multistream":
            continue  # the same pages as their pages-articles files
        source = describe_input(str(path), strict=False)
        resolver = TitleResolver(replace(source.siteinfo or SiteInfo(), wiki_db=source.wiki_db))

        def process_page(page, _source, resolver=resolver, wiki=source.wiki_db or path.name):
            revisions = [revision for revision in page.revisions if revision.text]
            if page.namespace == 0 and not page.is_redirect and revisions:
                add(wiki, revisions[-1].text, resolver)
            return iter(())

        for split in plan_splits(source):
            with read_split(split, process_page) as reader:
                for _ in reader:
                    pass
    for record in real_records(real):
        wiki = record["is_part_of"]["identifier"]
        add(wiki, record["article_body"]["wikitext"], TitleResolver(SiteInfo(wiki_db=wiki)))
    return found


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--wiki", action="append", help="only these wikis (repeatable)")
    args = parser.parse_args(argv)
    require_real_data()
    from transforms.wikitext.inline import rule_for

    found = counts()
    for wiki, counter in sorted(found.items()):
        if args.wiki and wiki not in args.wiki:
            continue
        print(f"{wiki}: {sum(counter.values())} calls of {len(counter)} templates")
        for key, count in counter.most_common(args.top):
            rule = rule_for(wiki, key)
            print(f"  {count:6d}  {key:<40} {rule or 'not known'}")
    return found


if __name__ == "__main__":
    main()
