"""`events` throughput per format against a plain parsing loop over the same file, median of several runs.

    .venv/bin/python -m benchmarks.events_throughput [--copies 200] [--small-copies 20] [--runs 3] [--two-workers]
        [--before FOLDER]

Inputs: the samplewiki history as event dumps (sample_dumps/), replicated --copies times with fresh page,
revision and parent ids, written as JSON lines (.gz), Avro (deflate) and MediaWiki history TSV (.bz2), and
the same again with --small-copies. They are written once into --workdir and reused by later runs. Each
round times the baseline (json.loads per line / fastavro.reader / split on tabs, after the same
decompression) and then `wikidumps run events --workers 1` on the same file, large then small; the report
gives records/s and the ratio of medians (our speed as a share of the baseline's, one worker each) for the
large file, and the steady-state ratio: the large file's extra records over the extra seconds they took,
which leaves out what every run pays once (interpreter and Beam start-up, publication). --two-workers also
times `--workers 2` on the large file in each round, for the records/s of the whole job on two cores.
--before FOLDER (a checkout of older code, e.g. `git archive COMMIT | tar -x -C FOLDER`) also times that
code's job with `--workers 1` on the large file in each round, first on the import path.
"""
from __future__ import annotations

import argparse
import bz2
import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from benchmarks.timing import median, run_timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_dumps.events import (  # noqa: E402
    HISTORY_COLUMNS,
    PAGE_CHANGE_AVRO_SCHEMA,
    history_tsv,
    page_change_events,
    user_log_events,
)
from sample_dumps.generate import build_wiki  # noqa: E402

BASELINE = {
    "json": "import gzip,json,sys\nn=0\nfor line in gzip.open(sys.argv[1]):\n    json.loads(line); n+=1\nprint(n)",
    "avro": "import fastavro,sys\nn=0\nfor record in fastavro.reader(open(sys.argv[1],'rb')):\n    n+=1\nprint(n)",
    "tsv": "import bz2,sys\nn=0\nfor line in bz2.open(sys.argv[1]):\n    line.decode().split('\\t'); n+=1\nprint(n)",
}


def replicated_events(copies: int) -> Iterator[tuple[list[dict], list[str]]]:
    """page_change and user events, and TSV lines, of each of `copies` copies of samplewiki, ids shifted."""
    wiki = build_wiki()
    base_events = [json.dumps(event) for event in page_change_events(wiki) + user_log_events(wiki)]
    base_tsv = history_tsv(wiki).decode("utf-8").splitlines(keepends=True)
    id_columns = [HISTORY_COLUMNS.index(name) for name in ("page_id", "revision_id", "revision_parent_id")]
    for copy in range(copies):
        shift = copy * 1_000_000
        events, tsv = [], []
        for text in base_events:
            event = json.loads(text)
            if "page" in event:
                event["page"]["page_id"] += shift
                event["revision"]["rev_id"] += shift
                if event["revision"].get("rev_parent_id"):
                    event["revision"]["rev_parent_id"] += shift
            events.append(event)
        for line in base_tsv:
            fields = line.split("\t")
            for index in id_columns:
                if fields[index] and fields[index] != "0":
                    fields[index] = str(int(fields[index]) + shift)
            tsv.append("\t".join(fields))
        yield events, tsv


def write_inputs(folder: Path, copies: int) -> dict[str, tuple[Path, int]]:
    """The three files of `copies` copies (written once per size and kept in `folder`), and their records."""
    import fastavro

    paths = {"json": folder / f"benchwiki-20260101-events-{copies}.json.gz",
             "avro": folder / f"benchwiki-20260101-page_change-{copies}.avro",
             "tsv": folder / f"2025-12.benchwiki.all-time-{copies}.tsv.bz2"}
    counts = {name: 0 for name in paths}
    counted = folder / f"counts-{copies}.json"
    if counted.exists() and all(path.exists() for path in paths.values()):
        return {name: (path, json.loads(counted.read_text())[name]) for name, path in paths.items()}

    def page_change_records():
        for events, tsv in replicated_events(copies):
            json_file.write("".join(json.dumps(e) + "\n" for e in events).encode())
            tsv_file.write("".join(tsv).encode())
            counts["json"] += len(events)
            counts["tsv"] += len(tsv)
            for event in events:
                if "page" in event:
                    record = dict(event)
                    record["_schema"] = record.pop("$schema")
                    counts["avro"] += 1
                    yield record

    with gzip.open(paths["json"], "wb", 6) as json_file, bz2.open(paths["tsv"], "wb", 9) as tsv_file, \
            open(paths["avro"], "wb") as avro_file:
        fastavro.writer(avro_file, fastavro.parse_schema(PAGE_CHANGE_AVRO_SCHEMA), page_change_records(),
                        codec="deflate")
    counted.write_text(json.dumps(counts))
    return {name: (path, counts[name]) for name, path in paths.items()}


def time_round(name: str, path: Path, workdir: Path) -> tuple[float, float]:
    """Seconds of the baseline loop, then of `wikidumps run events --workers 1`, on one file."""
    baseline, _ = run_timed([sys.executable, "-c", BASELINE[name], str(path)])
    return baseline, time_job(path, workdir, 1)


def time_job(path: Path, workdir: Path, workers: int, code: Path | None = None) -> float:
    """Seconds of `wikidumps run events --workers N` on one file (the code of folder `code` when given)."""
    output = workdir / "out"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "runners.cli.launch"] if code else [str(Path(sys.executable).parent / "wikidumps")]
    seconds, _ = run_timed([*command, "run", "events", "--workers", str(workers), "--input", str(path),
                            "--output", str(output)], env={"PYTHONPATH": str(code)} if code else None)
    return seconds


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=200, help="copies of samplewiki in the large input")
    parser.add_argument("--small-copies", type=int, default=20,
                        help="copies in the small input, for the steady-state rate (0: skip it)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--two-workers", action="store_true",
                        help="also time `--workers 2` on the large file in each round")
    parser.add_argument("--before", type=Path, help="folder of older code to time beside this one")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench-events")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [args.copies] + ([args.small_copies] if args.small_copies else [])
    inputs = {copies: write_inputs(args.workdir, copies) for copies in sizes}
    report = {"copies": args.copies, "small_copies": args.small_copies, "runs": args.runs, "formats": {}}
    for name in BASELINE:
        seconds = {copies: ([], []) for copies in sizes}
        two_workers, before = [], []
        for round_number in range(args.runs):
            if args.before:
                before.append(time_job(inputs[args.copies][name][0], args.workdir, 1, args.before))
                print(f"{name} round {round_number + 1}, {args.copies} copies: before {before[-1]:.1f} s "
                      f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr)
            if args.two_workers:
                two_workers.append(time_job(inputs[args.copies][name][0], args.workdir, 2))
                print(f"{name} round {round_number + 1}, {args.copies} copies: wikidumps --workers 2 "
                      f"{two_workers[-1]:.1f} s (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
            for copies in sizes:
                baseline, ours = time_round(name, inputs[copies][name][0], args.workdir)
                seconds[copies][0].append(baseline)
                seconds[copies][1].append(ours)
                print(f"{name} round {round_number + 1}, {copies} copies: baseline {baseline:.1f} s, "
                      f"wikidumps {ours:.1f} s (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
        path, count = inputs[args.copies][name]
        baseline, ours = (median(times) for times in seconds[args.copies])
        result = {
            "file": path.name, "records": count, "mb": round(path.stat().st_size / 1e6, 1),
            "baseline_seconds": [round(t, 2) for t in seconds[args.copies][0]],
            "wikidumps_seconds": [round(t, 2) for t in seconds[args.copies][1]],
            "baseline_records_per_s": round(count / baseline), "wikidumps_records_per_s": round(count / ours),
            "ratio_to_baseline": round(baseline / ours, 3),
        }
        if before:
            result.update({"before_seconds": [round(t, 2) for t in before],
                           "before_records_per_s": round(count / median(before)),
                           "before_ratio_to_baseline": round(baseline / median(before), 3)})
        if two_workers:
            result.update({"two_workers_seconds": [round(t, 2) for t in two_workers],
                           "two_workers_records_per_s": round(count / median(two_workers))})
        if args.small_copies:
            # Steady state: the extra records of the large file over the extra seconds they took, which
            # leaves out what every run pays once (interpreter and Beam start-up, publication).
            _, small_count = inputs[args.small_copies][name]
            small_baseline, small_ours = (median(times) for times in seconds[args.small_copies])
            extra = count - small_count
            result.update({
                "small_records": small_count, "small_baseline_seconds": round(small_baseline, 2),
                "small_wikidumps_seconds": round(small_ours, 2),
                "steady_baseline_records_per_s": round(extra / (baseline - small_baseline)),
                "steady_wikidumps_records_per_s": round(extra / (ours - small_ours)),
                "steady_ratio_to_baseline": round((baseline - small_baseline) / (ours - small_ours), 3),
            })
        report["formats"][name] = result
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
