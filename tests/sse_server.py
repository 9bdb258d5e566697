"""Long replays with faults mixed in, for the stream tests and benchmark; the server that replays them is
runners/replay.py (SseServer), which `make demo` and users start too."""
from __future__ import annotations

import json
import time


def replay_events(templates: list[bytes], count: int, *, start: int = 1_728_000_000, hours: float = 5.0,
                  seed: int = 0) -> tuple[list[bytes], list[bytes], int]:
    """A long replay built from a few real events: `count` events with their own `meta.id`, ingestion
    times spread over `hours` from `start` (epoch seconds) and event times a little earlier (one in 50
    twenty minutes earlier, a late event), with faults mixed in: one event in 997 sent again a few events
    later (a duplicate), pairs of neighbours swapped (out of order), one malformed line in 4,999.

    Returns:
        (the replayed lines in order, the distinct good events each exactly once, the malformed lines' count).
    """
    import random

    rng = random.Random(seed)
    shapes = []
    for template in templates:
        record = json.loads(template)
        record["meta"]["id"], record["meta"]["dt"], record["dt"] = "@ID@", "@MDT@", "@DT@"
        shapes.append(json.dumps(record, separators=(",", ":")))
    step = hours * 3600 / count
    events = []
    for i in range(count):
        ingested = start + int(i * step)
        happened = ingested - (1200 if i % 50 == 7 else rng.randrange(0, 30))
        text = shapes[i % len(shapes)].replace("@ID@", f"replay-{seed}-{i:08d}", 1)
        text = text.replace("@MDT@", _iso(ingested), 1).replace("@DT@", _iso(happened), 1)
        events.append(text.encode())
    good = list(events)
    for i in range(0, count - 1, 13):  # out of order: neighbours swapped
        events[i], events[i + 1] = events[i + 1], events[i]
    replay, malformed = [], 0
    for i, data in enumerate(events):
        replay.append(data)
        if i % 997 == 500 and i >= 5:
            replay.append(events[i - 4])  # sent again
        if i % 4999 == 2000:
            replay.append(b'{"meta": {"id": "cut-' + str(i).encode() + b'", "dt": ' if i % 2 else b"not json at all")
            malformed += 1
    return replay, good, malformed


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
