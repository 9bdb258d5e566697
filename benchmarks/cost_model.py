"""Per-core cost of reading history dumps: per XML byte, per revision, and per byte of bz2 decompression.

    .venv/bin/python -m benchmarks.cost_model [--runs 3]

The history job's reading step (splits.read_split + the history row builder, what one worker does)
runs in this one process on two real-text inputs that differ in revision size, so that
`seconds = XML bytes / B + revisions / R` can be solved for B (XML bytes per second) and R (revisions
per second): the aawiki full history replicated to 150 MB (about 2.8 kB per revision) and one page of
4,000 revisions of about 66 kB (benchmarks.history_memory's input), both uncompressed. bz2
decompression alone is timed on the aawiki file compressed (D, XML bytes out per second). Medians of
--runs; docs/performance.md uses them for the full English Wikipedia estimate.
"""
from __future__ import annotations

import argparse
import bz2
import json
import tempfile
import time
from pathlib import Path

from benchmarks.history_memory import write_one_page_history
from benchmarks.inputs import aawiki_history_xml, compress_bz2, replicate
from benchmarks.timing import median
from transforms.revisions.history import history_rows
from transforms.xml.inputs import describe_input
from transforms.xml.splits import XmlSplit, read_split


def read_seconds(path: Path) -> tuple[float, int, int]:
    source = describe_input(str(path))
    began = time.perf_counter()
    revisions = 0
    with read_split(XmlSplit(source, 0, None, None), lambda page, s: history_rows(page, is_history=True),
                    texts=False) as reader:
        for _ in reader:
            pass
        revisions = reader.stats.revisions
    return time.perf_counter() - began, path.stat().st_size, revisions


def decompress_seconds(path: Path) -> tuple[float, int]:
    began = time.perf_counter()
    out = 0
    decompressor = bz2.BZ2Decompressor()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            out += len(decompressor.decompress(block))
    return time.perf_counter() - began, out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    small = args.workdir / "benchwiki-20260101-pages-meta-history-150mb.xml"
    if not small.exists():
        replicate(aawiki_history_xml(), 150_000_000, small)
    packed = small.with_name(small.name + ".bz2")
    if not packed.exists():
        compress_bz2(small)
    large = args.workdir / "onepagewiki-20260101-pages-meta-history-4000.xml"
    if not large.exists():
        write_one_page_history(large, 4000)
    measured = {"small": [], "large": [], "bz2": []}
    for _ in range(args.runs):
        measured["small"].append(read_seconds(small))
        measured["large"].append(read_seconds(large))
        measured["bz2"].append(decompress_seconds(packed))
    (t1, x1, n1), (t2, x2, n2) = (
        (median([m[0] for m in measured[k]]), measured[k][0][1], measured[k][0][2]) for k in ("small", "large"))
    # t = x / B + n / R for both inputs: two equations, two unknowns (per-byte and per-revision seconds).
    per_revision = (t1 * x2 - t2 * x1) / (n1 * x2 - n2 * x1)
    per_byte = (t1 - n1 * per_revision) / x1
    decompress = median([m[0] for m in measured["bz2"]])
    report = {
        "inputs": {"small": {"xml_mb": round(x1 / 1e6, 1), "revisions": n1, "seconds": [round(m[0], 2) for m in measured["small"]]},
                   "large": {"xml_mb": round(x2 / 1e6, 1), "revisions": n2, "seconds": [round(m[0], 2) for m in measured["large"]]}},
        "xml_mb_per_s_B": round(1 / per_byte / 1e6, 1),
        "revisions_per_s_R": round(1 / per_revision),
        "bz2_xml_mb_per_s_D": round(measured["bz2"][0][1] / decompress / 1e6, 1),
        "bz2_seconds": [round(m[0], 2) for m in measured["bz2"]],
    }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
