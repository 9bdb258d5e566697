"""`history` with 2 local workers against 1, on one multistream file and on one plain .bz2 file.

    .venv/bin/python -m benchmarks.parallel_speedup [--size-mb 150] [--runs 3] [--split-size-mb 1]

Input: the real aawiki full history (../shared/data/real) replicated with fresh ids to --size-mb of XML,
compressed twice: as a multistream .bz2 with its index (100 pages per stream, as Wikimedia packs them)
and as one plain single-stream .bz2, which wikidumps splits at bz2 block boundaries. Each round runs
`--workers 1` and `--workers 2` on each file back to back, so both see the same machine load; the report
gives medians and the speed-up (median 1-worker seconds / median 2-worker seconds), and the CPU seconds of
each command with its workers (what a second worker costs in all: its start, the bundles' round trips).

The machine is shared: other work takes CPU time from the two cores at random. So each round also
times a fixed CPU-bound Python loop run once alone and twice at the same time; the ratio is the
speed-up this machine itself gave two processes in that round, the ceiling for any 2-worker run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.inputs import aawiki_history_xml, compress_bz2, replicate, write_multistream
from benchmarks.timing import median, run_timed_cpu


def build_inputs(workdir: Path, size_mb: float) -> dict[str, Path]:
    workdir.mkdir(parents=True, exist_ok=True)
    xml = workdir / f"benchwiki-20260101-pages-meta-history-{int(size_mb)}mb.xml"
    if not xml.exists():
        replicate(aawiki_history_xml(), int(size_mb * 1e6), xml)
    plain = xml.with_name(xml.name + ".bz2")
    if not plain.exists():
        compress_bz2(xml)
    multistream = xml.with_name(xml.name.replace(".xml", "-multistream.xml") + ".bz2")
    if not multistream.exists():
        write_multistream(xml, multistream)
    return {"multistream": multistream, "plain bz2": plain}


SPIN = "import time\nbegan = time.perf_counter()\nx = 0\nfor i in range(20_000_000): x += i\nprint(time.perf_counter() - began)"


def machine_speedup() -> float:
    """Seconds of one busy loop alone / seconds of the slower of two run at once."""
    alone = float(subprocess.run([sys.executable, "-c", SPIN], capture_output=True, text=True).stdout)
    pair = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    together = max(float(process.communicate()[0]) for process in pair)
    return alone / together * 2


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--split-size-mb", type=float, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench")
    args = parser.parse_args(argv)
    inputs = build_inputs(args.workdir, args.size_mb)
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    times: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[float]] = {}
    capacity = []
    for round_number in range(args.runs):
        capacity.append(machine_speedup())
        print(f"round {round_number + 1}: two busy loops ran {capacity[-1]:.2f}x as fast as one", file=sys.stderr)
        for kind, path in inputs.items():
            for workers in (1, 2):
                output = args.workdir / f"out-speedup-{os.getpid()}"
                shutil.rmtree(output, ignore_errors=True)
                seconds, cpu_seconds, _ = run_timed_cpu([wikidumps, "run", "history", "--workers", str(workers), "--split-size-mb",
                                        str(args.split_size_mb), "--input", str(path), "--output", str(output)])
                times.setdefault((kind, workers), []).append(seconds)
                cpu.setdefault((kind, workers), []).append(cpu_seconds)
                print(f"round {round_number + 1}: {kind}, {workers} worker(s): {seconds:.1f} s ({cpu_seconds:.1f} CPU s)",
                      file=sys.stderr)
    report = {"xml_mb": round(args.size_mb), "runs": args.runs, "split_size_mb": args.split_size_mb,
              "machine_2_process_speedup": [round(c, 2) for c in capacity], "inputs": {}}
    for kind, path in inputs.items():
        one, two = times[(kind, 1)], times[(kind, 2)]
        report["inputs"][kind] = {
            "file": path.name, "compressed_mb": round(path.stat().st_size / 1e6, 1),
            "seconds_1_worker": [round(t, 1) for t in one], "seconds_2_workers": [round(t, 1) for t in two],
            "speedup": round(median(one) / median(two), 2),
            "cpu_seconds_1_worker": [round(t, 1) for t in cpu[(kind, 1)]],
            "cpu_seconds_2_workers": [round(t, 1) for t in cpu[(kind, 2)]],
        }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
