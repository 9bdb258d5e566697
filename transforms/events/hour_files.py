"""Hourly event files that appear only when complete, and survive a kill -9 at any moment.

Layout of a stream's output folder:

    OUT/_stream.json                                    the checkpoint (below)
    OUT/_stream.lock                                    held while a `wikidumps stream` writes here
    OUT/<stream>/<stream>-YYYYMMDD-HH.json              the events of one hour (by event time), JSON lines
    OUT/<stream>/<stream>-YYYYMMDD-HH-2.json            the same hour's events that came after it was published
    OUT/errors/stream-errors-YYYYMMDD-HH.json           malformed events, as errors rows (by ingestion hour)
    OUT/<folder>/.<name>.part                           an hour still open: hidden, never read

The names carry the date as `run events` reads a snapshot from a name, so `wikidumps run events --input
OUT/mediawiki.*/*.json` reads every published hour (and no open one: shell globs skip hidden files).

An hour is published as soon as the clock (the latest ingestion time, `meta.dt`) passes its end by the
grace period, before the event that moved the clock is written: which file an event lands in depends on
the events before it only, never on timing.

Crash safety rests on one order of writes. Events are appended to the open hours' `.part` files as they
come. Once a second, and before publishing (`checkpoint`), the parts are flushed and fsynced, then `_stream.json` is replaced
(written beside, fsynced, renamed) with the last event id and the size of every open part: the files
up to those sizes hold exactly the events up to that id. Publishing happens only right after a
checkpoint: the part is renamed to its final name, and the next checkpoint forgets it. A restart
(`HourFiles.__init__`) makes the files agree with the checkpoint again: each part is cut back to its
recorded size (dropping what came after the checkpoint, which the server sends again from the saved
id), a part renamed before the crash is recognised by its final name being present, and parts opened
after the checkpoint are removed. Killed anywhere, the next start therefore neither loses nor doubles
an event.

Duplicates (EventStreams delivers at least once) are dropped by key while their hour is open: memory
holds the keys of the open hours only, re-read from the parts on a restart.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from dataclasses import dataclass, field

from transforms.events.stream import line_key

STATE = "_stream.json"
LOCK = "_stream.lock"
ERRORS = "errors"
ERRORS_PREFIX = "stream-errors"
STATE_FORMAT = 1
HOUR = 3600
NEVER = 2**62


class StreamStateError(Exception):
    """The output folder cannot be resumed (another subscription, a part shorter than recorded, a lock)."""


def hour_name(prefix: str, hour: int, part: int) -> str:
    """`<prefix>-YYYYMMDD-HH.json` for hour `hour` (epoch hours), `-<part>` before `.json` after the first."""
    stamp = time.strftime("%Y%m%d-%H", time.gmtime(hour * HOUR))
    return f"{prefix}-{stamp}{'' if part == 1 else f'-{part}'}.json"


@dataclass
class OpenPart:
    """An hour's file being written: `temp` (hidden) until published as `final` (paths relative to OUT)."""

    folder: str
    hour: int
    final: str
    temp: str
    due: int  # the clock (ingestion time) at which it is published
    size: int = 0  # bytes written
    synced: int = 0  # bytes fsynced
    keys: set = field(default_factory=set)
    handle: object = None


class HourFiles:
    """The open hours of one output folder, resumed from its checkpoint.

    Args:
        root: the output folder (created if absent).
        subscription: what is streamed (the URL without `since`); a folder holds one subscription.
        grace: seconds the clock must pass an hour's end before the hour is published.

    Attributes:
        last_id: the SSE id of the last event the files account for (None on a first start).
        clock: the latest ingestion time seen (epoch seconds; the reader moves it as events arrive), 0 on a
            first start.
        published: relative paths published by this process, in order.
    """

    def __init__(self, root: str, subscription: str, grace: int):
        self.root = root
        self.grace = grace
        self.published: list[str] = []
        os.makedirs(root, exist_ok=True)
        self._lock = open(os.path.join(root, LOCK), "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._lock.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise StreamStateError(f"{root}: another `wikidumps stream` is writing to this folder") from None
            raise
        self.open: dict[tuple[str, int], OpenPart] = {}
        self.next_due = NEVER  # the earliest `due` of the open parts
        try:
            state = self._read_state()
            if state is not None and state["subscription"] != subscription:
                raise StreamStateError(f"{root} holds the stream of {state['subscription']}, not {subscription}; "
                                       "give another --output")
            self.subscription = subscription
            self.last_id: str | None = state["last_id"] if state else None
            self.clock: int = state["clock"] if state else 0
            self._reconcile(state["open"] if state else [])
        except BaseException:
            self.close()
            raise

    # -----------------------------------------------------------------------------------------------
    # Writing

    def add(self, folder: str, prefix: str, hour: int, key: str, line: bytes) -> bool:
        """Appends one event line (ending in a newline) to its hour; False for a duplicate key."""
        part = self.open.get((folder, hour))
        if part is None:
            part = self._open_part(folder, prefix, hour)
        elif key in part.keys:
            return False
        part.keys.add(key)
        part.handle.write(line)
        part.size += len(line)
        return True

    def checkpoint(self, last_id: str | None, clock: int) -> None:
        """Makes the open parts durable up to now, then records `last_id` and their sizes."""
        self.last_id = last_id
        self.clock = max(self.clock, clock)
        for part in self.open.values():
            if part.size != part.synced:
                part.handle.flush()
                os.fsync(part.handle.fileno())
                part.synced = part.size
        self._write_state()

    def publish_due(self, last_id: str | None, clock: int) -> list[str]:
        """Checkpoints, then publishes every part whose hour is complete by `clock`; returns their paths."""
        self.checkpoint(last_id, clock)
        due = [key for key, part in self.open.items() if part.due <= self.clock]
        if not due:
            return []
        done = []
        for key in sorted(due, key=lambda k: (k[1], k[0])):
            part = self.open.pop(key)
            part.handle.close()
            os.rename(self._path(part.temp), self._path(part.final))
            done.append(part)
        for folder in {part.folder for part in done}:
            _fsync_dir(self._path(folder))
        self.next_due = min((part.due for part in self.open.values()), default=NEVER)
        self._write_state()
        self.published.extend(part.final for part in done)
        return [part.final for part in done]

    def close(self) -> None:
        """Closes the open parts (kept for the next start: the checkpoint names them) and the lock. After a
        failed write too: what a part holds past its checkpointed size is cut off by the next start."""
        for part in self.open.values():
            try:
                part.handle.close()
            except OSError:  # flushing what a full disk refused: the descriptor is closed all the same
                pass
        self._lock.close()

    @property
    def open_keys(self) -> int:
        """How many event keys are held for dropping duplicates (the memory that grows with the hours)."""
        return sum(len(part.keys) for part in self.open.values())

    def due_of(self, hour: int) -> int:
        """The clock at which a part of `hour` opened now is published: the hour's end plus the grace, or,
        for an hour already complete (late events), the grace from now, so late events gather in one file."""
        return max((hour + 1) * HOUR + self.grace, self.clock + self.grace)

    # -----------------------------------------------------------------------------------------------
    # Files and the checkpoint

    def _path(self, relative: str) -> str:
        return os.path.join(self.root, relative)

    def _open_part(self, folder: str, prefix: str, hour: int) -> OpenPart:
        os.makedirs(self._path(folder), exist_ok=True)
        claimed = {part.final for part in self.open.values()}
        number = 1
        while True:
            final = os.path.join(folder, hour_name(prefix, hour, number))
            if final not in claimed and not os.path.exists(self._path(final)):
                break
            number += 1
        temp = os.path.join(folder, f".{os.path.basename(final)}.part")
        part = OpenPart(folder, hour, final, temp, self.due_of(hour))
        part.handle = open(self._path(temp), "wb", buffering=1 << 20)
        self.open[(folder, hour)] = part
        self.next_due = min(self.next_due, part.due)
        return part

    def _read_state(self) -> dict | None:
        try:
            with open(self._path(STATE), encoding="utf-8") as handle:
                state = json.load(handle)
        except FileNotFoundError:
            return None
        except (ValueError, OSError) as exc:
            raise StreamStateError(f"{self._path(STATE)} is unreadable ({exc}); it records where the stream "
                                   "stopped: restore it, or give another --output") from None
        if type(state) is not dict or state.get("format") != STATE_FORMAT:
            raise StreamStateError(f"{self._path(STATE)} is not a checkpoint of this version of wikidumps stream")
        return state

    def _write_state(self) -> None:
        if self.last_id is None and not self.open:
            return  # nothing read yet: a folder without a checkpoint takes any subscription
        state = {"format": STATE_FORMAT, "subscription": self.subscription, "last_id": self.last_id,
                 "clock": self.clock, "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "open": [{"folder": p.folder, "hour": p.hour, "final": p.final, "temp": p.temp, "due": p.due,
                           "size": p.synced} for p in self.open.values()]}
        temp = self._path(f".{STATE}.tmp")
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self._path(STATE))
        _fsync_dir(self.root)

    def _reconcile(self, recorded: list[dict]) -> None:
        """Brings the files back to the checkpoint (the module's docstring says why this is enough)."""
        kept = set()
        for entry in recorded:
            temp, final, size = entry["temp"], entry["final"], entry["size"]
            if not os.path.exists(self._path(temp)):
                if os.path.exists(self._path(final)):
                    continue  # published after the checkpoint was written, before the next one
                raise StreamStateError(f"{self._path(temp)} is missing, and so is {final}: the checkpoint "
                                       "names an open hour that is gone (removed by hand?)")
            actual = os.path.getsize(self._path(temp))
            if actual < size:
                raise StreamStateError(f"{self._path(temp)} holds {actual} bytes, fewer than the {size} the "
                                       "checkpoint recorded as written: data was lost underneath the stream")
            part = OpenPart(entry["folder"], entry["hour"], final, temp, entry["due"], size, size)
            with open(self._path(temp), "r+b") as handle:
                handle.truncate(size)  # what came after the checkpoint is sent again from its id
                part.keys = {line_key(line) for line in handle.read().splitlines() if line}
            part.handle = open(self._path(temp), "ab", buffering=1 << 20)
            self.open[(part.folder, part.hour)] = part
            self.next_due = min(self.next_due, part.due)
            kept.add(temp)
        for folder in sorted(os.listdir(self.root)):  # parts opened after the checkpoint
            if not os.path.isdir(self._path(folder)):
                continue
            for name in os.listdir(self._path(folder)):
                relative = os.path.join(folder, name)
                if name.startswith(".") and name.endswith(".part") and relative not in kept:
                    os.remove(self._path(relative))
        stale = self._path(f".{STATE}.tmp")
        if os.path.exists(stale):
            os.remove(stale)


def _fsync_dir(path: str) -> None:
    """Makes renames inside `path` durable (a rename is an update of its folder)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
