"""`wikidumps run events`: revisions, events and errors from event dumps."""
from __future__ import annotations

import sys

from pipelines import events
from runners.inputs import job_options, unique_paths
from runners.job import JobSpec, records_progress, run_job
from runners.profiles import profile_from_args
from transforms.event_inputs import describe_event_input
from transforms.rows import Partition

HELP = "event dumps (EventStreams JSON, Avro, MediaWiki history TSV) -> revisions, events and errors"
DESCRIPTION = (
    "Read EventStreams/EventGate JSON lines (plain, .gz, .bz2) of mediawiki.recentchange, revision-create and "
    "mediawiki.page_change.v1, Avro container files of those schemas, and MediaWiki history dumps (*.tsv.bz2) "
    "into the revisions dataset (the XML path's schema; fields an event lacks are null), an events dataset of "
    "page and user events, and errors. Formats are told apart by content; files may hold several wikis."
)


def add_arguments(parser) -> None:
    parser.add_argument("--input", action="append", required=True, metavar="PATH",
                        help="event dump file (local path or gs://); repeat for several files")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--snapshot", metavar="YYYYMMDD",
                        help="snapshot of every input (default: the date in each file name)")
    parser.add_argument("--wiki-db", metavar="NAME",
                        help="wiki for errors of records that name none (default: the first wiki of each file)")


def run(args, beam_args: list[str]) -> int:
    if args.resume:
        print("wikidumps: error: --resume is not supported by the events job: an event file's partitions are "
              "known only once it has been read", file=sys.stderr)
        return 2
    inputs = [describe_event_input(path, order, snapshot=args.snapshot, wiki_db=args.wiki_db)
              for order, path in enumerate(unique_paths(args.input))]
    spec = JobSpec(
        pipeline=events.NAME,
        build=events.build,
        make_config=lambda progress_dir: events.EventsConfig(tuple(inputs), progress_dir),
        datasets=events.DATASETS,
        inputs=inputs,
        partitions=sorted({Partition(source.wiki_db, source.snapshot) for source in inputs}, key=lambda p: p.path),
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        records=(("records-read", "records-dropped", None),
                 ("revisions-read", "revisions-dropped", "revisions", "revisions-duplicate"),
                 ("events-read", "events-dropped", "events")),
        progress=records_progress,
    )
    return run_job(spec, profile_from_args(args, beam_args, events.NAME)).exit_code
