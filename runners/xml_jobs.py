"""Command-line plumbing shared by jobs that read XML dumps: input arguments and input planning."""
from __future__ import annotations

import argparse
import sys

from transforms.datasets import complete_partitions
from transforms.dump_inputs import DumpInput, describe_input
from transforms.dumpfiles import UnusableInputError
from transforms.rows import Partition
from transforms.splits import DEFAULT_SPLIT_BYTES


def add_xml_input_arguments(parser: argparse.ArgumentParser, *, split_bytes: int = DEFAULT_SPLIT_BYTES) -> None:
    parser.add_argument("--input", action="append", required=True, metavar="PATH",
                        help="dump file (local path or gs://); repeat for several files")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--wiki-db", metavar="NAME", help="wiki database name when the dump's siteinfo has none")
    parser.add_argument("--snapshot", metavar="YYYYMMDD", help="dump date when the file name does not carry it")
    parser.add_argument("--dump-kind", metavar="KIND",
                        help="dump kind when the file name does not tell it (pages-meta-history, pages-articles, ...)")
    parser.add_argument("--split-size-mb", type=float, default=split_bytes / 2**20, metavar="MB",
                        help="compressed megabytes per parallel split of a multistream file (default %(default)g)")


def plan_inputs(args: argparse.Namespace) -> list[DumpInput]:
    """Describes every input, refusing unusable ones (UnusableInputError names the file)."""
    seen = set()
    inputs = []
    for order, path in enumerate(args.input):
        if path in seen:
            raise UnusableInputError(path, "given twice")
        seen.add(path)
        inputs.append(describe_input(path, order, wiki_db=args.wiki_db, snapshot=args.snapshot, kind=args.dump_kind))
    return inputs


def skip_complete_inputs(inputs: list[DumpInput], output: str, datasets: tuple[str, ...]) -> list[DumpInput]:
    """`--resume`: inputs whose partitions every dataset already has, complete, are not read again."""
    done = None
    for dataset in datasets:
        partitions = complete_partitions(output, dataset)
        done = partitions if done is None else done & partitions
    return [source for source in inputs if Partition(source.wiki_db, source.snapshot) not in (done or set())]


def resume_inputs(inputs: list[DumpInput], output: str, datasets: tuple[str, ...], err=None) -> list[DumpInput]:
    """`--resume`: the inputs still to read, saying which ones are skipped (on stderr)."""
    err = err or sys.stderr
    remaining = skip_complete_inputs(inputs, output, datasets)
    for source in inputs:
        if source not in remaining:
            print(f"skipping {source.path}: its partition is complete (--resume)", file=err)
    if not remaining:
        print("nothing to do: every partition is complete", file=err)
    return remaining


def job_options(args: argparse.Namespace, beam_args: list[str]) -> dict:
    """The command line as the manifests record it."""
    return {key: value for key, value in vars(args).items() if key != "handler"} | {"beam_args": beam_args}
