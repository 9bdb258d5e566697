"""`wikidumps run pageviews`: hourly and pageviews-complete dumps into monthly pageviews and errors."""
from __future__ import annotations

import dataclasses

import sys

from pipelines import pageviews
from runners.job import JobSpec, records_progress, run_job
from runners.profiles import profile_from_args
from runners.inputs import job_options, unique_paths
from runners.text_jobs import add_text_input_arguments, head_lines
from transforms.dumpfiles import UnusableInputError
from transforms.lines import TextInput, describe_text_input
from transforms.pageview_files import COMPLETE, DEFAULT_BUCKETS, HOURLY, file_kind, month_of

HELP = "pageview dumps (hourly pageviews-*.gz, daily pageviews-*-user.bz2) -> monthly pageviews and errors"
DESCRIPTION = (
    "Sum Wikimedia pageview dumps per wiki, page, access method and month: hourly files "
    "(pageviews-YYYYMMDD-HH0000.gz) and daily pageviews-complete files (pageviews-YYYYMMDD-user.bz2). "
    "Give every file of a month in one run; hourly and complete files of the same month are refused "
    "(their views would be counted twice)."
)
FIELDS = {HOURLY: 4, COMPLETE: 6}


def add_arguments(parser) -> None:
    add_text_input_arguments(parser, "pageview dump files")
    parser.add_argument("--buckets", type=int, default=DEFAULT_BUCKETS, metavar="N",
                        help="hash buckets of the shuffle that sums a month (default %(default)s); more buckets, "
                             "less memory per worker")


def plan_inputs(args) -> list[TextInput]:
    """Describes every input, refusing unusable ones with a one-line reason."""
    inputs = []
    kinds_by_month: dict[str, set[str]] = {}
    for order, path in enumerate(unique_paths(args.input)):
        named = file_kind(path)
        if named is None:
            raise UnusableInputError(path, "not a pageview dump name: expected pageviews-YYYYMMDD-HH0000.gz (hourly) "
                                           "or pageviews-YYYYMMDD-user.bz2 (pageviews-complete)")
        kind, date = named
        kinds = kinds_by_month.setdefault(month_of(date), set())
        kinds.add(kind)
        if len(kinds) > 1:
            raise UnusableInputError(path, f"both hourly and pageviews-complete files for {month_of(date)}: "
                                           "their views would be counted twice; give one kind per month")
        source = describe_text_input(path, order, kind, date)
        for line in head_lines(source):
            if len(line.rstrip("\r").split(" ")) != FIELDS[kind]:
                raise UnusableInputError(path, f"not a {kind} dump: expected {FIELDS[kind]} space-separated fields "
                                               f"per line, the file starts with {line[:60]!r}")
        inputs.append(source)
    return inputs


def run(args, beam_args: list[str]) -> int:
    inputs = plan_inputs(args)
    if args.resume:
        # A month is complete only as a whole: resume skips nothing finer than the run's own months.
        print("--resume is not supported by the pageviews job: a month's partitions are rewritten whole",
              file=sys.stderr)
    config = pageviews.PageviewsConfig(tuple(inputs), args.buckets, int(args.split_size_mb * 2**20))
    spec = JobSpec(
        pipeline=pageviews.NAME,
        build=pageviews.build,
        make_config=lambda progress_dir: dataclasses.replace(config, progress_dir=progress_dir),
        datasets=pageviews.DATASETS,
        inputs=inputs,
        partitions=[],
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        progress=records_progress,
        records=(("lines-read", "lines-dropped", None),),
    )
    return run_job(spec, profile_from_args(args, beam_args, pageviews.NAME)).exit_code
