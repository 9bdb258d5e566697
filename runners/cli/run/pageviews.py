"""`wikidumps run pageviews`: hourly and pageviews-complete dumps into monthly pageviews and errors."""
from __future__ import annotations

from runners.cli.run.options import UsageError, add_line_input_arguments, split_bytes, unique_paths
from transforms.defaults import PAGEVIEW_BUCKETS

NAME = "pageviews"
HELP = "pageview dumps (hourly pageviews-*.gz, daily pageviews-*-user.bz2) -> monthly pageviews and errors"
DESCRIPTION = (
    "Sum Wikimedia pageview dumps per wiki, page, access method and month: hourly files "
    "(pageviews-YYYYMMDD-HH0000.gz) and daily pageviews-complete files (pageviews-YYYYMMDD-user.bz2). "
    "Give every file of a month in one run; hourly and complete files of the same month are refused "
    "(their views would be counted twice)."
)


def add_arguments(parser) -> None:
    add_line_input_arguments(parser, "pageview dump files")
    parser.add_argument("--buckets", type=int, default=PAGEVIEW_BUCKETS, metavar="N",
                        help="hash buckets of the shuffle that sums a month (default %(default)s); more buckets, "
                             "less memory per worker")


def plan(job, args):
    """The job's Config from the command line."""
    if args.resume:
        raise UsageError("--resume is not supported by the pageviews job: a month's partitions are rewritten whole "
                         "from all of its files")
    return job.plan(unique_paths(args.input), buckets=args.buckets, split_bytes=split_bytes(args))
