"""Runner profiles: each `--runner` name is a runner plus Beam options; any Beam option given overrides them."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.transforms import environments

RUNNERS = ("local",)


@dataclass
class Profile:
    """What `beam.Pipeline(runner=..., options=...)` needs."""

    runner: object
    options: PipelineOptions


def local_workers(requested: int | None) -> int:
    return max(1, requested or os.cpu_count() or 1)


def local_profile(beam_args: list[str], workers: int | None) -> Profile:
    """Beam's FnApiRunner with one worker process per core.

    The runner is named explicitly because the default DirectRunner first tries to download and start
    Prism. Workers are started through runners.local_worker to keep their logging quiet.
    """
    count = local_workers(workers)
    runner = FnApiRunner()
    if count > 1:
        command = f"{sys.executable} -m runners.local_worker"
        runner = FnApiRunner(default_environment=environments.SubprocessSDKEnvironment.from_command_string(command))
    return Profile(runner, PipelineOptions([f"--direct_num_workers={count}", *beam_args]))


def build_profile(runner: str, beam_args: list[str], *, workers: int | None = None) -> Profile:
    if runner == "local":
        return local_profile(beam_args, workers)
    raise ValueError(f"unknown runner profile {runner!r}; choose from {', '.join(RUNNERS)}")
