"""Command-line plumbing shared by jobs that read XML dumps: input arguments and input planning."""
from __future__ import annotations

import argparse

from runners.inputs import unique_paths
from transforms.dump_inputs import DumpInput, describe_input
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
                        help="compressed megabytes per parallel split of a .bz2 file (default %(default)g)")


def plan_inputs(args: argparse.Namespace) -> list[DumpInput]:
    """Describes every input, refusing unusable ones (UnusableInputError names the file)."""
    return [describe_input(path, order, wiki_db=args.wiki_db, snapshot=args.snapshot, kind=args.dump_kind)
            for order, path in enumerate(unique_paths(args.input))]


def dump_partition(source: DumpInput) -> Partition:
    return Partition(source.wiki_db, source.snapshot)
