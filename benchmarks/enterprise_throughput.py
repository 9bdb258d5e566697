"""Enterprise HTML dumps: `run content` against mwparserfromhtml and a bare decoding loop, side by side.

    make bench-tools   # mwparserfromhtml 2.1 (Wikimedia Research's library for these dumps)
    .venv/bin/python -m benchmarks.enterprise_throughput [--records 160] [--runs 3]

Input: the real Enterprise records of ../shared/data/real/enterprise-html (8 pages of 5 wikis, 0.02 to
3 MB of HTML each), replicated with fresh page ids to --records records, written once as a dump
(`enwiki-NS0-...-ENTERPRISE-HTML.json.tar.gz`: a tar.gz of NDJSON) into --workdir. Each round runs, on
the same file and the same 2 cores:

- bare: gzip + tar + `json.loads` of every record, nothing else (one process; the floor of reading);
- mwparserfromhtml: for every record, `Article(html)`, its plain text, wikilinks, citations,
  references and categories, in 2 processes (a multiprocessing pool over the records, which the
  library leaves to its user);
- wikidumps: `wikidumps run content --workers 2`, writing plain_text, sections, citations, links,
  article_quality, pages and errors;
- with --baseline DIR, the same command run from DIR, another checkout of the project (the code before a
  change, e.g. `git archive COMMIT | tar -x -C DIR`, with this one's compiled modules copied in when
  their sources are the same), so that before and after share the rounds' load.

The report gives records/s and MB/s of records (medians of the rounds), the CPU seconds of each command with
its children (steadier than the wall clock on a shared machine), and wikidumps' speed as a multiple of
mwparserfromhtml's.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

from benchmarks.inputs import require_real_data
from benchmarks.text_fidelity import real_records
from benchmarks.timing import median, run_timed_cpu

ROOT = Path(__file__).resolve().parent.parent
DUMP = "enwiki-NS0-20261201-ENTERPRISE-HTML.json.tar.gz"

BARE = """
import json, sys, tarfile
count = 0
with tarfile.open(sys.argv[1], "r:gz") as archive:
    for member in archive:
        for line in archive.extractfile(member):
            json.loads(line)
            count += 1
print(count)
"""

MWPARSERFROMHTML = """
import json, sys, tarfile
from multiprocessing import Pool
from mwparserfromhtml import Article

def extract(line):
    article = Article(json.loads(line)["article_body"]["html"])
    text = "".join(article.get_plaintext())
    stew = article.wikistew
    return len(text), len(stew.get_wikilinks()), len(stew.get_citations()), len(stew.get_references()), \\
        len(stew.get_categories())

def lines(path):
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            yield from archive.extractfile(member)

if __name__ == "__main__":
    with Pool(2) as pool:
        print(sum(1 for _ in pool.imap_unordered(extract, lines(sys.argv[1]), chunksize=1)))
"""


def write_dump(folder: Path, count: int) -> tuple[Path, int]:
    """The real records replicated to `count` records with fresh page ids; (path, bytes of records)."""
    records = real_records()
    data = io.BytesIO()
    for number in range(count):
        record = dict(records[number % len(records)])
        record["identifier"] = 10_000_000 + number
        data.write(json.dumps(record).encode() + b"\n")
    path = folder / DUMP
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("enwiki_namespace_0_0.ndjson")
        info.size = data.tell()
        data.seek(0)
        archive.addfile(info, data)
    return path, info.size


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=160)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout of the project, run as a fourth tool")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench-enterprise")
    args = parser.parse_args(argv)
    require_real_data()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path, size = write_dump(args.workdir, args.records)
    python = sys.executable
    commands = {
        "bare": [python, "-c", BARE, str(path)],
        "mwparserfromhtml": [python, "-c", MWPARSERFROMHTML, str(path)],
        "wikidumps": [python, "-m", "runners.cli.launch", "run", "content", "--workers", "2", "--input", str(path),
                      "--output", str(args.workdir / "out")],
    }
    folders = {}  # tool -> the folder it runs from (its code is imported from there, workers' too)
    if args.baseline:
        commands["baseline"] = commands["wikidumps"]
        folders["baseline"] = str(args.baseline.resolve())
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(args.runs):  # interleaved, so that a noisy moment hits every tool alike
        for name, command in commands.items():
            shutil.rmtree(args.workdir / "out", ignore_errors=True)
            folder = folders.get(name, str(ROOT))
            elapsed, cpu_seconds, _ = run_timed_cpu(command, env={"PYTHONPATH": folder}, cwd=folder)
            seconds[name].append(elapsed)
            cpu[name].append(cpu_seconds)
            print(f"round {round_number + 1} {name:<17} {elapsed:7.2f} s  {cpu_seconds:7.2f} CPU s  "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    medians = {name: median(values) for name, values in seconds.items()}
    print(f"\n{args.records} records, {size / 1e6:.0f} MB of records; medians of {args.runs} rounds")
    print(f"{'tool':<17} {'seconds':>8} {'CPU s':>8} {'records/s':>10} {'MB/s':>7}")
    for name, value in medians.items():
        print(f"{name:<17} {value:8.2f} {median(cpu[name]):8.2f} {args.records / value:10.1f} {size / 1e6 / value:7.1f}")
    ratio = medians["mwparserfromhtml"] / medians["wikidumps"]
    print(f"wikidumps / mwparserfromhtml records/s: {ratio:.1f}x")
    if args.baseline:
        print(f"baseline / mwparserfromhtml records/s: {medians['mwparserfromhtml'] / medians['baseline']:.1f}x")
    print(f"load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return {"records": args.records, "bytes": size, "seconds": seconds, "cpu_seconds": cpu, "ratio": ratio}


if __name__ == "__main__":
    main()
