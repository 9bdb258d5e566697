"""`run update` against a full rebuild when a share of pages changed: time and bytes written, side by side.

    .venv/bin/python -m benchmarks.update_cost [--copies 10] [--changed 0.01] [--runs 3] [--workdir DIR]

Inputs, from real data (../shared/data/real, enwiki pages-articles, 206 long articles): the pages replicated
--copies times with fresh page and revision ids make the base snapshot D1 (written as a history dump: each
page one revision); --changed of the pages (seeded choice) get one new revision (their text with a sentence
appended) in an adds/changes day (Wikimedia's other/incr layout), and D2 is D1 with those revisions.
`make_month` writes them; tests/test_update_job.py checks update == full build on them.

Each round times, interleaved: the full rebuild of D2 (`run history` + `run content` into a fresh folder),
`run update` of a copy of full(D1) (Parquet: a whole new partition), and `run update --table` of a copy of
full(D1) whose tables were seeded beforehand (the seed is timed apart: a once-a-month cost). Bytes written:
the files a run added to its output (counted once per inode: published versions hard-link what they keep).
CPU seconds are those of the command and its workers (children's rusage). Medians of --runs rounds.
An update has a fixed cost (start-up, planning, publishing the errors dataset) that --copies 10 is too small
to dwarf; --copies 100 (20,600 pages, 170 MB of bz2 history; about 25 minutes for 3 rounds on 2 cores) is the
base docs/decisions.md measures the target at.
"""
from __future__ import annotations

import argparse
import bz2
import hashlib
import html
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
SOURCE = REAL / "pages-articles" / "gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
PAGE = re.compile(r"  <page>\n.*?</page>\n", re.S)
D1, D2, SEED_DAY = "20260101", "20260201", "20260102"
ADDED = "\n\nThis sentence was added in January 2026."
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _sha1(text: str) -> str:
    number = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest(), "big")
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
    return digits.rjust(31, "0")


def _copy(block: str, copy: int) -> str:
    """A page with fresh page id, title and revision id (offsets by copy number)."""
    if copy == 0:
        return block
    block = re.sub(r"<title>(.*?)</title>", lambda m: f"<title>{m.group(1)} ({copy})</title>", block, count=1)
    block = re.sub(r"(<ns>\d+</ns>\n\s*<id>)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + copy * 10_000_000}", block)
    return re.sub(r"(<revision>\n\s*<id>)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + copy * 1_000_000_000}", block)


def _new_revision(block: str, rev_id: int) -> tuple[str, str]:
    """The page with one more revision (its text with ADDED), and the page holding that revision only."""
    start, end = block.index("    <revision>"), block.index("    </revision>\n") + len("    </revision>\n")
    old = block[start:end]
    parent = re.search(r"<id>(\d+)</id>", old).group(1)
    text = html.unescape(re.search(r'<text[^>]*>(.*?)</text>', old, re.S).group(1)) + ADDED
    new = re.sub(r"<id>\d+</id>", f"<id>{rev_id}</id>", old, count=1)
    new = re.sub(r"<parentid>\d+</parentid>", f"<parentid>{parent}</parentid>", new)
    new = re.sub(r"<timestamp>.*?</timestamp>", "<timestamp>2026-01-15T12:00:00Z</timestamp>", new)
    new = re.sub(r"(<text[^>]*>)(.*?)(</text>)", lambda m: m.group(1) + m.group(2) + ADDED + m.group(3), new, flags=re.S)
    new = re.sub(r"<sha1>.*?</sha1>", f"<sha1>{_sha1(text)}</sha1>", new)
    new = re.sub(r' bytes="\d+"', f' bytes="{len(text.encode())}"', new)
    return block[:end] + new + block[end:], block[:start] + new + block[end:]


def make_month(out: Path, copies: int = 1, changed: float = 0.01, seed: int = 1) -> dict:
    """D1 and D2 history dumps and the adds/changes day between them, in `out` (see the module's doc)."""
    data = bz2.open(SOURCE).read().decode("utf-8")
    head = data[:data.index("  <page>")].replace("<dbname>enwiki</dbname>", "<dbname>enwiki</dbname>")
    pages = [_copy(block, copy) for copy in range(copies) for block in PAGE.findall(data)]
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(pages)), max(1, round(len(pages) * changed))))
    d2, incr = [], []
    next_id = 9_000_000_000
    for i, block in enumerate(pages):
        if i in chosen:
            next_id += 1
            whole, alone = _new_revision(block, next_id)
            d2.append(whole)
            incr.append(alone)
        else:
            d2.append(block)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"d1": out / f"enwiki-{D1}-pages-meta-history.xml.bz2", "d2": out / f"enwiki-{D2}-pages-meta-history.xml.bz2"}
    for key, blocks in (("d1", pages), ("d2", d2)):
        paths[key].write_bytes(bz2.compress((head + "".join(blocks) + "</mediawiki>\n").encode(), 9))
    for date, blocks, max_rev in ((SEED_DAY, [], 0), ("20260116", incr, next_id)):
        day = out / "incr" / "enwiki" / date
        day.mkdir(parents=True, exist_ok=True)
        (day / f"enwiki-{date}-pages-meta-hist-incr.xml.bz2").write_bytes(
            bz2.compress((head + "".join(blocks) + "</mediawiki>\n").encode(), 9))
        (day / "maxrevid.txt").write_text(f"{max_rev}\n")
        (day / "status.txt").write_text("done\n")
    paths.update(seed_day=out / "incr" / "enwiki" / SEED_DAY, day=out / "incr" / "enwiki" / "20260116",
                 pages=len(pages), changed=len(chosen))
    return paths


def wikidumps(*args: str) -> float:
    """Runs the command; returns the CPU seconds it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, "-m", "runners.cli.launch", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"wikidumps {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def full_build(output: Path, dump: Path) -> float:
    return (wikidumps("run", "history", "--workers", "1", "--input", str(dump), "--output", str(output))
            + wikidumps("run", "content", "--workers", "1", "--input", str(dump), "--output", str(output)))


def files_by_inode(folder: Path) -> dict[tuple[int, int], int]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            found[(stat.st_dev, stat.st_ino)] = stat.st_size
    return found


def measured(step, folder: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes of files added under `folder`) of `step()`."""
    before = files_by_inode(folder) if folder.exists() else {}
    started = time.perf_counter()
    cpu = step()
    wall = time.perf_counter() - started
    added = sum(size for inode, size in files_by_inode(folder).items() if inode not in before)
    return wall, cpu, added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--table-buckets", type=int, default=16, help="page_id buckets of the tables")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="update-cost-"))
    month = make_month(work / "inputs", args.copies, args.changed)
    print(f"{month['pages']} pages, {month['changed']} changed; D2 dump {month['d2'].stat().st_size / 1e6:.1f} MB bz2")
    base = work / "base"
    shutil.rmtree(base, ignore_errors=True)
    full_build(base, month["d1"])

    def seed_tables(output: Path) -> float:
        return wikidumps("run", "update", "--table", "--table-buckets", str(args.table_buckets), "--workers", "1", "--base", str(output), "--increments",
                         str(month["seed_day"]), "--snapshot", SEED_DAY)

    seeds = []
    results: dict[str, list[tuple[float, float, int]]] = {"full rebuild": [], "update (Parquet)": [], "update --table": []}
    for _ in range(args.runs):
        out = work / "full"
        shutil.rmtree(out, ignore_errors=True)
        results["full rebuild"].append(measured(lambda: full_build(out, month["d2"]), out))
        for name, extra in (("update (Parquet)", []), ("update --table", ["--table"])):
            out = work / "updated"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(base, out, symlinks=True)
            if extra:  # Iceberg metadata holds absolute paths: tables are seeded in place, never copied
                seeds.append(measured(lambda: seed_tables(out), out))
            results[name].append(measured(lambda: wikidumps(
                "run", "update", *extra, "--workers", "1", "--base", str(out), "--increments", str(month["day"]),
                "--snapshot", D2), out))
    seed = [statistics.median(values) for values in zip(*seeds)]
    print(f"seeding the tables once (from D1's Parquet): {seed[0]:.1f} s wall, {seed[1]:.1f} CPU-s, {seed[2] / 1e6:.2f} MB")
    full = [statistics.median(values) for values in zip(*results["full rebuild"])]
    print(f"{'':18} {'wall s':>8} {'CPU s':>8} {'MB written':>11}   share of the full rebuild (wall, CPU, bytes)")
    for name, rounds in results.items():
        wall, cpu, written = (statistics.median(values) for values in zip(*rounds))
        print(f"{name:18} {wall:8.2f} {cpu:8.2f} {written / 1e6:11.2f}   "
              f"{wall / full[0]:.0%}, {cpu / full[1]:.0%}, {written / full[2]:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
