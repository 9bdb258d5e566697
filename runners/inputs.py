"""Command-line plumbing every `run` job shares: distinct inputs, `--resume`, the options a manifest records."""
from __future__ import annotations

import argparse
import sys
from typing import Callable, TypeVar

from transforms.datasets import complete_partitions
from transforms.dumpfiles import UnusableInputError
from transforms.rows import Partition

Input = TypeVar("Input")


def unique_paths(paths: list[str]) -> list[str]:
    """The paths in order; one given twice is refused (its rows would be read twice)."""
    seen = set()
    for path in paths:
        if path in seen:
            raise UnusableInputError(path, "given twice")
        seen.add(path)
    return paths


def resume_inputs(inputs: list[Input], output: str, datasets: tuple[str, ...],
                  partition_of: Callable[[Input], Partition]) -> list[Input]:
    """`--resume`: the inputs still to read; those whose partition every dataset already has, complete,
    are skipped, saying so on stderr."""
    done = set.intersection(*(complete_partitions(output, dataset) for dataset in datasets))
    remaining = [source for source in inputs if partition_of(source) not in done]
    for source in inputs:
        if source not in remaining:
            print(f"skipping {source.path}: its partition is complete (--resume)", file=sys.stderr)
    if not remaining:
        print("nothing to do: every partition is complete", file=sys.stderr)
    return remaining


def job_options(args: argparse.Namespace, beam_args: list[str]) -> dict:
    """The command line as the manifests record it."""
    return {key: value for key, value in vars(args).items() if key != "handler"} | {"beam_args": beam_args}
