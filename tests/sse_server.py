"""A local EventStreams on 127.0.0.1: replays a list of events as server-sent events, with faults on demand.

It answers `GET /v2/stream/<stream>[,<stream>...]` as stream.wikimedia.org does: HTTP/1.1, chunked,
`text/event-stream`, each event as `event: message`, `id: [{"topic": ..., "partition": 0, "offset": N}]`
and `data: <json>`, then keep-alive comments once the replay is done, until the client goes. It honours
`Last-Event-ID` (the replay goes on after that offset) and `?since=` (from the first event ingested then),
and answers 404 for a stream it does not serve.

Faults, set on the server object before or during a test:
- cut_every: after that many events on one connection, send half of the next one and drop the connection;
- trickle: send every event in pieces of this many bytes, each flushed on its own (a slow, fragmented link);
- pause: seconds to wait after each event sent (a slow server, so that a test can stop a client mid-replay);
- fail_next: HTTP statuses to answer the next requests with, one each (503, 429, 404, ...);
- stall_after: once, after that many events on a connection, send nothing more (not even keep-alives).
Duplicates, out-of-order and malformed events are entries of the replayed list itself (`replay_events`).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOPIC = "eqiad.replay"


def event_id(offset: int) -> str:
    return json.dumps([{"topic": TOPIC, "partition": 0, "offset": offset}])


def offset_of(last_event_id: str | None) -> int:
    """The offset after which to go on: -1 for none (or an id this server did not give)."""
    try:
        return int(json.loads(last_event_id)[0]["offset"])
    except (TypeError, ValueError, KeyError, IndexError):
        return -1


def ingestion_time(data: bytes) -> str | None:
    try:
        return json.loads(data)["meta"]["dt"]
    except (ValueError, KeyError, TypeError):
        return None


class SseServer:
    """Serves `events` (raw data lines, bytes) of `streams` at `self.base` (`http://127.0.0.1:PORT/v2/stream`).

    Attributes:
        requests: (path with query, Last-Event-ID header or None) per request, in order.
    """

    def __init__(self, events: list[bytes], streams=("mediawiki.page_change.v1",)):
        self.streams = set(streams)
        self.frames = [b"event: message\nid: %s\ndata: %s\n\n" % (event_id(i).encode(), data)
                       for i, data in enumerate(events)]
        self.times = [ingestion_time(data) for data in events]
        self.requests: list[tuple[str, str | None]] = []
        self.cut_every: int | None = None
        self.trickle: int | None = None
        self.pause = 0.0
        self.fail_next: list[int] = []
        self.stall_after: int | None = None
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.base = self.url + "/v2/stream"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> SseServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def last_event_ids(self) -> list[str | None]:
        return [header for _, header in self.requests]

    def _start(self, header: str | None, since: str | None) -> int:
        start = offset_of(header) + 1
        if header is None and since:
            start = next((i for i, t in enumerate(self.times) if t is not None and t >= since), len(self.times))
        return start

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                header = self.headers.get("Last-Event-ID")
                server.requests.append((self.path, header))
                if server.fail_next:
                    self._refuse(server.fail_next.pop(0), "injected failure")
                    return
                streams = unquote(parts.path).removeprefix("/v2/stream/").split(",")
                if not parts.path.startswith("/v2/stream/") or not set(streams) <= server.streams:
                    self._refuse(404, f"no such stream: {','.join(streams)}")
                    return
                since = parse_qs(parts.query).get("since", [None])[0]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                try:
                    self._replay(server._start(header, since))
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass  # the client went away
                self.close_connection = True

            def _refuse(self, status: int, message: str) -> None:
                body = json.dumps({"status": status, "detail": message}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

            def _replay(self, start: int) -> None:
                sent, batch = 0, []
                for frame in server.frames[start:]:
                    if server._stopping.is_set():
                        return
                    if server.cut_every is not None and sent == server.cut_every:
                        self._chunk(b"".join(batch) + frame[: len(frame) // 2])
                        self.wfile.flush()
                        return  # dropped mid-event: no terminating chunk
                    if server.stall_after is not None and sent == server.stall_after:
                        server.stall_after = None
                        if batch:  # (an empty chunk would end the response)
                            self._chunk(b"".join(batch))
                        self.wfile.flush()
                        server._stopping.wait(10)  # silent until the client gives up on this connection
                        return
                    sent += 1
                    if server.trickle or server.pause:
                        for at in range(0, len(frame), server.trickle or len(frame)):
                            self._chunk(frame[at: at + (server.trickle or len(frame))])
                            self.wfile.flush()
                        time.sleep(server.pause)
                        continue
                    batch.append(frame)
                    if len(batch) >= 64:
                        self._chunk(b"".join(batch))
                        batch = []
                if batch:
                    self._chunk(b"".join(batch))
                self.wfile.flush()
                while not server._stopping.wait(0.05):  # EventStreams keeps the connection with comments
                    self._chunk(b":\n")
                    self.wfile.flush()

        return Handler


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
