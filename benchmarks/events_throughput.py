"""`events` throughput per format against a plain parsing loop over the same file, median of several runs.

    .venv/bin/python -m benchmarks.events_throughput [--copies 40] [--runs 3]

Inputs: the samplewiki history as event dumps (sample_dumps/), replicated --copies times with fresh page
and revision ids, written as JSON lines (.gz), Avro (deflate) and MediaWiki history TSV (.bz2). Each round
times the baseline (json.loads per line / fastavro.reader / split on tabs, after the same decompression)
and then `wikidumps run events --workers 1` on the same file; the report gives events/s and the ratio of
medians (our speed as a share of the baseline's, one worker each).
"""
from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

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


def replicated_events(copies: int) -> tuple[list[dict], bytes]:
    """page_change and user events, and TSV lines, of `copies` shifted copies of samplewiki."""
    wiki = build_wiki()
    base_events = page_change_events(wiki) + user_log_events(wiki)
    base_tsv = history_tsv(wiki).decode("utf-8").splitlines(keepends=True)
    events, tsv = [], []
    for copy in range(copies):
        shift = copy * 1_000_000
        for event in base_events:
            event = json.loads(json.dumps(event))
            if "page" in event:
                event["page"]["page_id"] += shift
                event["revision"]["rev_id"] += shift
                if event["revision"].get("rev_parent_id"):
                    event["revision"]["rev_parent_id"] += shift
            events.append(event)
        for line in base_tsv:
            fields = line.split("\t")
            for index in (HISTORY_COLUMNS.index("page_id"), HISTORY_COLUMNS.index("revision_id")):
                if fields[index]:
                    fields[index] = str(int(fields[index]) + shift)
            tsv.append("\t".join(fields))
    return events, "".join(tsv).encode("utf-8")


def write_inputs(folder: Path, copies: int) -> dict[str, tuple[Path, int]]:
    import fastavro

    events, tsv = replicated_events(copies)
    paths = {}
    json_path = folder / f"benchwiki-20260101-events-{copies}.json.gz"
    json_path.write_bytes(gzip.compress("".join(json.dumps(e) + "\n" for e in events).encode(), 6))
    paths["json"] = (json_path, len(events))
    records = []
    for event in events:
        if "page" in event:
            record = dict(event)
            record["_schema"] = record.pop("$schema")
            records.append(record)
    avro_path = folder / f"benchwiki-20260101-page_change-{copies}.avro"
    out = io.BytesIO()
    fastavro.writer(out, fastavro.parse_schema(PAGE_CHANGE_AVRO_SCHEMA), records, codec="deflate")
    avro_path.write_bytes(out.getvalue())
    paths["avro"] = (avro_path, len(records))
    tsv_path = folder / f"2025-12.benchwiki.all-time-{copies}.tsv.bz2"
    tsv_path.write_bytes(bz2.compress(tsv, 9))
    paths["tsv"] = (tsv_path, tsv.count(b"\n"))
    return paths


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench-events")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    inputs = write_inputs(args.workdir, args.copies)
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    report = {"copies": args.copies, "runs": args.runs, "formats": {}}
    for name, (path, count) in inputs.items():
        baseline, ours = [], []
        for round_number in range(args.runs):
            seconds, _ = run_timed([sys.executable, "-c", BASELINE[name], str(path)])
            baseline.append(seconds)
            output = args.workdir / "out"
            shutil.rmtree(output, ignore_errors=True)
            seconds, _ = run_timed([wikidumps, "run", "events", "--workers", "1", "--input", str(path),
                                    "--output", str(output)])
            ours.append(seconds)
            print(f"{name} round {round_number + 1}: baseline {baseline[-1]:.1f} s, wikidumps {ours[-1]:.1f} s",
                  file=sys.stderr)
        report["formats"][name] = {
            "file": path.name, "records": count,
            "baseline_seconds": [round(t, 2) for t in baseline], "wikidumps_seconds": [round(t, 2) for t in ours],
            "baseline_records_per_s": round(count / median(baseline)),
            "wikidumps_records_per_s": round(count / median(ours)),
            "ratio_to_baseline": round(median(baseline) / median(ours), 3),
        }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
