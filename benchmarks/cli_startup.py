"""How long the `wikidumps` command takes to answer `--help` and argument errors, against a bare interpreter.

    .venv/bin/python -m benchmarks.cli_startup [--runs 9]

Each round runs every command once, interleaved, as a user types them (the console script of the
virtual environment, a fresh process each time); the report gives each command's median wall time and
its excess over `python -c pass`, the interpreter's own start. A mistyped option needs Beam's option
names: the first command after a Beam install learns them by importing Beam and caches them
(runners/cli/run/options.py); "misspelt option, cold" is that first command, run against an empty cache
every round, the other lines run with the cache in place.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import median

SAMPLE_DUMPS = Path(__file__).resolve().parent.parent / "sample_dumps"

BUDGET_SECONDS = 0.3  # what the command must answer these in


def timed(command: list[str], env: dict, expected_code: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != expected_code:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}, not {expected_code}:\n{done.stderr[-2000:]}")
    return elapsed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    dump = str(SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2")
    work = Path(tempfile.mkdtemp(prefix="wikidumps-cli-startup-"))
    misspelt = [wikidumps, "run", "history", "--input", dump, "--output", str(work / "out"), "--resmue"]
    commands = {  # name -> (command line, exit code, cache)
        "python -c pass": ([sys.executable, "-c", "pass"], 0, "warm"),
        "wikidumps --help": ([wikidumps, "--help"], 0, "warm"),
        "wikidumps run --help": ([wikidumps, "run", "--help"], 0, "warm"),
        "wikidumps run content --help": ([wikidumps, "run", "content", "--help"], 0, "warm"),
        "missing --input": ([wikidumps, "run", "history", "--output", str(work / "out")], 2, "warm"),
        "misspelt option": (misspelt, 2, "warm"),
        "misspelt option, cold": (misspelt, 2, "cold"),
    }
    warm = dict(os.environ, WIKIDUMPS_CACHE=str(work / "cache"))
    timed(misspelt, warm, 2)  # fills the warm cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(args.runs):
        for name, (command, code, cache) in commands.items():
            env = warm if cache == "warm" else dict(os.environ, WIKIDUMPS_CACHE=str(work / f"cold-{round_number}"))
            times[name].append(timed(command, env, code))
    shutil.rmtree(work, ignore_errors=True)
    bare = median(times["python -c pass"])
    report = {name: {"median_s": round(median(values), 3), "over_bare_interpreter_s": round(median(values) - bare, 3),
                     "within_budget": median(values) < BUDGET_SECONDS, "runs": len(values)}
              for name, values in times.items()}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
