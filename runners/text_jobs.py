"""Command-line plumbing shared by jobs that read line-based inputs (Wikidata JSON, pageview dumps)."""
from __future__ import annotations

import argparse

from transforms.dumpfiles import DamagedInputError, UnusableInputError
from transforms.lines import DEFAULT_SPLIT_BYTES, TextInput, read_head


def add_text_input_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--input", action="extend", nargs="+", required=True, metavar="PATH",
                        help=f"{what} (local path or gs://); several may follow, and the option may be repeated")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--split-size-mb", type=float, default=DEFAULT_SPLIT_BYTES / 2**20, metavar="MB",
                        help="megabytes per parallel split of an uncompressed file (compressed files are read "
                             "whole; default %(default)g)")


def head_lines(source: TextInput, count: int = 3) -> list[str]:
    """The first non-blank lines of an input, decoded; UnusableInputError when unreadable or not text."""
    try:
        head = read_head(source)
    except (DamagedInputError, OSError, EOFError) as exc:
        raise UnusableInputError(source.path, f"cannot decompress as {source.compression}: {exc}") from None
    if b"\0" in head:
        raise UnusableInputError(source.path, "binary data, not a text dump")
    text = head.decode("utf-8", "replace")
    lines = text.split("\n")
    if len(head) == 1 << 16 and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut by the sniffing window
    return [line for line in lines if line.strip()][:count]
