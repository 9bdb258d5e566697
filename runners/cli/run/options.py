"""Options and plumbing the `run` commands share: options every job takes, input options of each input
family, distinct inputs, `--resume`, and the command line as the manifests record it.

Like every command module, this one imports what does the work (Beam, Arrow, the jobs) inside the
functions that need it, so that `--help` and a mistyped option answer at once (see runners/cli/__init__).
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import importlib.metadata
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from runners import RUNNERS
from transforms.common.files import UnusableInputError
from transforms.defaults import LINE_SPLIT_BYTES, XML_SPLIT_BYTES
from wikidumps import cache_root

if TYPE_CHECKING:
    from schemas.layout import Partition

Input = TypeVar("Input")
Config = TypeVar("Config")


class UsageError(Exception):
    """Options that make no job (the command line prints the message and exits 2)."""


def require_extra(module: str, extra: str, command: str) -> None:
    """Refuses a command of the pipelines when this is the reader install (`pip install wikidumps`).

    Raises:
        UsageError: naming the extra that installs `module`.
    """
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"`wikidumps {command}` needs what `pip install 'wikidumps[{extra}]'` installs "
                         f"({module} is missing); this install reads datasets only")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options every `run` job takes; unknown options are passed to Beam."""
    parser.add_argument("--runner", default="local", choices=RUNNERS,
                        help="runner profile (default: local; see docs/runners.md)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parallel workers: local processes (default: one per core), Flink/Spark parallelism "
                             "(default 2), Dataflow's maximum number of workers")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --runner dataflow: write and check the job specification, start no job")
    parser.add_argument("--max-error-rate", type=share, default=0.01, metavar="RATE",
                        help="fail when more than this share of records is bad (default %(default)g)")
    parser.add_argument("--resume", action="store_true",
                        help="history, content, wikidata: skip inputs whose partitions are already complete in "
                             "every output dataset (the other jobs refuse it)")


def share(value: str) -> float:
    """A number from 0 to 1 (argparse type)."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a share from 0 to 1")
    return number


def add_input_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """--input (several paths after it, as a shell glob gives them, and repeatable) and --output."""
    parser.add_argument("--input", action="extend", nargs="+", required=True, metavar="PATH",
                        help=f"{what} (local path or gs://); several may follow, and the option may be repeated")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")


def add_xml_input_arguments(parser: argparse.ArgumentParser, *, split_bytes: int = XML_SPLIT_BYTES) -> None:
    add_input_arguments(parser, "XML dump file")
    parser.add_argument("--wiki-db", metavar="NAME", help="wiki database name when the dump's siteinfo has none")
    parser.add_argument("--snapshot", metavar="YYYYMMDD", help="dump date when the file name does not carry it")
    parser.add_argument("--dump-kind", metavar="KIND",
                        help="dump kind when the file name does not tell it (pages-meta-history, pages-articles, ...)")
    parser.add_argument("--split-size-mb", type=float, default=split_bytes / 2**20, metavar="MB",
                        help="compressed megabytes per parallel split of a .bz2 file (default %(default)g)")


def add_line_input_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    add_input_arguments(parser, what)
    parser.add_argument("--split-size-mb", type=float, default=LINE_SPLIT_BYTES / 2**20, metavar="MB",
                        help="megabytes per parallel split of an uncompressed file (compressed files are read "
                             "whole; default %(default)g)")


def beam_arguments(command, extras: list[str]) -> list[str]:
    """The options a `run` command line gives Beam: those wikidumps does not know must be Beam's own
    (checked with Beam's option parser); anything after `--` is passed on unchecked.

    Raises:
        UsageError: naming the first argument that is neither, with the closest option name if any.
    """
    passed = []
    if "--" in extras:
        passed = extras[extras.index("--") + 1:]
        extras = extras[:extras.index("--")]
    beam = beam_option_parser()
    _, unknown = beam.parse_known_args(extras)
    if unknown:
        word = unknown[0]
        if not word.startswith("-"):
            raise UsageError(f"unexpected argument {word!r} (several paths go after one --input)")
        ours = argparse.ArgumentParser(add_help=False)
        command.add_arguments(ours)
        add_run_options(ours)
        names = [name for parser in (ours, beam) for action in parser._actions for name in action.option_strings]
        close = difflib.get_close_matches(word.split("=", 1)[0], names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown option {word}{hint}; Beam options are passed on by name, anything after -- "
                         "unchecked")
    return extras + passed


def check_output(output: str) -> None:
    """Refuses, before a job starts, a local --output that is a file or cannot be written to.

    A gs:// output is left to the job: only writing to it tells whether the credentials allow it.

    Raises:
        UsageError: saying what is wrong with the folder.
    """
    if "://" in output:
        return
    path = Path(output)
    existing = next(folder for folder in (path, *path.parents) if folder.exists())
    if not existing.is_dir():
        raise UsageError(f"--output {output}: {existing} is a file, not a folder")
    try:  # permissions, read-only mounts and full disks all show when a file is made
        tempfile.TemporaryFile(dir=existing, prefix=".wikidumps-").close()
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write in {existing} ({exc.strerror})") from None


class BeamOptionParser(argparse.ArgumentParser):
    """Beam's options as declared, with a bad value said in one line (argparse would print the usage of
    every Beam option first)."""

    def error(self, message: str):
        raise UsageError(f"{message} (a Beam option)")


# Number types of Beam options, by name in the cache (other options take strings).
OPTION_TYPES = {"int": int, "float": float}
CACHE_FORMAT = 2


def beam_option_parser() -> argparse.ArgumentParser:
    """A parser that knows every option of every Beam runner as Beam's own parser does: names, whether
    each takes values, number types and choices.

    Beam declares them only when imported, which takes over a second: the declarations are kept in the
    cache, one file per Beam version, written whenever Beam has been imported for them, so that a
    mistyped option is reported at once from the second command on.
    """
    cached = cache_root() / f"beam-options-{importlib.metadata.version('apache-beam')}.json"
    try:
        kept = json.loads(cached.read_text(encoding="utf-8"))
        if kept["format"] != CACHE_FORMAT:
            raise ValueError(f"cache format {kept['format']}")
        return _parser_of(kept["options"])
    except (OSError, ValueError, KeyError, TypeError, argparse.ArgumentError):
        pass  # missing, or written by another version of this code: learnt again
    declared = beam_option_declarations()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"format": CACHE_FORMAT, "options": declared}), encoding="utf-8")
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only cache: Beam is imported again next time
    return _parser_of(declared)


def _parser_of(declared: list[dict]) -> argparse.ArgumentParser:
    parser = BeamOptionParser(add_help=False, allow_abbrev=False)
    for option in declared:
        if option["nargs"] == 0:
            parser.add_argument(*option["names"], action="store_true")
        else:
            parser.add_argument(*option["names"], nargs=option["nargs"], type=OPTION_TYPES.get(option["type"]),
                                choices=option["choices"])
    return parser


def beam_option_declarations() -> list[dict]:
    """Each option of Beam's own option parser: its names, nargs (0 for a flag), number type and choices."""
    from apache_beam.options.pipeline_options import PipelineOptions

    parsers: list[argparse.ArgumentParser] = []
    PipelineOptions([]).get_all_options(add_extra_args_fn=parsers.append)
    types = {kind: name for name, kind in OPTION_TYPES.items()}
    return [{"names": list(action.option_strings), "nargs": action.nargs, "type": types.get(action.type),
             "choices": list(action.choices) if action.choices else None}
            for action in parsers[0]._actions if action.option_strings]


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
    from transforms.datasets.publish import complete_partitions

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
    """The command line as the manifests record it, in JSON's types (a set of values: a sorted list)."""
    options = {key: value for key, value in vars(args).items() if key != "handler"} | {"beam_args": beam_args}
    return json.loads(json.dumps(options, default=_json_value))


def _json_value(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"option value {value!r} has no JSON form")
