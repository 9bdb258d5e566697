"""`content` throughput against wikiextractor and the mwparserfromhell recipe, side by side.

    make bench-tools        # wikiextractor and mwparserfromhell (dev extra) and wikrs 0.4.0 (cargo) into .venv
    .venv/bin/python -m benchmarks.content_throughput [--size-mb 150] [--runs 3] [--split-size-mb MB]

Input: the real English Wikipedia pages of ../shared/data/real (206 pages of May 2016: 106 articles, 100
redirects) replicated with fresh page ids to --size-mb of XML, packed as Wikimedia publishes
pages-articles-multistream (bz2 streams of 100 pages, with the index). The same file goes to:

- `wikidumps run content` (all five datasets and errors, Parquet, local runner: one worker per core);
- `wikidumps run content --datasets plain_text` (plain_text and errors), as `wikidumps-plain-text`;
- `wikiextractor --no-templates --processes 2` (PyPI wikiextractor);
- wikrs 0.4.0 (crates.io, Rust; text only) with the multistream index, JSON lines to a file;
- the mwparserfromhell recipe of HuggingFace's and TFDS's Wikipedia builders on 2 processes
  (benchmarks/mwparserfromhell_baseline.py).

Each round runs the three one after the other, in an order that rotates from round to round, so they see
the same machine load; the report gives medians over the rounds, MB/s of XML, articles per second and
the ratios of wikidumps' throughput to each baseline's, and the CPU seconds (user + system) of each command
with its children, which a machine shared with other jobs disturbs less than the wall clock.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.inputs import enwiki_articles_xml, replicate, write_multistream
from benchmarks.timing import median, run_timed_cpu

NAME = "benchwiki-20260101-pages-articles"
PROJECT = Path(__file__).resolve().parent.parent


def build_input(workdir: Path, size_mb: float) -> tuple[Path, Path]:
    """The replicated XML and its multistream .bz2 (built once, reused by later runs)."""
    xml = workdir / f"{NAME}-{int(size_mb)}mb.xml"
    dump = workdir / f"{NAME}-{int(size_mb)}mb-multistream.xml.bz2"
    if not dump.exists():
        replicate(enwiki_articles_xml(), int(size_mb * 1e6), xml)
        write_multistream(xml, dump)
    return xml, dump


def index_of(dump: Path) -> Path:
    """The multistream index beside a dump, named as Wikimedia names it (benchmarks.inputs.write_multistream)."""
    return dump.with_name(dump.name.replace("multistream.xml.bz2", "multistream-index.txt.bz2"))


def commands(dump: Path, workdir: Path, split_size_mb: float | None) -> dict[str, list[str]]:
    python = sys.executable
    bin_dir = Path(python).parent
    split = ["--split-size-mb", str(split_size_mb)] if split_size_mb else []  # else the job's default
    return {
        "wikidumps": [str(bin_dir / "wikidumps"), "run", "content", "--input", str(dump), "--output",
                      str(workdir / "wikidumps-out"), *split],
        "wikidumps-plain-text": [str(bin_dir / "wikidumps"), "run", "content", "--datasets", "plain_text",
                                 "--input", str(dump), "--output", str(workdir / "wikidumps-plain-text-out"), *split],
        # wikrs writes to stdout; the shell sends it to a file, as the other tools write theirs.
        "wikrs": ["sh", "-c", 'exec "$0" --input "$1" --index "$2" --format jsonl > "$3"', str(bin_dir / "wikrs"),
                  str(dump), str(index_of(dump)), str(workdir / "wikrs-out.jsonl")],
        "wikiextractor": [str(bin_dir / "wikiextractor"), "--no-templates", "--processes", "2", "-q", "-o",
                          str(workdir / "wikiextractor-out"), str(dump)],
        "mwparserfromhell": [python, "-m", "benchmarks.mwparserfromhell_baseline", str(dump),
                             str(workdir / "mwparserfromhell-out.jsonl"), "--processes", "2"],
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--split-size-mb", type=float, help="compressed MB per wikidumps split (default: the job's)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench-content")
    parser.add_argument("--only", action="append", help="run only these tools (repeatable)")
    parser.add_argument("--baseline-project", type=Path,
                        help="another checkout of wikidumps (say, `git worktree add /tmp/before <commit>`) run as "
                             "the tool `wikidumps-baseline`, with this .venv and that checkout first on PYTHONPATH, "
                             "in the same rounds: a change measured before and after, side by side")
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    xml, dump = build_input(args.workdir, args.size_mb)
    xml_mb = xml.stat().st_size / 1e6
    tools = commands(dump, args.workdir, args.split_size_mb)
    environments: dict[str, dict] = {}
    # Each command runs in its own checkout: the local workers are started with `python -m`, which puts the
    # current folder first on their import path, before PYTHONPATH.
    folders = {name: str(PROJECT) for name in tools}
    if args.baseline_project:
        baseline = list(tools["wikidumps"])
        baseline[baseline.index("--output") + 1] = str(args.workdir / "wikidumps-baseline-out")
        tools["wikidumps-baseline"] = baseline
        environments["wikidumps-baseline"] = {"PYTHONPATH": str(args.baseline_project.resolve())}
        folders["wikidumps-baseline"] = str(args.baseline_project.resolve())
    if args.only:
        tools = {name: command for name, command in tools.items() if name in args.only}
    seconds: dict[str, list[float]] = {name: [] for name in tools}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in tools}
    loads = []
    for round_number in range(args.runs):
        names = list(tools)
        names = names[round_number % len(names):] + names[: round_number % len(names)]
        loads.append(round(os.getloadavg()[0], 2))
        for name in names:
            shutil.rmtree(args.workdir / f"{name}-out", ignore_errors=True)  # a tool's own last output
            elapsed, cpu, _ = run_timed_cpu(tools[name], environments.get(name), folders[name])
            seconds[name].append(elapsed)
            cpu_seconds[name].append(cpu)
            print(f"round {round_number + 1}: {name} {elapsed:.1f} s, {cpu:.1f} CPU s", file=sys.stderr)
    articles = articles_in(args.workdir)
    report = {
        "input": dump.name, "xml_mb": round(xml_mb, 1), "compressed_mb": round(dump.stat().st_size / 1e6, 1),
        "articles": articles, "runs": args.runs, "cores": os.cpu_count(), "load_average_at_round_start": loads,
        "seconds": {name: [round(t, 2) for t in times] for name, times in seconds.items()},
        "median_seconds": {name: round(median(times), 2) for name, times in seconds.items()},
        # user + system of each command and its children: steadier than wall-clock on a shared machine
        "cpu_seconds": {name: [round(t, 2) for t in times] for name, times in cpu_seconds.items()},
        "median_cpu_seconds": {name: round(median(times), 2) for name, times in cpu_seconds.items()},
        "mb_per_s": {name: round(xml_mb / median(times), 2) for name, times in seconds.items()},
        "articles_per_s": {name: round(articles / median(times), 1) for name, times in seconds.items()},
    }
    for ours in ("wikidumps", "wikidumps-plain-text"):  # each the other tools' time over its own
        if ours in seconds:
            report[f"{ours.replace('-', '_')}_speedup"] = {
                name: round(median(times) / median(seconds[ours]), 2) for name, times in seconds.items() if name != ours}
    print(json.dumps(report, indent=2))
    return report


def articles_in(workdir: Path) -> int | None:
    """Articles written by the last wikidumps run (its plain_text row count)."""
    manifest = workdir / "wikidumps-out" / "plain_text" / "_manifest.json"
    if not manifest.exists():
        return None
    return sum(p["rows"] for p in json.loads(manifest.read_text())["partitions"])


if __name__ == "__main__":
    main()
