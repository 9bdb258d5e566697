"""What deltas cost and save: `datasets publish` with and without `--deltas`, and an affiliate's `datasets
download --snapshot D2` (the whole later snapshot) against `download --since D1` (the deltas, applied to a
copy of D1), side by side.

    .venv/bin/python -m benchmarks.deltas_cost [--copies 10] [--changed 0.01] [--runs 3] [--workdir DIR]

Inputs: benchmarks/update_cost.py's month (real enwiki articles replicated --copies times, --changed of the
pages given a new revision in an adds/changes day); an output holding the full build of D1 and `run update`
to D2, made once. Each round, interleaved: publish (to a fresh folder) without and with deltas; download
every dataset's D2 partitions into a fresh folder; bring a fresh copy of D1 to D2 with `--since`. CPU seconds
are the command's (children's rusage); bytes are what the publisher uploads for D2 and what the affiliate
fetches. Medians of --runs rounds.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.update_cost import D1, D2, full_build, make_month, wikidumps


def _datasets(output: Path) -> list[str]:
    return sorted(p.name for p in output.iterdir() if (p / "_manifest.json").is_file() and not p.name.startswith("_"))


def _fetched_bytes(site: Path, names: list[str], deltas: bool) -> int:
    """What an affiliate fetches for D2: its partitions' files, or the deltas from D1."""
    total = 0
    for name in names:
        manifest = json.loads((site / name / "_manifest.json").read_text())
        if deltas:
            total += sum(f["bytes"] for d in manifest.get("deltas", []) if d["to_snapshot"] == D2 for f in d["files"])
        else:
            total += sum(f["bytes"] for p in manifest["partitions"] if p["snapshot"] == D2 for f in p["files"])
    return total


def _timed(step) -> tuple[float, float]:
    started = time.perf_counter()
    cpu = step()
    return time.perf_counter() - started, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="wikidumps-deltas-"))
    month = make_month(work / "inputs", copies=args.copies, changed=args.changed)
    output, d1_copy_source = work / "output", work / "d1-site"
    full_build(output, month["d1"])
    names = _datasets(output)
    wikidumps("datasets", "publish", str(output), str(d1_copy_source))  # D1 only, for the affiliate's copy
    wikidumps("run", "update", "--base", str(output), "--increments", str(month["seed_day"]), str(month["day"]),
              "--snapshot", D2, "--workers", "1")
    print(f"{month['pages']:,} pages, {month['changed']:,} changed; datasets: {', '.join(names)}")
    figures: dict[str, list[tuple[float, float]]] = {}
    sizes = {}
    for round_number in range(args.runs):
        rounds = work / f"round-{round_number}"
        plain, with_deltas = rounds / "site-plain", rounds / "site-deltas"
        figures.setdefault("publish", []).append(_timed(lambda: wikidumps("datasets", "publish", str(output), str(plain))))
        figures.setdefault("publish --deltas", []).append(
            _timed(lambda: wikidumps("datasets", "publish", str(output), str(with_deltas), "--deltas")))
        full_copy, delta_copy = rounds / "affiliate-full", rounds / "affiliate-deltas"
        for name in names:  # the affiliate's copy of D1, made before the round's timing
            wikidumps("datasets", "download", str(d1_copy_source), name, "--snapshot", D1, "--to", str(delta_copy))
        figures.setdefault("download --snapshot D2", []).append(_timed(lambda: sum(
            wikidumps("datasets", "download", str(with_deltas), name, "--snapshot", D2, "--to", str(full_copy))
            for name in names)))
        figures.setdefault("download --since D1", []).append(_timed(lambda: sum(
            wikidumps("datasets", "download", str(with_deltas), name, "--since", D1, "--to", str(delta_copy))
            for name in names)))
        sizes = {"download --snapshot D2": _fetched_bytes(with_deltas, names, deltas=False),
                 "download --since D1": _fetched_bytes(with_deltas, names, deltas=True)}
        shutil.rmtree(rounds)
    print(f"{'step':<24} {'wall s':>8} {'CPU s':>8} {'MB fetched':>11}   (medians of {args.runs} rounds)")
    for step, values in figures.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        fetched = f"{sizes[step] / 1e6:.2f}" if step in sizes else ""
        print(f"{step:<24} {wall:>8.1f} {cpu:>8.1f} {fetched:>11}")
    if not args.workdir:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
