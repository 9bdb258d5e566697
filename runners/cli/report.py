"""`wikidumps report OUTPUT_DIR`: an HTML page with the datasets' sizes, errors and charts."""
from __future__ import annotations

import sys

HELP = "write a self-contained HTML report (sizes, errors, charts) about an output folder or published datasets"
DESCRIPTION = (
    "Write OUTPUT_DIR/report.html: rows and sizes per dataset, errors by stage, and a section with charts "
    "for each dataset that has one (edits, editor activity, knowledge gaps, citations). OUTPUT_DIR may also be "
    "a published source (https://..., gs://...): the datasets the report reads are downloaded into the cache, "
    "verified, and the page is written to ./report.html. The page needs no network to be viewed."
)


def add_arguments(parser) -> None:
    parser.add_argument("output", metavar="OUTPUT_DIR",
                        help="output folder of `wikidumps run`, or a published source (https://..., gs://...)")
    parser.add_argument("--to", metavar="FILE",
                        help="where to write the page (default OUTPUT_DIR/report.html; ./report.html for a source)")
    parser.add_argument("--compare", metavar="OTHER_DIR",
                        help="an output of `run content` on the other source of the same wiki (an Enterprise HTML "
                             "dump beside an XML dump): a section compares their text and links")
    parser.add_argument("--update", metavar="UPDATED_DIR",
                        help="a folder `run update` brought to a later snapshot: a section shows what changed "
                             "between its last two snapshots")


def run(args, beam_args: list[str]) -> int:
    from wikidumps.report import write_report  # pyarrow is imported only when a report is written
    from wikidumps.stores import StoreError
    from wikidumps.transfer import TransferError, VerificationError

    try:
        path = write_report(args.output, args.to, args.compare, args.update)
    except (StoreError, TransferError, VerificationError) as exc:
        print(f"wikidumps report: error: {exc}", file=sys.stderr)
        return 1
    print(path.resolve())
    return 0
