"""`wikidumps stream` events/s against the loopback replay server, beside a bare loop reading the same SSE.

    .venv/bin/python -m benchmarks.stream_throughput [--events 200000] [--runs 3]

The replay: --events page_change events built from the real ones of ../shared/data/real/eventstreams
(else the samplewiki's page_change events) by tests/sse_server.replay_events (own ids, ingestion times
over 5 hours, 1 in 50 twenty minutes late, 0.1 % duplicates, neighbours swapped, a malformed line in
4,999), served by runners/replay.SseServer in this process (HTTP/1.1 chunked, as EventStreams) with one
more event after the end, where both readers stop. Each round, interleaved: the baseline, a fresh Python
process that only reads the SSE lines (`read1` and a split on newlines, counting `data:` lines), then
`wikidumps stream ... --until` into a fresh folder (the whole command: start-up, parsing, filtering,
duplicate keys, hourly files, checkpoints with fsync, publication). Times are wall-clock from process
start to exit; events/s is the replay's event count over the median time. CPU seconds (user + system of
the reading process) are given beside them: the machine is shared, and they move less with its load.
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import median, run_timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runners.replay import SseServer  # noqa: E402
from tests.sse_server import replay_events  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real" / "eventstreams" / "page_change"
SAMPLE = ROOT / "sample_dumps" / "samplewiki-20260101-events.json.gz"
STREAM = "mediawiki.page_change.v1"
UNTIL = "2029-01-01T00:00:00Z"

BASELINE = """
import http.client, sys
from urllib.parse import urlsplit
url, expected = urlsplit(sys.argv[1]), int(sys.argv[2])
connection = http.client.HTTPConnection(url.hostname, url.port)
connection.request("GET", url.path, headers={"Accept": "text/event-stream"})
response = connection.getresponse()
seen, carry = 0, b""
while seen < expected:
    lines = (carry + response.read1(65536)).split(b"\\n")
    carry = lines.pop()
    seen += sum(1 for line in lines if line[:5] == b"data:")
print(seen)
"""


def templates() -> tuple[list[bytes], str]:
    if REAL.is_dir():
        return [path.read_bytes().strip() for path in sorted(REAL.glob("*.json"))], f"{REAL} (13 real events)"
    lines = gzip.decompress(SAMPLE.read_bytes()).splitlines()
    return [line for line in lines if b"page_change" in line], f"{SAMPLE} (page_change events)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    shapes, source = templates()
    replay, good, malformed = replay_events(shapes, args.events, seed=1)
    end = json.loads(good[-1])
    end["meta"] = {**end["meta"], "dt": "2030-01-01T00:00:00Z", "id": "after-the-end"}
    replay.append(json.dumps(end).encode())
    print(f"replay: {len(replay) - 1:,} events from {source}, {malformed} malformed, "
          f"{sum(map(len, replay)) / 2**20:.1f} MB of data lines")
    work = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    times = {"baseline": [], "stream": []}
    cpu = {"baseline": [], "stream": []}

    def timed(name: str, command: list[str]) -> str:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, out = run_timed(command)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times[name].append(seconds)
        cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        return out

    try:
        with SseServer(replay) as server:
            url = f"{server.base}/{STREAM}"
            for run in range(args.runs):
                out = timed("baseline", [sys.executable, "-c", BASELINE, url, str(len(replay))])
                assert int(out) == len(replay), out
                output = work / f"run-{run}"
                timed("stream", [sys.executable, "-m", "runners.cli.launch", "stream", STREAM, "--url", server.base,
                                 "--output", str(output), "--until", UNTIL, "--status-every", "1000"])
                written = sum(len(p.read_bytes().splitlines()) for p in (output / STREAM).glob("*.json"))
                assert written == len(good), (written, len(good))
                print(f"round {run + 1}: baseline {times['baseline'][-1]:.2f} s ({cpu['baseline'][-1]:.2f} s CPU), "
                      f"stream {times['stream'][-1]:.2f} s ({cpu['stream'][-1]:.2f} s CPU)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    events = len(replay) - 1
    for name, label in (("baseline", "baseline (read SSE lines only)"), ("stream", "wikidumps stream")):
        wall, used = median(times[name]), median(cpu[name])
        print(f"{label:31}: median {wall:.2f} s, {events / wall:,.0f} events/s; median CPU {used:.2f} s, "
              f"{events / used:,.0f} events per CPU second")
    print(f"stream / baseline speed (wall): {median(times['baseline']) / median(times['stream']):.0%}")


if __name__ == "__main__":
    main()
