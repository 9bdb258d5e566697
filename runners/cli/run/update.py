"""`wikidumps run update`: a snapshot's datasets brought to a later one with adds/changes dumps and events."""
from __future__ import annotations

from runners.cli.run.options import UsageError, unique_paths

NAME = "update"
HELP = "a snapshot's datasets + daily adds/changes dumps + page_change events -> the next snapshot's datasets"
DESCRIPTION = (
    "Bring the pages, revisions and content datasets of one snapshot in --base to --snapshot: new revisions "
    "from Wikimedia's daily adds/changes dumps (other/incr/<wiki>/<date>/, pages-meta-hist-incr), appended with "
    "byte diffs and identity reverts computed against the page's earlier revisions; deletions, restorations, "
    "moves and revision deletion from mediawiki.page_change.v1 events (e.g. `wikidumps stream`'s hourly files); "
    "content rows recomputed for pages whose latest revision changed. The result equals a full build of the "
    "later snapshot; the base snapshot stays as it was."
)


def add_arguments(parser) -> None:
    parser.add_argument("--base", dest="output", required=True, metavar="DIR",
                        help="output folder holding the base snapshot; the new snapshot is published there")
    parser.add_argument("--increments", nargs="+", action="extend", required=True, metavar="DAY",
                        help="adds/changes day folders (.../<wiki>/<YYYYMMDD>) or their pages-meta-hist-incr files")
    parser.add_argument("--events", nargs="+", action="extend", default=[], metavar="FILE",
                        help="page_change event files (JSON lines, plain or .gz)")
    parser.add_argument("--snapshot", required=True, metavar="YYYYMMDD", help="the snapshot to build")
    parser.add_argument("--base-snapshot", metavar="YYYYMMDD",
                        help="the snapshot to start from (default: the latest in --base before --snapshot)")
    parser.add_argument("--wiki-db", metavar="NAME", help="the wiki (default: the adds/changes dumps')")
    parser.add_argument("--table", action="store_true",
                        help="keep the datasets as Iceberg tables in --base (<base>/_tables, SQLite catalog; seeded "
                             "from the base snapshot's Parquet the first time) and commit only the rows that changed, "
                             "tagged with --snapshot; only errors is published as Parquet")
    parser.add_argument("--table-buckets", type=int, default=16, metavar="N",
                        help="page_id buckets of the tables --table creates: a change rewrites the buckets its pages "
                             "are in (default: %(default)s)")


def plan(job, args):
    """The job's Config from the command line."""
    if args.table_buckets < 1:
        raise UsageError(f"--table-buckets {args.table_buckets}: at least 1")
    if args.resume:
        raise UsageError("--resume is not supported by the update job: a killed update is finished by running it again")
    return job.plan(args.output, unique_paths(args.increments), unique_paths(args.events), args.snapshot,
                    base_snapshot=args.base_snapshot, wiki_db=args.wiki_db, table=args.table,
                    table_buckets=args.table_buckets)
