"""Peak memory of `history` on one page with 15,000 full-text revisions (about 1 GB of XML).

    .venv/bin/python -m benchmarks.history_memory [--revisions 15000] [--runs 3]

The page's revision texts are real aawiki revision texts (../shared/data/real) strung together to about
66 kB each, every tenth revision restoring an earlier text (an identity revert). mwxml iterating the
same file is measured alongside as the baseline.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.inputs import aawiki_history_xml
from benchmarks.timing import median, run_timed

TEXT_BYTES = 66_000


def real_texts() -> list[str]:
    xml = aawiki_history_xml().decode("utf-8")
    texts = re.findall(r'<text bytes="\d+"[^>]*xml:space="preserve">(.*?)</text>', xml, re.S)
    return [t for t in texts if len(t) > 200]


def write_one_page_history(path: Path, revisions: int) -> None:
    texts = real_texts()
    header = aawiki_history_xml().decode("utf-8")
    header = header[: header.index("<page>")].replace("<dbname>aawiki</dbname>", "<dbname>onepagewiki</dbname>")
    previous = []
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        out.write("  <page>\n    <title>Very long history</title>\n    <ns>0</ns>\n    <id>1</id>\n")
        for rev_id in range(1, revisions + 1):
            if rev_id % 10 == 0 and len(previous) > 3:
                text = previous[-3]  # restores an earlier text: an identity revert
            else:
                parts, size, k = [], 0, rev_id
                while size < TEXT_BYTES:
                    part = texts[k % len(texts)]
                    parts.append(part)
                    size += len(part)
                    k = k * 7 + 3
                text = f"Revision {rev_id}\n" + "\n".join(parts)
            previous = (previous + [text])[-5:]
            sha1 = int(hashlib.sha1(text.encode()).hexdigest(), 16)
            out.write(f"    <revision>\n      <id>{rev_id}</id>\n")
            if rev_id > 1:
                out.write(f"      <parentid>{rev_id - 1}</parentid>\n")
            seconds = rev_id * 600
            stamp = f"2020-01-{1 + seconds // 86400:02d}T{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:00Z" \
                if seconds < 30 * 86400 else f"2021-{1 + (seconds // 86400) % 12:02d}-{1 + seconds // 86400 % 28:02d}T00:00:{rev_id % 60:02d}Z"
            out.write(f"      <timestamp>{stamp}</timestamp>\n")
            out.write(f"      <contributor>\n        <username>Editor{rev_id % 97}</username>\n"
                      f"        <id>{rev_id % 97 + 1}</id>\n      </contributor>\n")
            encoded = escape(text)
            out.write(f'      <model>wikitext</model>\n      <format>text/x-wiki</format>\n'
                      f'      <text bytes="{len(text.encode())}" xml:space="preserve">{encoded}</text>\n'
                      f"      <sha1>{_base36(sha1)}</sha1>\n    </revision>\n")
        out.write("  </page>\n</mediawiki>\n")


def _base36(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits.rjust(31, "0")


def peak_rss_mb(command: list[str]) -> tuple[float, float]:
    """Runs `command` under /usr/bin/time-like accounting: (seconds, peak resident MB of the child tree)."""
    wrapped = [sys.executable, "-m", "benchmarks.peak_rss", *command]
    seconds, stdout = run_timed(wrapped)
    return seconds, float(stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--revisions", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wikidumps-bench")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"onepagewiki-20260101-pages-meta-history-{args.revisions}.xml"
    if not path.exists():
        write_one_page_history(path, args.revisions)
    wikidumps = str(Path(sys.executable).parent / "wikidumps")
    ours, baseline = [], []
    for round_number in range(args.runs):
        output = args.workdir / "out-memory"
        shutil.rmtree(output, ignore_errors=True)
        ours.append(peak_rss_mb([wikidumps, "run", "history", "--workers", "1", "--input", str(path), "--output", str(output)]))
        baseline.append(peak_rss_mb([sys.executable, "-m", "benchmarks.mwxml_baseline", str(path)]))
        print(f"round {round_number + 1}: wikidumps {ours[-1][1]:.0f} MB in {ours[-1][0]:.0f} s, "
              f"mwxml {baseline[-1][1]:.0f} MB in {baseline[-1][0]:.0f} s", file=sys.stderr)
    report = {
        "input": path.name, "xml_mb": round(path.stat().st_size / 1e6), "revisions": args.revisions,
        "wikidumps_peak_rss_mb": [round(m) for _, m in ours], "mwxml_peak_rss_mb": [round(m) for _, m in baseline],
        "wikidumps_median_peak_rss_mb": round(median([m for _, m in ours])),
        "mwxml_median_peak_rss_mb": round(median([m for _, m in baseline])),
        "wikidumps_median_seconds": round(median([s for s, _ in ours]), 1),
        "mwxml_median_seconds": round(median([s for s, _ in baseline]), 1),
    }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
