"""`make demo`: the jobs on the bundled samplewiki, one after the other into one folder, then the report."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runners import cli
from runners.report import write_report

SAMPLE_DUMPS = Path(__file__).resolve().parent.parent / "sample_dumps"
HISTORY_DUMP = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
WIKIDATA_DUMP = SAMPLE_DUMPS / "wikidata-20260101-all.json.gz"
PAGEVIEW_DUMPS = SAMPLE_DUMPS / "pageviews"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run wikidumps on the bundled samplewiki.")
    parser.add_argument("--output", default="demo-output", help="output folder (default %(default)s)")
    args = parser.parse_args(argv)
    steps = [
        ["run", "history", "--input", str(HISTORY_DUMP), "--output", args.output],
        ["run", "wikidata", "--input", str(WIKIDATA_DUMP), "--wiki-db", "samplewiki", "--output", args.output],
        ["run", "pageviews", "--input", *sorted(str(p) for p in PAGEVIEW_DUMPS.iterdir()), "--output", args.output],
        ["run", "editor-activity", "--revisions", args.output, "--output", args.output],
    ]
    for step in steps:
        print(f"\n$ wikidumps {' '.join(step)}", flush=True)
        code = cli.main(step)
        if code != 0:
            return code
    print(f"\nDatasets, data cards (README.md) and manifests (_manifest.json) are in {Path(args.output).resolve()}")
    print(f"Report (open it in a browser): {write_report(args.output).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
