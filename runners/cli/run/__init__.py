"""`wikidumps run JOB`: plan the job from its options, then run it on the chosen runner with the driver.

One module here per job (history.py for `wikidumps run history`, ...), each with NAME, HELP, DESCRIPTION,
`add_arguments(parser)` and `plan(job, args)`, which turns the parsed options into the Config of `job`, the
job's module in pipelines/ (None: nothing to do), and optionally ENVIRONMENT, variables set for the job's
processes before anything reads them (history.py says why it has some). What every job shares, from
`--runner` to `--resume`, is in options.py. The job's module is imported only once the command line is parsed: it imports Beam.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from types import ModuleType

from runners.cli.run import (campaign, content, editor_activity, events, history, knowledge_gaps, pageviews, update,
                             wikidata)
from runners.cli.run.options import add_run_options, beam_arguments, check_output, recorded_options, require_extra
from runners.local import worker as local_worker
from transforms.common.files import UnusableInputError

# The command of each job, by the job's name.
JOB_COMMANDS = {command.NAME: command
                for command in (history, content, events, editor_activity, campaign, wikidata, pageviews,
                                knowledge_gaps, update)}


def job_module_name(name: str) -> str:
    """The module in pipelines/ of the job called `name` (editor-activity: pipelines.editor_activity)."""
    return f"pipelines.{name.replace('-', '_')}"


def job_module(name: str) -> ModuleType:
    return importlib.import_module(job_module_name(name))


def add_job_parsers(run: argparse.ArgumentParser) -> None:
    """One subcommand of `run` per job: its own options, then those every job takes."""
    jobs = run.add_subparsers(dest="job", required=True, metavar="JOB")
    for name, command in JOB_COMMANDS.items():
        parser = jobs.add_parser(name, help=command.HELP, description=command.DESCRIPTION)
        command.add_arguments(parser)
        add_run_options(parser)
        parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace, beam_args: list[str]) -> int:
    """Plans the job, then runs it (or, with --dry-run, only writes its Dataflow specification).

    Once the options are checked, and before Beam and the job are imported, the local workers' zygote
    starts (runners/local/worker.py): it imports them on the other core meanwhile.
    """
    command = JOB_COMMANDS[args.job]
    for name, value in getattr(command, "ENVIRONMENT", {}).items():
        os.environ.setdefault(name, value)  # before Beam or Arrow load (beam_arguments may import Beam), and the zygote
    require_extra("apache_beam", "pipelines", "run")
    beam_args = beam_arguments(command, beam_args)
    check_output(args.output)
    local_worker.start_early(args.runner, args.workers, job_module_name(command.NAME))

    from pipelines import driver
    from runners.cli.families import with_family_hint
    from runners.profiles import profile_from_args

    job = job_module(command.NAME)
    try:
        config = command.plan(job, args)
    except UnusableInputError as exc:
        raise with_family_hint(exc, command.NAME) from None
    if config is None:
        return 0
    profile = profile_from_args(args, beam_args, command.NAME)
    if profile.dry_run:
        return specify_only(job, config, args.output, profile)
    outcome = driver.run_job(job, config, args.output, runner=profile.runner, options=profile.options,
                             max_error_rate=args.max_error_rate, command_line=recorded_options(args, beam_args),
                             worker_log=profile.worker_log)
    return outcome.exit_code


def specify_only(job: ModuleType, config, output: str, profile) -> int:
    """`--dry-run`: the runner writes the job specification instead of starting the job; check it."""
    from pipelines import driver
    from runners.clusters.dataflow import check_job_file

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
