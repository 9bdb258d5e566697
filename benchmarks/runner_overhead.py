"""The same `history` job on local, Flink, Spark and Prism on this machine: what each engine costs.

    .venv/bin/python -m benchmarks.runner_overhead [--size-mb 150] [--runs 3] [--split-size-mb 1]

Needs `make fetch-runners`. Input: the multistream file of benchmarks.parallel_speedup (real aawiki
history replicated to --size-mb of XML, with its index). A Flink cluster (JobManager + TaskManager, 2
slots) and a Spark standalone cluster (master + worker, 2 cores) are started on 127.0.0.1 for the
whole benchmark; every run uses 2 Python workers. Each round runs the four runners back to back; the
report gives medians and each runner's median against the local runner's.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.parallel_speedup import build_inputs
from benchmarks.timing import median, run_timed
from runners.clusters import processes as clusters


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--split-size-mb", type=float, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench")
    args = parser.parse_args(argv)
    path = build_inputs(args.workdir, args.size_mb)["multistream"]
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    flink = clusters.start_flink(folder=args.workdir / f"flink-{os.getpid()}")
    spark = clusters.start_spark(folder=args.workdir / f"spark-{os.getpid()}")
    runners = {
        "local": [],
        "flink": [f"--flink_master={flink.master}"],
        "spark": [f"--spark_master_url={spark.master}"],
        "prism": [],
    }
    times: dict[str, list[float]] = {name: [] for name in runners}
    try:
        for round_number in range(args.runs):
            for name, options in runners.items():
                output = args.workdir / f"out-runners-{os.getpid()}"
                shutil.rmtree(output, ignore_errors=True)
                seconds, _ = run_timed([wikidumps, "run", "history", "--runner", name, "--workers", "2",
                                        "--split-size-mb", str(args.split_size_mb), *options,
                                        "--input", str(path), "--output", str(output)])
                times[name].append(seconds)
                print(f"round {round_number + 1}: {name} {seconds:.1f} s", file=sys.stderr)
    finally:
        clusters.stop(flink)
        clusters.stop(spark)
    local = median(times["local"])
    report = {"input": path.name, "xml_mb": round(args.size_mb), "runs": args.runs, "runners": {
        name: {"seconds": [round(t, 1) for t in values], "median": round(median(values), 1),
               "against_local": round(median(values) / local, 2)}
        for name, values in times.items()}}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
