"""`wikidumps run content`: plain text, sections, citations, links and article quality from XML dumps."""
from __future__ import annotations

import argparse

from pipelines import content
from runners.job import JobSpec, RecordCount, run_job
from runners.inputs import job_options, resume_inputs
from runners.profiles import profile_from_args
from runners.xml_jobs import add_xml_input_arguments, dump_partition, plan_inputs
from transforms.content import DEFAULT_MAX_PAGE_BYTES, DEFAULT_PAGE_SECONDS, ContentOptions
from transforms.dumpfiles import UnusableInputError

HELP = "XML dumps -> plain_text, sections, citations, links, article_quality (one scan per page)"
DESCRIPTION = (
    "Scan the wikitext of each page's latest revision once (every revision with --all-revisions) and write "
    "the plain_text, sections, citations, links, article_quality and errors datasets. By default only the "
    "content namespace (0) is read and redirects are skipped."
)


def namespace_list(value: str) -> frozenset[int]:
    try:
        return frozenset(int(item) for item in value.split(",") if item.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of namespace numbers: {value!r}") from None


def add_arguments(parser) -> None:
    add_xml_input_arguments(parser, split_bytes=content.SPLIT_BYTES)
    parser.add_argument("--namespaces", type=namespace_list, action="append", metavar="N[,N...]",
                        help="namespaces to read (repeatable; default: 0, MediaWiki's content namespace)")
    parser.add_argument("--include-redirects", action="store_true", help="read redirect pages too")
    parser.add_argument("--all-revisions", action="store_true",
                        help="rows for every revision of a history dump (keyed by revision_id), not only the latest")
    parser.add_argument("--max-page-mb", type=float, default=DEFAULT_MAX_PAGE_BYTES / 2**20, metavar="MB",
                        help="larger revisions become errors rows instead of being scanned (default %(default)g)")
    parser.add_argument("--page-timeout", type=float, default=DEFAULT_PAGE_SECONDS, metavar="SECONDS",
                        help="time budget of one revision; slower ones become errors rows (default %(default)g)")


def content_options(args: argparse.Namespace) -> ContentOptions:
    namespaces = frozenset().union(*args.namespaces) if args.namespaces else ContentOptions().namespaces
    return ContentOptions(namespaces=namespaces, include_redirects=args.include_redirects,
                          all_revisions=args.all_revisions, max_page_bytes=int(args.max_page_mb * 2**20),
                          page_seconds=args.page_timeout)


def run(args, beam_args: list[str]) -> int:
    profile = profile_from_args(args, beam_args, content.NAME)
    inputs = plan_inputs(args)
    for source in inputs:
        if source.kind.startswith("stub-"):
            raise UnusableInputError(source.path, "a stub dump carries no page text; the content job needs "
                                                  "pages-articles, pages-meta-current or pages-meta-history")
    if args.resume:
        inputs = resume_inputs(inputs, args.output, content.DATASETS, dump_partition)
        if not inputs:
            return 0
    options = content_options(args)
    split_bytes = int(args.split_size_mb * 2**20)
    if options.all_revisions:
        records = (RecordCount("pages-read", "pages-dropped", None, "pages-filtered"),
                   RecordCount("revisions-read", "revisions-dropped", "plain_text", "revisions-filtered"))
    else:
        records = (RecordCount("pages-read", "pages-dropped", "plain_text", "pages-filtered"),
                   RecordCount("revisions-read", "revisions-dropped"))
    spec = JobSpec(
        pipeline=content.NAME,
        build=content.build,
        make_config=lambda progress_dir: content.ContentConfig(tuple(inputs), options, split_bytes, progress_dir),
        datasets=content.DATASETS,
        inputs=inputs,
        partitions=[dump_partition(source) for source in inputs],
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        records=records,
    )
    outcome = run_job(spec, profile)
    return outcome.exit_code
