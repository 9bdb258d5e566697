"""`wikidumps fetch WIKI DATE KIND --to DIR`: download a dump job's files, verified, and say what to run next."""
from __future__ import annotations

import sys

from runners.cli.run import JOB_COMMANDS
from wikidumps.fetch import DEFAULT_MIRROR, KIND_ALIASES, MIRROR_ENV, FetchRefused, fetch, next_command, summary
from wikidumps.transfer import TransferError, VerificationError

HELP = "download a dump job's files from a dumps mirror, resumed and checked against dumpstatus.json"
DESCRIPTION = (
    "Read <mirror>/WIKI/DATE/dumpstatus.json, refuse a job that is not 'done', download its files into "
    "DIR/WIKI/DATE/ (resuming partial files), verify md5 and sha1, and print the `wikidumps run` command "
    f"to use next. KIND is a job name of dumpstatus.json or one of: {', '.join(sorted(KIND_ALIASES))}. "
    "Exit codes: 0 done, 1 a transfer or a checksum failed, 2 no such run or job, or the job is not done."
)


def add_arguments(parser) -> None:
    parser.add_argument("wiki", metavar="WIKI", help="wiki database name, e.g. enwiki")
    parser.add_argument("date", metavar="DATE", help="run date, YYYYMMDD")
    parser.add_argument("kind", metavar="KIND", help="dump job, e.g. articlesmultistreamdump, metahistorybz2dump, xmlstubsdump")
    parser.add_argument("--to", required=True, metavar="DIR", help="destination folder (files go to DIR/WIKI/DATE/)")
    parser.add_argument("--mirror", metavar="URL",
                        help=f"dumps mirror base URL (default: ${MIRROR_ENV}, else {DEFAULT_MIRROR})")
    parser.add_argument("--files", action="append", metavar="PATTERN",
                        help="fetch only the job's files matching this shell pattern (repeatable)")


def run(args, beam_args: list[str]) -> int:
    try:
        result = fetch(args.wiki, args.date, args.kind, args.to, mirror=args.mirror, patterns=args.files)
    except FetchRefused as exc:
        print(f"wikidumps fetch: error: {exc}", file=sys.stderr)
        return 2
    except (TransferError, VerificationError) as exc:
        print(f"wikidumps fetch: error: {exc}", file=sys.stderr)
        return 1
    print(summary(result))
    print("next:")
    print(f"  {next_command(result, JOB_COMMANDS)}")  # the jobs this install has, to suggest one that exists
    return 0
