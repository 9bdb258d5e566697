"""`wikidumps run content`: plain text, sections, citations, links and article quality from XML dumps or
Enterprise HTML dumps."""
from __future__ import annotations

import argparse

from runners.cli.run.options import UsageError, add_xml_input_arguments, resume, split_bytes, unique_paths
from transforms.defaults import CONTENT_SPLIT_BYTES, MAX_PAGE_BYTES, PAGE_SECONDS

NAME = "content"
HELP = "XML or Enterprise HTML dumps -> plain_text, sections, citations, links, article_quality, infoboxes, tables"
DESCRIPTION = (
    "Scan the wikitext of each page's latest revision once (every revision with --all-revisions) and write "
    "the plain_text, sections, citations, links, article_quality, infoboxes, tables and errors datasets. By "
    "default only the "
    "content namespace (0) is read and redirects are skipped. Enterprise HTML dumps "
    "(<wiki>-NS<n>-<date>-ENTERPRISE-HTML.json.tar.gz) give the same datasets from the rendered pages, "
    "plus pages."
)
# The engine's heap (mimalloc) asks the kernel for transparent huge pages, and the kernel zeroes 2 MB at the
# first touch of each: 4-6% of the job's CPU by perf (XML and Enterprise inputs alike; keeping freed pages,
# MIMALLOC_PURGE_DELAY=-1, did not lower it), 0.3% without them. mimalloc's option turns THP off for the
# whole process (Arrow's pool included) when the engine loads, so it is set before that; a user's own
# setting is kept (docs/performance.md).
ENVIRONMENT = {"MIMALLOC_ALLOW_THP": "0"}


def namespace_list(value: str) -> frozenset[int]:
    try:
        return frozenset(int(item) for item in value.split(",") if item.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of namespace numbers: {value!r}") from None


def add_arguments(parser) -> None:
    add_xml_input_arguments(parser, split_bytes=CONTENT_SPLIT_BYTES)
    parser.add_argument("--namespaces", type=namespace_list, action="append", metavar="N[,N...]",
                        help="namespaces to read (repeatable; default: 0, MediaWiki's content namespace)")
    parser.add_argument("--include-redirects", action="store_true", help="read redirect pages too")
    parser.add_argument("--all-revisions", action="store_true",
                        help="rows for every revision of a history dump (keyed by revision_id), not only the latest")
    parser.add_argument("--max-page-mb", type=float, default=MAX_PAGE_BYTES / 2**20, metavar="MB",
                        help="larger revisions become errors rows instead of being scanned (default %(default)g)")
    parser.add_argument("--datasets", action="append", metavar="NAME[,NAME...]",
                        help="the content datasets to write (repeatable; default: all of them); plain_text is always "
                             "written, one row per revision scanned, which the run's counts rest on")
    parser.add_argument("--math", choices=("tex", "placeholder", "drop"), default="tex",
                        help="what <math> becomes in plain_text: its TeX between \u27e6 and \u27e7 (tex, default), "
                        "\u27e6math\u27e7 (placeholder), or nothing, said in the row's constructs_out_of_range (drop)")
    parser.add_argument("--page-timeout", type=float, default=PAGE_SECONDS, metavar="SECONDS",
                        help="time budget of one revision; slower ones become errors rows (default %(default)g)")


def content_options(args: argparse.Namespace):
    """The ContentOptions of the command line; a UsageError names a --datasets value that is no content
    dataset."""
    from schemas import PLAIN_TEXT
    from transforms.wikitext.content import CONTENT_DATASETS, ContentOptions

    namespaces = frozenset().union(*args.namespaces) if args.namespaces else ContentOptions().namespaces
    datasets = CONTENT_DATASETS
    if args.datasets:
        asked = {name.strip() for value in args.datasets for name in value.split(",") if name.strip()}
        if unknown := sorted(asked - set(CONTENT_DATASETS)):
            raise UsageError(f"--datasets: {', '.join(unknown)} is not one of {', '.join(CONTENT_DATASETS)}")
        datasets = tuple(name for name in CONTENT_DATASETS if name in asked or name == PLAIN_TEXT)
    return ContentOptions(namespaces=namespaces, include_redirects=args.include_redirects,
                          all_revisions=args.all_revisions, max_page_bytes=int(args.max_page_mb * 2**20),
                          page_seconds=args.page_timeout, datasets=datasets, math=args.math)


def plan(job, args):
    """The job's Config from the command line; None when --resume finds nothing left to do."""
    config = job.plan(unique_paths(args.input), content_options(args), wiki_db=args.wiki_db, snapshot=args.snapshot,
                      kind=args.dump_kind, split_bytes=split_bytes(args))
    return resume(config, args.output, config.datasets) if args.resume else config
