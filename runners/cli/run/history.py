"""`wikidumps run history`: pages, revisions and errors from XML dumps."""
from __future__ import annotations

from runners.cli.run.options import add_xml_input_arguments, resume, split_bytes, unique_paths

NAME = "history"
HELP = "XML dumps -> pages, revisions (with identity reverts) and errors"
DESCRIPTION = (
    "Stream pages-articles, pages-meta-current, pages-meta-history or stub dumps (xml, bz2 incl. "
    "multistream, gz, xz, lzma, 7z) into the pages, revisions and errors datasets."
)
# The allocators of the job's processes. Arrow's memory pool and the engine's heap are both mimalloc, which
# keeps freed pages for reuse; the job's peak is at the end of a long page (its revisions rows built, then
# written), when the pages freed while reading are still held. Arrow on the C library's allocator and
# mimalloc giving pages back at once took the 15,000-revision page from 308-317 MB to 291 MB (issue 17's bound
# is 300), at no CPU cost measured on 600 MB (docs/performance.md). Both are read when pyarrow and the engine
# load, so they are set before either is imported; a user's own setting is kept.
ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MIMALLOC_PURGE_DELAY": "0"}


def add_arguments(parser) -> None:
    add_xml_input_arguments(parser)


def plan(job, args):
    """The job's Config from the command line; None when --resume finds nothing left to do."""
    config = job.plan(unique_paths(args.input), wiki_db=args.wiki_db, snapshot=args.snapshot, kind=args.dump_kind,
                      split_bytes=split_bytes(args))
    return resume(config, args.output, job.DATASETS) if args.resume else config
