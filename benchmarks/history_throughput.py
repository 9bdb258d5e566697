"""`history` throughput against mwxml iterating the same file, side by side, median of several runs.

    .venv/bin/python -m benchmarks.history_throughput [--size-mb 150] [--runs 3] [--compression none]

Input: the real aawiki full history (../shared/data/real) replicated with fresh ids to --size-mb of XML.
Each round runs mwxml and then `wikidumps run history --workers 1` on the same file, so both see the
same machine load; the report gives medians and the ratio of medians.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.inputs import aawiki_history_xml, compress_bz2, replicate
from benchmarks.timing import median, run_timed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compression", choices=["none", "bz2"], default="none")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench")
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    xml_path = args.workdir / f"benchwiki-20260101-pages-meta-history-{int(args.size_mb)}mb.xml"
    if not xml_path.exists():
        replicate(aawiki_history_xml(), int(args.size_mb * 1e6), xml_path)
    path = xml_path
    if args.compression == "bz2":
        path = xml_path.with_name(xml_path.name + ".bz2")
        if not path.exists():
            compress_bz2(xml_path)
    xml_mb = xml_path.stat().st_size / 1e6
    python = sys.executable
    wikidumps = str(Path(python).parent / "wikidumps")

    baseline_times, ours_times = [], []
    for round_number in range(args.runs):
        seconds, counts = run_timed([python, "-m", "benchmarks.mwxml_baseline", str(path)])
        baseline_times.append(seconds)
        output = args.workdir / "out"
        shutil.rmtree(output, ignore_errors=True)
        seconds_ours, _ = run_timed([wikidumps, "run", "history", "--workers", "1", "--input", str(path),
                                     "--output", str(output)])
        ours_times.append(seconds_ours)
        print(f"round {round_number + 1}: mwxml {seconds:.1f} s, wikidumps history {seconds_ours:.1f} s", file=sys.stderr)
    pages, revisions, _ = map(int, counts.split())
    report = {
        "input": path.name, "xml_mb": round(xml_mb, 1), "pages": pages, "revisions": revisions, "runs": args.runs,
        "mwxml_seconds": [round(t, 2) for t in baseline_times],
        "wikidumps_seconds": [round(t, 2) for t in ours_times],
        "mwxml_mb_per_s": round(xml_mb / median(baseline_times), 2),
        "wikidumps_mb_per_s": round(xml_mb / median(ours_times), 2),
        "wikidumps_revisions_per_s": round(revisions / median(ours_times)),
        "ratio_to_mwxml": round(median(baseline_times) / median(ours_times), 3),
    }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
