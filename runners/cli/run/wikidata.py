"""`wikidumps run wikidata`: a Wikidata JSON entity dump into wikidata_entities and errors."""
from __future__ import annotations

from runners.cli.run.options import add_line_input_arguments, resume, split_bytes, unique_paths

NAME = "wikidata"
HELP = "Wikidata JSON entity dump -> wikidata_entities and errors"
DESCRIPTION = (
    "Stream a Wikidata JSON entity dump (latest-all.json, .json.gz or .json.bz2: one entity per line) into "
    "the wikidata_entities dataset (sitelinks, P31, P21, P91, P17, P27, P495, P625 and dates) and errors. "
    "Uncompressed files are read in parallel byte ranges; compressed files one per worker."
)


def add_arguments(parser) -> None:
    add_line_input_arguments(parser, "Wikidata JSON dump file")
    parser.add_argument("--wiki-db", action="extend", nargs="+", metavar="NAME",
                        help="keep sitelinks to these wikis only (enwiki dewiki ...); default: every sitelink")
    parser.add_argument("--snapshot", metavar="YYYYMMDD",
                        help="dump date when the file name does not carry it (latest-all.json)")


def plan(job, args):
    """The job's Config from the command line; None when --resume finds nothing left to do."""
    config = job.plan(unique_paths(args.input), snapshot=args.snapshot,
                      wiki_dbs=frozenset(args.wiki_db) if args.wiki_db else None, split_bytes=split_bytes(args))
    return resume(config, args.output, job.DATASETS, job.partition_of) if args.resume else config
