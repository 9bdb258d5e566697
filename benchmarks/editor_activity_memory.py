"""Peak memory of `editor-activity` on synthetic histories of growing size: flat means it does not grow.

    .venv/bin/python -m benchmarks.editor_activity_memory [--sizes 100000 1000000] [--runs 3]

Each history has the same 5,000 editors (IP, temporary, bots, registered) editing 2,000 pages over 24
months; only the number of revisions changes, so a job whose memory follows editors and months, not
revisions, has the same peak at every size. The `revisions` dataset is written directly as Parquet
in the published layout, 100,000 rows per row group.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.history_memory import peak_rss_mb
from benchmarks.timing import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas import DATASETS  # noqa: E402

EDITORS = 5_000
PAGES = 2_000
START = 1_640_995_200  # 2022-01-01
SPAN = 730 * 86_400
CHUNK = 100_000


def write_history(folder: Path, revisions: int) -> Path:
    schema = DATASETS["revisions"]
    target = folder / "revisions" / "wiki_db=synthwiki" / "snapshot=20240101"
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(revisions)
    with pq.ParquetWriter(target / "part-00000-of-00001.parquet", schema.file_schema, compression="zstd") as writer:
        for start in range(0, revisions, CHUNK):
            rows = []
            for rev_id in range(start + 1, min(start + CHUNK, revisions) + 1):
                editor = int(rng.paretovariate(1.2)) % EDITORS
                anonymous = editor % 10 == 0
                rows.append({
                    "page_id": rng.randrange(PAGES) + 1, "page_namespace": rng.choice((0, 0, 0, 1, 2, 4)),
                    "page_title": "P", "revision_id": rev_id, "revision_timestamp": START + rev_id * SPAN // revisions,
                    "user_id": None if anonymous else editor + 1,
                    "user_text": f"192.0.2.{editor % 250}" if anonymous else f"Editor {editor}" + (" bot" if editor % 97 == 1 else ""),
                    "user_is_anonymous": anonymous, "user_is_temporary": editor % 10 == 5, "user_is_deleted": False,
                    "revision_minor_edit": False, "revision_comment_is_deleted": False,
                    "revision_text_is_deleted": False, "revision_is_identity_revert": False,
                    "revision_is_identity_reverted": rng.random() < 0.05,
                })
            writer.write_table(pa.Table.from_pylist(rows, schema=schema.file_schema))
    return folder


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench-editors")
    args = parser.parse_args(argv)
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    report = {"editors": EDITORS, "runs": args.runs, "sizes": {}}
    for size in args.sizes:
        folder = args.workdir / f"history-{size}"
        if not (folder / "revisions").exists():
            write_history(folder, size)
        results = []
        for round_number in range(args.runs):
            output = args.workdir / "out"
            shutil.rmtree(output, ignore_errors=True)
            results.append(peak_rss_mb([wikidumps, "run", "editor-activity", "--workers", "1", "--revisions",
                                        str(folder), "--output", str(output)]))
            print(f"{size:,} revisions, round {round_number + 1}: {results[-1][1]:.0f} MB in {results[-1][0]:.0f} s",
                  file=sys.stderr)
        report["sizes"][size] = {
            "peak_rss_mb": [round(m) for _, m in results], "seconds": [round(s, 1) for s, _ in results],
            "median_peak_rss_mb": round(median([m for _, m in results])),
            "median_seconds": round(median([s for s, _ in results]), 1),
        }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
