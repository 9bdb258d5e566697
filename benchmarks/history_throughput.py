"""`history` throughput against mwxml iterating the same file, side by side, median of several runs.

    .venv/bin/python -m benchmarks.history_throughput [--size-mb 150] [--runs 3] [--compression none]
        [--baseline-project /tmp/before]

Input: the real aawiki full history (../shared/data/real) replicated with fresh ids to --size-mb of XML.
Each round runs mwxml and then `wikidumps run history --workers 1` on the same file (and, with
--baseline-project, the same command from another checkout: a change before and after), so all see the
same machine load; the report gives medians of wall-clock and of CPU seconds, MB/s of XML, pages/s and
the ratios of medians to mwxml. With --compression bz2 each round also runs `bzcat FILE > /dev/null`, the
decompression floor of one worker, and the report says how many times the floor each tool takes.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.inputs import aawiki_history_xml, compress_bz2, replicate
from benchmarks.timing import median, run_timed_cpu


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compression", choices=["none", "bz2"], default="none")
    parser.add_argument("--baseline-project", type=Path,
                        help="another checkout of wikidumps (say, `git worktree add /tmp/before <commit>`, built) run "
                             "with this .venv and that checkout first on PYTHONPATH, in the same rounds")
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

    tools = {"mwxml": ([python, "-m", "benchmarks.mwxml_baseline", str(path)], None)}
    if args.compression == "bz2":  # the decompression floor of one worker: one core decoding the file, nothing else
        tools["bzcat"] = (["sh", "-c", 'exec bzcat "$0" > /dev/null', str(path)], None)
    for name, project in (("wikidumps", None), ("wikidumps-baseline", args.baseline_project)):
        if name == "wikidumps" or project:
            output = str(args.workdir / f"{name}-out")
            environment = {"PYTHONPATH": str(project.resolve())} if project else None
            tools[name] = ([wikidumps, "run", "history", "--workers", "1", "--input", str(path), "--output", output],
                           environment)
    wall: dict[str, list[float]] = {name: [] for name in tools}
    cpu: dict[str, list[float]] = {name: [] for name in tools}
    counts = ""
    for round_number in range(args.runs):
        for name, (command, environment) in tools.items():
            if name.startswith("wikidumps"):
                shutil.rmtree(command[command.index("--output") + 1], ignore_errors=True)
            seconds, cpu_seconds, stdout = run_timed_cpu(command, environment)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            counts = stdout if name == "mwxml" else counts
            print(f"round {round_number + 1}: {name} {seconds:.1f} s ({cpu_seconds:.1f} CPU s)", file=sys.stderr)
    pages, revisions, _ = map(int, counts.split())
    report = {"input": path.name, "xml_mb": round(xml_mb, 1), "pages": pages, "revisions": revisions, "runs": args.runs}
    for name in tools:
        report[name] = {
            "seconds": [round(t, 2) for t in wall[name]], "cpu_seconds": [round(t, 2) for t in cpu[name]],
            "mb_per_s": round(xml_mb / median(wall[name]), 2), "pages_per_s": round(pages / median(wall[name])),
            "revisions_per_s": round(revisions / median(wall[name])),
            "mb_per_cpu_s": round(xml_mb / median(cpu[name]), 2),
            "wall_ratio_to_mwxml": round(median(wall["mwxml"]) / median(wall[name]), 3),
            "cpu_ratio_to_mwxml": round(median(cpu["mwxml"]) / median(cpu[name]), 3),
        }
        if "bzcat" in tools:  # how many times the floor a tool takes (1.0 would be decoding alone)
            report[name]["wall_times_floor"] = round(median(wall[name]) / median(wall["bzcat"]), 3)
            report[name]["cpu_times_floor"] = round(median(cpu[name]) / median(cpu["bzcat"]), 3)
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
