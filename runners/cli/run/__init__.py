"""`wikidumps run JOB`: plan the job from its options, then run it on the chosen runner with the driver.

One module here per job (history.py for `wikidumps run history`, ...), each with HELP, DESCRIPTION,
`add_arguments(parser)` and `plan(args)`, which turns the parsed options into the job's Config (None: nothing
to do). What every job shares, from `--runner` to `--resume`, is in options.py.
"""
from __future__ import annotations

import argparse
import sys

from pipelines import driver
from runners.cli.inspect import with_family_hint
from runners.cli.run import content, editor_activity, events, history, knowledge_gaps, pageviews, wikidata
from runners.cli.run.options import add_run_options, beam_arguments, check_output, recorded_options
from runners.clusters.dataflow import check_job_file
from runners.profiles import Profile, profile_from_args
from transforms.common.files import UnusableInputError

# The command of each job, by the job's name.
JOB_COMMANDS = {command.JOB.NAME: command
                for command in (history, content, events, editor_activity, wikidata, pageviews, knowledge_gaps)}


def add_job_parsers(run: argparse.ArgumentParser) -> None:
    """One subcommand of `run` per job: its own options, then those every job takes."""
    jobs = run.add_subparsers(dest="job", required=True, metavar="JOB")
    for name, command in JOB_COMMANDS.items():
        parser = jobs.add_parser(name, help=command.HELP, description=command.DESCRIPTION)
        command.add_arguments(parser)
        add_run_options(parser)
        parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace, beam_args: list[str]) -> int:
    """Plans the job, then runs it (or, with --dry-run, only writes its Dataflow specification)."""
    command = JOB_COMMANDS[args.job]
    beam_args = beam_arguments(command, beam_args)
    check_output(args.output)
    try:
        config = command.plan(args)
    except UnusableInputError as exc:
        raise with_family_hint(exc, command.JOB.NAME) from None
    if config is None:
        return 0
    profile = profile_from_args(args, beam_args, command.JOB.NAME)
    if profile.dry_run:
        return specify_only(command.JOB, config, args.output, profile)
    outcome = driver.run_job(command.JOB, config, args.output, runner=profile.runner, options=profile.options,
                             max_error_rate=args.max_error_rate, command_line=recorded_options(args, beam_args),
                             worker_log=profile.worker_log)
    return outcome.exit_code


def specify_only(job, config, output: str, profile: Profile) -> int:
    """`--dry-run`: the runner writes the job specification instead of starting the job; check it."""
    _, staging = driver.new_run(output)
    driver.build_pipeline(job, config, staging, profile.runner, profile.options).run()
    location = profile.template_location
    summary, problems = check_job_file(location, [f"WriteDatasets/Write_{name}" for name in job.DATASETS])
    for problem in problems:
        print(f"error: {location}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"wikidumps {job.NAME}: Dataflow job specification written to {location} (no job started)")
    for line in summary:
        print(f"  {line}")
    return 0
