"""One EventStreams subscription kept into hourly files: connect, read, filter, write, reconnect.

`Subscription.run` is the loop of `wikidumps stream` (runners/cli/stream.py parses the options and
prints the status line). HTTP is the standard library's: one GET with `Accept: text/event-stream` and
`Last-Event-ID` (the id of the last event the files hold, from hour_files' checkpoint), read in chunks
of whatever the socket has (`read1`) and cut into events by stream.SseParser.

Stopping: SIGTERM or Ctrl-C calls `Stopper.request`. A stop that arrives while the loop waits on the
network (or sleeps before reconnecting) ends the wait at once; one that arrives while an event is being
written is acted on once it is written. Either way the loop ends between two events, checkpoints,
publishes the hours that are complete and leaves the open hour for the next start.
"""
from __future__ import annotations

import http.client
import json
import random
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from transforms.common.problems import Problem, excerpt_of
from transforms.datasets.rows import error_row
from transforms.events.hour_files import ERRORS, ERRORS_PREFIX, HOUR, HourFiles
from transforms.events.records import MissingField
from transforms.events.stream import (
    MALFORMED_EVENT,
    MISSING_FIELD,
    OVERLONG_LINE,
    EventFilter,
    SseParser,
    decode_json,
    digest_key,
    event_facts,
)

USER_AGENT = "wikidumps-stream/0.1 (https://github.com/wikidumps; research datasets from Wikimedia dumps)"
CHECKPOINT_SECONDS = 1.0
READ_BYTES = 1 << 16
FIRST_BACKOFF = 0.5
CLOCK_SKEW = 3600


class StreamRefused(Exception):
    """The server refuses the subscription for good (an unknown stream, a bad request): said in one line."""


class Stopped(Exception):
    """Raised by Stopper.request inside a wait on the network."""


class Stopper:
    """A stop request from a signal handler. `waiting` is true only where nothing is half-done (a read
    from the socket, a sleep), the one place where the handler may raise to end the wait."""

    def __init__(self):
        self.requested = False
        self.waiting = False

    def request(self, *_signal) -> None:
        self.requested = True
        if self.waiting:
            self.waiting = False
            raise Stopped


@dataclass
class Stats:
    """What the status line shows, counted since the start of the process."""

    received: int = 0  # events read from the server
    written: int = 0
    filtered: int = 0
    duplicates: int = 0
    errors: int = 0
    connections: int = 0
    event_time: int | None = None  # `dt` of the latest event read
    ingested: int | None = None  # `meta.dt` of the latest event read
    open_keys: int = 0
    retrying: str | None = None  # why the last connection failed, until an event arrives again


def stream_url(base: str, streams: list[str], since: str | None) -> str:
    """`<base>/<stream>,<stream>` (EventStreams serves several streams on one connection), `?since=` added."""
    url = base.rstrip("/") + "/" + ",".join(quote(name, safe="._-") for name in streams)
    return url + ("?" + urlencode({"since": since}) if since else "")


def check_url(url: str) -> None:
    """Raises StreamRefused for a URL http.client cannot open."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StreamRefused(f"{url} is not an http:// or https:// URL")
    try:
        parts.port
    except ValueError as exc:
        raise StreamRefused(f"{url}: {exc}") from None


class Subscription:
    """Events of `url` into hourly files under `output`.

    Args:
        url: the stream URL without `since` (stream_url of the base and the streams).
        streams: the streams asked for (the folder of an event that does not say its stream, when one).
        since: where a first start begins (ISO 8601 or epoch milliseconds, as EventStreams takes it);
            ignored when the folder holds a checkpoint.
        until: epoch seconds: stop before the first event ingested at or after it (None: run until stopped).
        grace: seconds past an hour's end before it is published.
        max_backoff: the longest wait before reconnecting.
        idle_timeout: seconds without a byte (EventStreams sends keep-alives) before reconnecting.
        status: called with Stats every `status_every` seconds and once at the end.
    """

    def __init__(self, url: str, streams: list[str], output: str, event_filter: EventFilter, *,
                 since: str | None = None, until: int | None = None, grace: int = 300,
                 max_backoff: float = 60.0, idle_timeout: float = 60.0, status=None, status_every: float = 1.0,
                 stopper: Stopper | None = None):
        check_url(url)
        self.url, self.since, self.until = url, since, until
        self.default_stream = streams[0] if len(streams) == 1 else None
        self.filter = event_filter
        self.max_backoff, self.idle_timeout = max_backoff, idle_timeout
        self.status, self.status_every = status, status_every
        self.stopper = stopper or Stopper()
        self.stats = Stats()
        self.files = HourFiles(output, url, grace)
        self.last_id = self.files.last_id
        self.finished = False  # `until` reached

    # -----------------------------------------------------------------------------------------------

    def run(self) -> Stats:
        """Reads until stopped (or `until`); returns the counts.

        Raises:
            StreamRefused: the server refuses the subscription.
            OSError: the output cannot be written (the files stay as of the last checkpoint, which the next
                start goes on from); network errors are not raised but retried.
        """
        self._next_status = time.monotonic() + self.status_every
        self._next_checkpoint = time.monotonic() + CHECKPOINT_SECONDS
        failures = 0
        try:
            while not self.finished:
                self._wait_point()
                try:
                    connection, response = self._connect()
                except (OSError, http.client.HTTPException) as exc:
                    failures = 1 if self.stats.retrying is None else failures + 1  # in a row: no event between
                    self._back_off(failures, exc)
                    continue
                self.stats.connections += 1
                try:
                    failure = self._read(response)
                finally:
                    self.stopper.waiting = False
                    connection.close()
                if failure is not None:
                    failures = 1 if self.stats.retrying is None else failures + 1
                    self._back_off(failures, failure)
        except Stopped:
            pass
        except BaseException:  # a refusal (nothing was read), or the files could not be written
            self.files.close()
            raise
        self.stopper.waiting = False
        if self.finished and self.until is not None:
            self.files.clock = max(self.files.clock, self.until)
        self.files.publish_due(self.last_id, self.files.clock)
        self.files.close()
        self._report()
        return self.stats

    def _read(self, response) -> Exception | None:
        """Reads events from one connection until `until`, or until the network fails (returned, to retry).
        Only the socket's errors are caught here: an error writing the files is not one to retry."""
        parser = SseParser()
        parser.last_id = self.last_id
        while not self.finished:
            self._wait_point()
            try:
                chunk = response.read1(READ_BYTES)
            except (OSError, http.client.HTTPException) as exc:
                return exc
            self.stopper.waiting = False
            if not chunk:
                return ConnectionResetError("the server closed the stream")
            for event_id, data in parser.feed(chunk):
                self._event(event_id, data)
                if self.finished:
                    break
            now = time.monotonic()
            if now >= self._next_checkpoint:
                self.files.publish_due(self.last_id, self.files.clock)
                self._next_checkpoint = now + CHECKPOINT_SECONDS
            if now >= self._next_status:
                self._report()
                self._next_status = now + self.status_every
        return None

    def _wait_point(self) -> None:
        """From here until `waiting` is cleared a stop request ends the wait (raises Stopped)."""
        self.stopper.waiting = True
        if self.stopper.requested:
            raise Stopped

    def _back_off(self, failures: int, reason: Exception) -> None:
        """Sleeps before reconnecting: 0.5 s doubled per failure in a row, up to max_backoff, jittered so that
        many clients do not come back at once."""
        delay = min(self.max_backoff, FIRST_BACKOFF * 2 ** min(failures - 1, 30)) * random.uniform(0.5, 1.0)
        self.stats.retrying = f"{str(reason)[:200] or type(reason).__name__}; reconnecting in {delay:.1f} s"
        self._report()
        self._wait_point()
        time.sleep(delay)
        self.stopper.waiting = False

    def _connect(self):
        parts = urlsplit(self.url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname, parts.port, timeout=self.idle_timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Accept": "text/event-stream", "User-Agent": USER_AGENT, "Cache-Control": "no-cache"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = self.last_id
        elif self.since:
            target += ("&" if "?" in target else "?") + urlencode({"since": self.since})
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
        except BaseException:
            connection.close()
            raise
        self.stopper.waiting = False
        kind = response.getheader("Content-Type", "")
        if response.status == 200 and kind.startswith("text/event-stream"):
            return connection, response
        if response.status == 200:  # a web page or a file: nothing here will ever be an event
            connection.close()
            raise StreamRefused(f"{self.url} is not an event stream (Content-Type {kind or 'none'}, "
                                "not text/event-stream)")
        body = response.read(300).decode("utf-8", "replace").strip().replace("\n", " ")
        connection.close()
        said = f"{self.url} answered {response.status} {response.reason}" + (f": {body[:200]}" if body else "")
        if 300 <= response.status < 400:
            raise StreamRefused(f"{said} (moved to {response.getheader('Location')}: give that URL with --url)")
        if 400 <= response.status < 500 and response.status not in (408, 429):
            raise StreamRefused(said)
        raise http.client.HTTPException(said)  # a server error or too many requests: retried

    # -----------------------------------------------------------------------------------------------

    def _event(self, event_id: str | None, data: bytes | None) -> None:
        """One event from the server: written, filtered, dropped as a duplicate or made an errors row."""
        stats = self.stats
        if data is None:
            self._error(event_id, b"", OVERLONG_LINE, "a line of the event stream is longer than 16 MB", None)
            return
        try:
            record = decode_json(data)
        except (ValueError, RecursionError) as exc:
            self._error(event_id, data, MALFORMED_EVENT, f"the event's data is not JSON ({exc})", None)
            return
        line = data if b"\n" not in data else json.dumps(record, ensure_ascii=False).encode("utf-8")
        try:
            facts = event_facts(record, line, self.default_stream)
            if self.until is not None and facts.ingested >= self.until:
                self.finished = True  # this event is left for a later run: last_id stays before it
                return
            keep = self.filter.keeps(record)
        except MissingField as exc:
            self._error(event_id, data, MISSING_FIELD if type(record) is dict else MALFORMED_EVENT,
                        f"the event cannot be placed or filtered ({exc})", record)
            return
        stats.received += 1
        stats.event_time, stats.ingested, stats.retrying = facts.event_time, facts.ingested, None
        files = self.files
        # The clock that publishes hours (and times late files) moves, but not past the wall clock by more
        # than CLOCK_SKEW: one event stamped years ahead would otherwise publish every open hour at once.
        if facts.ingested > files.clock and facts.ingested <= time.time() + CLOCK_SKEW:
            files.clock = facts.ingested
            if files.clock >= files.next_due:  # hours complete before this event: published without it
                files.publish_due(self.last_id, files.clock)
        if not keep:
            stats.filtered += 1
        elif self.files.add(facts.stream, facts.stream, facts.event_time // HOUR, facts.key, line + b"\n"):
            stats.written += 1
        else:
            stats.duplicates += 1
        self.last_id = event_id

    def _error(self, event_id: str | None, data: bytes, error_type: str, message: str, record) -> None:
        """An errors row (the `errors` dataset's columns, plus the SSE id and the whole raw event) in the
        errors file of the current ingestion hour."""
        self.stats.received += 1
        self.stats.errors += 1
        hour = (self.files.clock or int(time.time())) // HOUR
        problem = Problem(error_type, message, "event", True, excerpt=excerpt_of(data))
        wiki = None
        if type(record) is dict:
            wiki = next((record[k] for k in ("wiki_id", "database", "wiki") if type(record.get(k)) is str), None)
        row = {"wiki_db": wiki, "snapshot": time.strftime("%Y%m%d", time.gmtime(hour * HOUR)),
               **error_row(problem, pipeline="stream", stage="read", source_file=self.url, stream_offset=None),
               "event_id": event_id, "raw_event": data.decode("utf-8", "replace")}
        line = json.dumps(row, ensure_ascii=False).encode("utf-8")
        self.files.add(ERRORS, ERRORS_PREFIX, hour, digest_key(line), line + b"\n")
        self.last_id = event_id

    def _report(self) -> None:
        self.stats.open_keys = self.files.open_keys
        if self.status is not None:
            self.status(self.stats)
