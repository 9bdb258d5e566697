"""Options and plumbing the `run` commands share: options every job takes, input options of each input
family, distinct inputs, `--resume`, and the command line as the manifests record it."""
from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Callable, TypeVar

from runners.profiles import RUNNERS
from schemas.layout import Partition
from transforms.common.files import UnusableInputError
from transforms.datasets.publish import complete_partitions
from transforms.lines.splits import DEFAULT_SPLIT_BYTES as LINE_SPLIT_BYTES
from transforms.xml.splits import DEFAULT_SPLIT_BYTES as XML_SPLIT_BYTES

Input = TypeVar("Input")
Config = TypeVar("Config")


class UsageError(Exception):
    """Options that make no job (the command line prints the message and exits 2)."""


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


def add_xml_input_arguments(parser: argparse.ArgumentParser, *, split_bytes: int = XML_SPLIT_BYTES) -> None:
    parser.add_argument("--input", action="append", required=True, metavar="PATH",
                        help="dump file (local path or gs://); repeat for several files")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--wiki-db", metavar="NAME", help="wiki database name when the dump's siteinfo has none")
    parser.add_argument("--snapshot", metavar="YYYYMMDD", help="dump date when the file name does not carry it")
    parser.add_argument("--dump-kind", metavar="KIND",
                        help="dump kind when the file name does not tell it (pages-meta-history, pages-articles, ...)")
    parser.add_argument("--split-size-mb", type=float, default=split_bytes / 2**20, metavar="MB",
                        help="compressed megabytes per parallel split of a .bz2 file (default %(default)g)")


def add_line_input_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--input", action="extend", nargs="+", required=True, metavar="PATH",
                        help=f"{what} (local path or gs://); several may follow, and the option may be repeated")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--split-size-mb", type=float, default=LINE_SPLIT_BYTES / 2**20, metavar="MB",
                        help="megabytes per parallel split of an uncompressed file (compressed files are read "
                             "whole; default %(default)g)")


def split_bytes(args: argparse.Namespace) -> int:
    return int(args.split_size_mb * 2**20)


def unique_paths(paths: list[str]) -> list[str]:
    """The paths in order; one given twice is refused (its rows would be read twice)."""
    seen = set()
    for path in paths:
        if path in seen:
            raise UnusableInputError(path, "given twice")
        seen.add(path)
    return paths


def resume(config: Config, output: str, datasets: tuple[str, ...],
           partition_of: Callable[[Input], Partition] = lambda source: source.partition) -> Config | None:
    """`--resume`: the job's Config without the inputs whose partition every dataset already has, complete
    (saying so on stderr); None when no input is left."""
    done = set.intersection(*(complete_partitions(output, dataset) for dataset in datasets))
    remaining = tuple(source for source in config.inputs if partition_of(source) not in done)
    for source in config.inputs:
        if source not in remaining:
            print(f"skipping {source.path}: its partition is complete (--resume)", file=sys.stderr)
    if not remaining:
        print("nothing to do: every partition is complete", file=sys.stderr)
        return None
    return dataclasses.replace(config, inputs=remaining)


def recorded_options(args: argparse.Namespace, beam_args: list[str]) -> dict:
    """The command line as the manifests record it."""
    return {key: value for key, value in vars(args).items() if key != "handler"} | {"beam_args": beam_args}
