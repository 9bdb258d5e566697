"""`wikidumps run events`: revisions, events and errors from event dumps."""
from __future__ import annotations

from runners.cli.run.options import UsageError, add_input_arguments, unique_paths

NAME = "events"
HELP = "event dumps (EventStreams JSON, Avro, MediaWiki history TSV) -> revisions, events, page_events and errors"
DESCRIPTION = (
    "Read EventStreams/EventGate JSON lines (plain, .gz, .bz2) of mediawiki.recentchange, revision-create and "
    "mediawiki.page_change.v1, Avro container files of those schemas, and MediaWiki history dumps (*.tsv.bz2) "
    "into the revisions dataset (the XML path's schema; fields an event lacks are null), an events dataset of "
    "page and user events, a page_events dataset of page creations, deletions, restorations and moves (with the "
    "performer's edit count and redirect state at the event when the source gives them), and errors. Formats are told apart by content; files may hold several wikis."
)


def add_arguments(parser) -> None:
    add_input_arguments(parser, "event dump file")
    parser.add_argument("--snapshot", metavar="YYYYMMDD",
                        help="snapshot of every input (default: the date in each file name)")
    parser.add_argument("--wiki-db", metavar="NAME",
                        help="wiki for errors of records that name none (default: the first wiki of each file)")


def plan(job, args):
    """The job's Config from the command line."""
    if args.resume:
        raise UsageError("--resume is not supported by the events job: an event file's partitions are known only "
                         "once it has been read")
    return job.plan(unique_paths(args.input), snapshot=args.snapshot, wiki_db=args.wiki_db)
