"""A local EventStreams on 127.0.0.1: replays a list of events as server-sent events, with faults on demand.

`python -m runners.replay FILE... [--end-at TIME]` serves the events of JSON-lines files (plain or .gz, e.g.
sample_dumps/samplewiki-20260101-events.json.gz) until Ctrl-C and prints the URL to give `wikidumps stream
--url`; `make demo` and the stream tests start the same server in their own process (SseServer).

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

import argparse
import gzip
import json
import sys
import threading
import time
from pathlib import Path
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


def with_end_marker(events: list[bytes], at: str) -> list[bytes]:
    """`events` and, after them, a copy of the last one ingested at `at` (ISO 8601) under an id of its own:
    `wikidumps stream --until` a moment before `at` stops at it, having written every replayed event and
    published every hour, so that a replay of a bounded number of events ends by itself."""
    last = json.loads(events[-1])
    last["meta"] = {**last["meta"], "dt": at, "id": f"end-of-replay-{at}"}
    return events + [json.dumps(last).encode()]


def read_event_lines(paths: list[str]) -> list[bytes]:
    """The non-empty lines of JSON-lines files, plain or gzip, in order."""
    lines = []
    for path in paths:
        data = Path(path).read_bytes()
        lines += [line for line in (gzip.decompress(data) if path.endswith(".gz") else data).splitlines() if line.strip()]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runners.replay",
                                     description="Replay events from JSON-lines files as a local EventStreams "
                                                 "(server-sent events on 127.0.0.1) until Ctrl-C.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="events, one JSON object a line (.gz read as gzip)")
    parser.add_argument("--stream", action="append", metavar="NAME",
                        help="a stream name to serve the events under (repeatable; default mediawiki.page_change.v1 "
                             "and mediawiki.recentchange)")
    parser.add_argument("--end-at", metavar="TIME",
                        help="end the replay with one more event ingested at TIME (ISO 8601), at which "
                             "`wikidumps stream --until` a moment before it stops")
    args = parser.parse_args(argv)
    events = read_event_lines(args.files)
    if not events:
        parser.error("no events in the files given")
    if args.end_at:
        events = with_end_marker(events, args.end_at)
    streams = args.stream or ["mediawiki.page_change.v1", "mediawiki.recentchange"]
    with SseServer(events, streams=streams) as server:
        print(f"replaying {len(events):,} events of {', '.join(streams)} at {server.base} (Ctrl-C stops)", flush=True)
        print(f"  wikidumps stream {' '.join(streams)} --url {server.base} --output live/", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
