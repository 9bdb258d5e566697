"""`wikidumps stream STREAM... --output DIR`: Wikimedia EventStreams into hourly event files, resumable.

The work is in transforms/events/subscription.py (the loop), stream.py (SSE, filters) and hour_files.py
(files that appear complete, and the checkpoint that makes a kill -9 harmless); imported once the
options are parsed. This module turns options into a Subscription, installs the stop signals and
prints the status line.
"""
from __future__ import annotations

import signal
import sys
import time

from transforms.defaults import (
    STREAM_GRACE_SECONDS,
    STREAM_IDLE_SECONDS,
    STREAM_MAX_BACKOFF_SECONDS,
    STREAM_NEWCOMER_EDITS,
    STREAM_URL,
)

HELP = "subscribe to Wikimedia EventStreams and write hourly event files that `run events` reads"
DESCRIPTION = (
    "Read one or more EventStreams streams (mediawiki.page_change.v1, mediawiki.recentchange, "
    "mediawiki.revision-create, ...) as server-sent events and write the events that pass the filters to "
    "DIR/<stream>/<stream>-YYYYMMDD-HH.json, one file per hour of event time, each appearing (by rename) once "
    "the hour is complete; malformed events become errors rows in DIR/errors/. A restart resumes after the "
    "last event written (Last-Event-ID), even after a kill -9; SIGTERM or Ctrl-C stops cleanly. "
    "Exit codes: 0 stopped, 1 the output could not be written, 2 unusable options, URL or output folder, or a "
    "subscription the server refuses."
)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def add_arguments(parser) -> None:
    parser.add_argument("streams", nargs="+", metavar="STREAM",
                        help="stream name, e.g. mediawiki.page_change.v1 (several share one connection)")
    parser.add_argument("--output", required=True, metavar="DIR", help="folder of the hourly files and checkpoint")
    parser.add_argument("--url", default=STREAM_URL, metavar="URL",
                        help="EventStreams base URL; the streams are appended (default %(default)s)")
    parser.add_argument("--since", metavar="TIME",
                        help="first start only: begin at this time (ISO 8601, e.g. 2026-01-07T00:00:00Z); "
                             "a folder with a checkpoint resumes from it instead")
    parser.add_argument("--until", metavar="TIME",
                        help="stop before the first event ingested at or after TIME and publish the hours "
                             "complete by then (default: run until SIGTERM or Ctrl-C)")
    parser.add_argument("--wikis", type=_names, action="extend", metavar="LIST",
                        help="keep events of these wikis only (comma-separated database names, e.g. enwiki,dewiki)")
    parser.add_argument("--namespaces", type=_names, action="extend", metavar="LIST",
                        help="keep events of pages in these namespaces only (comma-separated numbers)")
    parser.add_argument("--kinds", type=_names, action="extend", metavar="LIST",
                        help="keep these changes only: create, edit, delete, undelete, move, visibility")
    parser.add_argument("--performers", type=_names, action="extend", metavar="LIST",
                        help="keep changes by these only: bot, temporary, anonymous, newcomer, established, unknown")
    parser.add_argument("--newcomer-edits", type=int, default=STREAM_NEWCOMER_EDITS, metavar="N",
                        help="a performer with fewer edits than N is a newcomer (default %(default)s)")
    parser.add_argument("--hour-grace", type=int, default=STREAM_GRACE_SECONDS, metavar="SECONDS",
                        help="publish an hour once events ingested this long after its end arrive; later "
                             "events of it go to a further file of the hour (default %(default)s)")
    parser.add_argument("--max-backoff", type=float, default=STREAM_MAX_BACKOFF_SECONDS, metavar="SECONDS",
                        help="longest wait between reconnections, which double from 0.5 s (default %(default)g)")
    parser.add_argument("--idle-timeout", type=float, default=STREAM_IDLE_SECONDS, metavar="SECONDS",
                        help="reconnect when the server sends nothing for this long (default %(default)g)")
    parser.add_argument("--status-every", type=float, metavar="SECONDS",
                        help="seconds between status lines (default 1 on a terminal, where the line is "
                             "rewritten in place, else 60)")


class StatusLine:
    """events/s over the last interval, totals and lag (now minus the last event's `dt`, with the
    ingestion lag, now minus `meta.dt`, beside it: `dt` can trail `meta.dt`, Wikimedia task T409105)."""

    def __init__(self, out, in_place: bool):
        self.out, self.in_place = out, in_place
        self.at, self.received = time.monotonic(), 0

    def __call__(self, stats) -> None:
        now = time.monotonic()
        rate = (stats.received - self.received) / max(now - self.at, 1e-9)
        self.at, self.received = now, stats.received
        wall = time.time()
        lag = "lag -" if stats.event_time is None else (
            f"lag {wall - stats.event_time:,.0f} s (ingestion {wall - stats.ingested:,.0f} s)")
        text = (f"stream: {rate:,.0f} events/s, {stats.received:,} read, {stats.written:,} written, "
                f"{stats.filtered:,} filtered, {stats.duplicates:,} duplicates, {stats.errors:,} errors, {lag}"
                + (f"; {stats.retrying}" if stats.retrying else ""))
        self.out.write(f"\r{text}\033[K" if self.in_place else text + "\n")
        self.out.flush()


def _time(option: str, value: str | None):
    """Epoch seconds of a --since/--until value, or a one-line UsageError."""
    from runners.cli.run.options import UsageError
    from transforms.events.records import MissingField, timestamp_of

    if value is None:
        return None
    try:
        return timestamp_of(value, option)
    except MissingField:
        raise UsageError(f"{option} {value!r} is not a time (ISO 8601, e.g. 2026-01-07T00:00:00Z)") from None


def subscription_of(args, status=None, stopper=None):
    """The Subscription the options describe. Raises UsageError, StreamRefused or StreamStateError."""
    from runners.cli.run.options import UsageError
    from transforms.events.stream import CHANGE_KINDS, PERFORMER_KINDS, STREAM_NAME, EventFilter
    from transforms.events.subscription import Subscription, stream_url

    for name in args.streams:
        if not STREAM_NAME.fullmatch(name):
            raise UsageError(f"{name!r} is not a stream name (letters, digits, '.', '_' and '-')")
    for option, values, known in (("--kinds", args.kinds, CHANGE_KINDS), ("--performers", args.performers,
                                                                         PERFORMER_KINDS)):
        unknown = sorted(set(values or ()) - set(known))
        if unknown:
            raise UsageError(f"{option}: {', '.join(unknown)} not one of {', '.join(known)}")
    try:
        namespaces = None if args.namespaces is None else frozenset(int(n) for n in args.namespaces)
    except ValueError:
        raise UsageError(f"--namespaces takes numbers, not {','.join(args.namespaces)!r}") from None
    for option, value in (("--hour-grace", args.hour_grace), ("--newcomer-edits", args.newcomer_edits),
                          ("--max-backoff", args.max_backoff), ("--idle-timeout", args.idle_timeout),
                          ("--status-every", args.status_every)):
        if value is not None and not value >= 0:
            raise UsageError(f"{option} must be 0 or more, not {value}")
    _time("--since", args.since)
    until = _time("--until", args.until)
    event_filter = EventFilter(
        wikis=None if args.wikis is None else frozenset(args.wikis), namespaces=namespaces,
        kinds=None if args.kinds is None else frozenset(args.kinds),
        performers=None if args.performers is None else frozenset(args.performers),
        newcomer_edits=args.newcomer_edits)
    every = args.status_every if args.status_every is not None else (1.0 if sys.stderr.isatty() else 60.0)
    return Subscription(stream_url(args.url, args.streams, None), args.streams, args.output, event_filter,
                        since=args.since, until=until, grace=args.hour_grace, max_backoff=args.max_backoff,
                        idle_timeout=args.idle_timeout, status=status, status_every=every, stopper=stopper)


def run(args, beam_args: list[str]) -> int:
    from transforms.events.hour_files import StreamStateError
    from transforms.events.subscription import Stopper, StreamRefused

    stopper = Stopper()
    status = StatusLine(sys.stderr, sys.stderr.isatty())
    try:
        subscription = subscription_of(args, status, stopper)
    except (StreamRefused, StreamStateError) as exc:
        print(f"wikidumps stream: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"wikidumps stream: error: cannot write to {args.output}: {exc}", file=sys.stderr)
        return 2
    if args.since and subscription.last_id is not None:
        print(f"wikidumps stream: {args.output} holds a checkpoint: resuming from it, --since is ignored",
              file=sys.stderr)
    previous = {sig: signal.signal(sig, stopper.request) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        stats = subscription.run()
    except StreamRefused as exc:
        print(("\n" if status.in_place else "") + f"wikidumps stream: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the files stay as of the last checkpoint: the next start goes on from there
        print(("\n" if status.in_place else "") + f"wikidumps stream: error: writing to {args.output}: {exc}; "
              "the next start goes on from the last checkpoint", file=sys.stderr)
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    published = subscription.files.published
    print(("\n" if status.in_place else "") + f"wikidumps stream: stopped after {stats.received:,} events "
          f"({stats.written:,} written, {stats.filtered:,} filtered, {stats.duplicates:,} duplicates, "
          f"{stats.errors:,} errors); {len(published)} files published, {len(subscription.files.open)} hours "
          "kept open for the next start", file=sys.stderr)
    return 0
