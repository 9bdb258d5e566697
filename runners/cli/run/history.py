"""`wikidumps run history`: pages, revisions and errors from XML dumps."""
from __future__ import annotations

from runners.cli.run.options import add_xml_input_arguments, resume, split_bytes, unique_paths

NAME = "history"
HELP = "XML dumps -> pages, revisions (with identity reverts) and errors"
DESCRIPTION = (
    "Stream pages-articles, pages-meta-current, pages-meta-history or stub dumps (xml, bz2 incl. "
    "multistream, gz, xz, lzma, 7z) into the pages, revisions and errors datasets."
)


def add_arguments(parser) -> None:
    add_xml_input_arguments(parser)


def plan(job, args):
    """The job's Config from the command line; None when --resume finds nothing left to do."""
    config = job.plan(unique_paths(args.input), wiki_db=args.wiki_db, snapshot=args.snapshot, kind=args.dump_kind,
                      split_bytes=split_bytes(args))
    return resume(config, args.output, job.DATASETS) if args.resume else config
