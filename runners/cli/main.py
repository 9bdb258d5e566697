"""The `wikidumps` command: `run <job>`, `inspect`, `fetch`, `datasets`, `report`, `stream`.

The parser is built from modules that import nothing heavy (runners/cli/__init__ says why); what a command
does is imported once the command line has been parsed.
"""
from __future__ import annotations

import logging

# Beam logs a warning about optional Google Cloud libraries at import; users should not see it.
logging.basicConfig(level=logging.ERROR)

import argparse  # noqa: E402
import sys  # noqa: E402

from runners import ProfileError  # noqa: E402
from runners.cli import datasets, fetch, inspect, report, stream  # noqa: E402
from runners.cli.run import add_job_parsers  # noqa: E402
from runners.cli.run.options import UsageError  # noqa: E402
from runners.local import worker as local_worker  # noqa: E402
from transforms.common.files import UnusableInputError  # noqa: E402

# Commands other than `run`: each module has HELP, DESCRIPTION, add_arguments(parser), run(args, beam_args).
OTHER_COMMANDS = {"inspect": inspect, "fetch": fetch, "datasets": datasets, "report": report, "stream": stream}


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one --help away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="wikidumps",
        description="Turn Wikimedia dumps into research-ready Parquet datasets.",
        epilog="Any option a `run` job does not know is passed to Apache Beam (e.g. --direct_num_workers=4).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run a job", description="Run a job on dump files.")
    add_job_parsers(run)
    for name, module in OTHER_COMMANDS.items():
        command = commands.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, beam_args = parser.parse_known_args(argv)
        if beam_args and args.command != "run":
            parser.error(f"unrecognized arguments: {' '.join(beam_args)}")
    except SystemExit as stop:  # --help, or a parse error argparse has printed
        return stop.code
    try:
        return args.handler(args, beam_args)
    except UnusableInputError as exc:
        print(f"wikidumps: error: {exc.path}: {exc.reason}", file=sys.stderr)
        return 2
    except (ProfileError, UsageError) as exc:
        print(f"wikidumps: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the driver has removed the run's staging; the shell's code for SIGINT
        local_worker.interrupt()
        print("wikidumps: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
