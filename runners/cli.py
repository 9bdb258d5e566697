"""The `wikidumps` command: `run <job>`, `inspect`, `fetch`, `datasets`, `report`."""
from __future__ import annotations

import logging

# Beam logs a warning about optional Google Cloud libraries at import; users should not see it.
logging.basicConfig(level=logging.ERROR)

import argparse  # noqa: E402
import sys  # noqa: E402

from runners import (  # noqa: E402
    content_command,
    datasets_command,
    editor_activity_command,
    events_command,
    fetch_command,
    history_command,
    inspect_command,
    knowledge_gaps_command,
    pageviews_command,
    report_command,
    wikidata_command,
)
from runners.profiles import RUNNERS, ProfileError  # noqa: E402
from transforms.dumpfiles import UnusableInputError  # noqa: E402

RUN_COMMANDS = {
    "history": history_command,
    "content": content_command,
    "events": events_command,
    "editor-activity": editor_activity_command,
    "wikidata": wikidata_command,
    "pageviews": pageviews_command,
    "knowledge-gaps": knowledge_gaps_command,
}
# Commands other than `run`: each module has HELP, DESCRIPTION, add_arguments(parser), run(args, beam_args).
OTHER_COMMANDS = {
    "inspect": inspect_command,
    "fetch": fetch_command,
    "datasets": datasets_command,
    "report": report_command,
}


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options every `run` job takes; unknown options are passed to Beam."""
    parser.add_argument("--runner", default="local", choices=RUNNERS,
                        help="runner profile (default: local; see docs/runners.md)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parallel workers: local processes (default: one per core), Flink/Spark parallelism "
                             "(default 2), Dataflow's maximum number of workers")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --runner dataflow: write and check the job specification, start no job")
    parser.add_argument("--max-error-rate", type=float, default=0.01, metavar="RATE",
                        help="fail when more than this share of records is bad (default %(default)g)")
    parser.add_argument("--resume", action="store_true",
                        help="skip inputs whose partitions are already complete in every output dataset")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wikidumps",
        description="Turn Wikimedia dumps into research-ready Parquet datasets.",
        epilog="Any option a `run` job does not know is passed to Apache Beam (e.g. --direct_num_workers=4).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run a job", description="Run a job on dump files.")
    jobs = run.add_subparsers(dest="job", required=True, metavar="JOB")
    for name, module in RUN_COMMANDS.items():
        job = jobs.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(job)
        add_run_options(job)
        job.set_defaults(handler=module.run)
    for name, module in OTHER_COMMANDS.items():
        command = commands.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, beam_args = parser.parse_known_args(argv)
    if beam_args and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(beam_args)}")
    try:
        return args.handler(args, beam_args)
    except UnusableInputError as exc:
        print(f"wikidumps: error: {exc.path}: {exc.reason}", file=sys.stderr)
        return 2
    except ProfileError as exc:
        print(f"wikidumps: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
