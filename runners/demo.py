"""`make demo`: the history job on the bundled samplewiki, then the report about what it wrote."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runners import cli
from runners.report import write_report

SAMPLE_DUMPS = Path(__file__).resolve().parent.parent / "sample_dumps"
HISTORY_DUMP = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run wikidumps on the bundled samplewiki.")
    parser.add_argument("--output", default="demo-output", help="output folder (default %(default)s)")
    args = parser.parse_args(argv)
    code = cli.main(["run", "history", "--input", str(HISTORY_DUMP), "--output", args.output])
    if code != 0:
        return code
    print(f"\nDatasets, data cards (README.md) and manifests (_manifest.json) are in {Path(args.output).resolve()}")
    print(f"Report (open it in a browser): {write_report(args.output).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
