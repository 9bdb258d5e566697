"""Wikidata reader throughput against bare `json.loads` of the same lines, side by side, median of runs.

    .venv/bin/python -m benchmarks.wikidata_throughput [--size-mb 100] [--runs 3]

Input: the real 22-entity Wikidata dump (../shared/data/real/wikidata-json) repeated to --size-mb of
uncompressed JSON lines. Each round times the baseline (split lines, strip the comma, json.loads) and
then the reader of `wikidumps run wikidata` (transforms.lines.wikidata.read_entities: lines, decoding,
best-rank values, Arrow batches) on one core, so both see the same machine load.
"""
from __future__ import annotations

import argparse
import bz2
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.timing import median
from transforms.lines.inputs import LineInput
from transforms.lines.splits import LineSplit
from transforms.lines.wikidata import read_entities

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "wikidata-json" / "kwnlp__wikidata-20210705-all.json.bz2"


def make_input(size: int, path: Path) -> None:
    lines = [l.rstrip(b",") for l in bz2.decompress(REAL.read_bytes()).splitlines() if l.strip() not in (b"[", b"]")]
    with open(path, "wb") as out:
        out.write(b"[\n")
        written = 0
        while written < size:
            for line in lines:
                out.write(line + b",\n")
                written += len(line) + 2
        out.write(b"]\n")


def baseline(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        for line in handle:
            text = line.strip().rstrip(b",")
            if text not in (b"[", b"]"):
                json.loads(text)
                count += 1
    return count


def reader(path: Path) -> int:
    split = LineSplit(LineInput(str(path), 0, path.stat().st_size, "none", "wikidata-json", "20210705"), 0, None)
    counters: Counter = Counter()
    for _ in read_entities(split, frozenset({"enwiki"}), counters):
        pass
    return counters["entities-written"]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    path = Path(tempfile.gettempdir()) / f"wikidata-bench-{int(args.size_mb)}mb.json"
    if not path.exists():
        make_input(int(args.size_mb * 1e6), path)
    mb = path.stat().st_size / 1e6
    base, ours = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        entities = baseline(path)
        base.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert reader(path) == entities
        ours.append(time.perf_counter() - start)
    report = {"input_mb": round(mb, 1), "entities": entities, "runs": args.runs,
              "json_loads_seconds": [round(t, 2) for t in base], "reader_seconds": [round(t, 2) for t in ours],
              "reader_mb_per_s": round(mb / median(ours), 1), "reader_entities_per_s": round(entities / median(ours)),
              "ratio_to_json_loads": round(median(base) / median(ours), 3)}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
