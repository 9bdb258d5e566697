"""Downloads that survive real networks: streamed, resumed with HTTP Range, verified, with progress.

A file is downloaded into a hidden partial file beside its destination (`.<name>.partial`, which
Parquet readers and `*.parquet` globs skip) and renamed only once its size and checksums match what
its publisher states. A transfer cut short keeps the partial file, so the next attempt (in the same
command, or a later run) asks only for the missing bytes; a file that fails verification is deleted,
so nothing unverified ever carries the final name.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 60
USER_AGENT = "wikidumps/0.1 (Wikimedia dump and dataset downloader; python-urllib)"
# A small file (manifest, dumpstatus.json, catalog) is read whole; more than this is not a small file.
SMALL_FILE_LIMIT = 64 << 20


class TransferError(Exception):
    """A transfer that could not complete; a partial file, if any, is kept for a resume."""


class NotFoundError(TransferError):
    """The server says the file does not exist (HTTP 404, or no such object)."""


class VerificationError(Exception):
    """A downloaded file whose size or checksum differs from what its publisher states (it was deleted)."""


class Interrupted(Exception):
    """The stream ended before the announced length; resuming from the bytes received is safe."""


class RangeIgnored(Exception):
    """The server answered a Range request with the whole file; the download restarts from byte 0."""


# ---------------------------------------------------------------------------------------------------
# Progress


def format_bytes(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(count) < 1000 or unit == "TB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1000
    return f"{count:,.1f} TB"


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """A one-line progress bar: bytes done of total, transfer rate and time left.

    On a terminal the line is redrawn in place; in a log (not a tty) a line is printed every
    `log_every` seconds, so CI logs stay readable.
    """

    def __init__(self, label: str, total: int | None, *, done: int = 0, out=None, log_every: float = 5.0):
        self.label = label
        self.total = total
        self.done = done
        self._resumed_from = done
        self._out = out or sys.stderr
        self._tty = hasattr(self._out, "isatty") and self._out.isatty()
        self._every = 0.2 if self._tty else log_every
        self._began = time.monotonic()
        self._last = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._draw(final=False)

    def finish(self) -> None:
        self._draw(final=True)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._began, 1e-6)
        rate = (self.done - self._resumed_from) / elapsed
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 24)
            left = (self.total - self.done) / rate if rate > 0 else float("inf")
            eta = format_duration(left) if left != float("inf") else "-:--:--"
            return (f"{self.label}  {share:4.0%} |{bar:<24}| {format_bytes(self.done)} / {format_bytes(self.total)}  "
                    f"{format_bytes(rate)}/s  ETA {eta}")
        return f"{self.label}  {format_bytes(self.done)}  {format_bytes(rate)}/s"

    def _draw(self, final: bool) -> None:
        if self._tty:
            print("\r" + self.line(), end="\n" if final else "", file=self._out, flush=True)
        else:
            print(self.line(), file=self._out, flush=True)


# ---------------------------------------------------------------------------------------------------
# HTTP


def _request(url: str, start: int = 0) -> urllib.request.Request:
    headers = {"User-Agent": USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    return urllib.request.Request(url, headers=headers)


def _http_error(url: str, exc: urllib.error.HTTPError) -> TransferError:
    if exc.code == 404:
        return NotFoundError(f"{url}: not found (HTTP 404)")
    return TransferError(f"{url}: HTTP {exc.code} {exc.reason}")


def http_get(url: str, limit: int = SMALL_FILE_LIMIT) -> bytes:
    """The body of a small file (a manifest, dumpstatus.json). Raises TransferError or NotFoundError."""
    try:
        with urllib.request.urlopen(_request(url), timeout=TIMEOUT_SECONDS) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise TransferError(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if len(body) > limit:
        raise TransferError(f"{url}: larger than {format_bytes(limit)}, not a small metadata file")
    return body


def http_stream(url: str, start: int) -> Iterator[bytes]:
    """The bytes of `url` from offset `start`, in chunks.

    Raises Interrupted when the connection ends before the announced length, RangeIgnored when a
    server without Range support sends the whole file, TransferError for HTTP errors.
    """
    try:
        response = urllib.request.urlopen(_request(url, start), timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:
            raise RangeIgnored(url) from None  # asked beyond the end: the partial file is not this file's start
        if exc.code >= 500:
            raise Interrupted(f"HTTP {exc.code}") from None
        raise _http_error(url, exc) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise Interrupted(str(getattr(exc, "reason", exc))) from None
    with response:
        if start and response.status != 206:
            raise RangeIgnored(url)
        length = response.headers.get("Content-Length")
        expected = int(length) if length is not None else None
        received = 0
        try:
            while chunk := response.read(CHUNK_BYTES):
                received += len(chunk)
                yield chunk
        except (OSError, http.client.HTTPException) as exc:
            raise Interrupted(str(exc)) from None
        # http.client returns b"" rather than raising when a connection closes early.
        if expected is not None and received < expected:
            raise Interrupted(f"connection closed after {received:,} of {expected:,} bytes")


# ---------------------------------------------------------------------------------------------------
# Verified downloads


@dataclass(frozen=True)
class Expected:
    """What the publisher says a file is: its size and hex digests keyed by hashlib name."""

    size: int | None
    digests: dict[str, str] = field(default_factory=dict)


def partial_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.partial")


def file_digests(path: Path, algorithms) -> dict[str, str]:
    hashers = {name: hashlib.new(name) for name in algorithms}
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            for hasher in hashers.values():
                hasher.update(block)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def mismatches(size: int, digests: dict[str, str], expected: Expected) -> list[str]:
    """Human-readable differences between a file and what was expected of it (empty when it matches)."""
    problems = []
    if expected.size is not None and size != expected.size:
        problems.append(f"{size:,} bytes where {expected.size:,} were expected")
    for name, want in expected.digests.items():
        if digests.get(name, "").lower() != want.lower():
            problems.append(f"{name} {digests.get(name)} where {want} was expected")
    return problems


def verified(path: Path, expected: Expected) -> bool:
    if not path.is_file() or (expected.size is not None and path.stat().st_size != expected.size):
        return False
    return not mismatches(path.stat().st_size, file_digests(path, expected.digests), expected)


def download_verified(stream_from: Callable[[int], Iterator[bytes]], dest: Path, expected: Expected, *,
                      label: str, out=None, attempts: int = 4, retry_delay: float = 0.5) -> str:
    """Downloads a file to `dest` and checks it against `expected`.

    Args:
        stream_from: returns the file's bytes from a given offset, in chunks (see http_stream).
        dest: final path; the partial download lives beside it until verified.
        expected: size and checksums to verify.
        label: what the progress bar calls the file.
        out: where progress goes (stderr by default).
        attempts: connections tried, each resuming where the previous one stopped.
        retry_delay: seconds before the first retry, doubled each time.

    Returns:
        "present" when `dest` was already there and verified, else "downloaded".

    Raises:
        TransferError: the transfer failed `attempts` times (the partial file is kept for a resume)
            or the server refused it.
        VerificationError: the complete file does not match `expected` (it is deleted).
    """
    if dest.exists():
        if verified(dest, expected):
            return "present"
        dest.unlink()  # a stale or damaged copy: replaced below
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = partial_path(dest)
    if part.exists() and expected.size is not None and part.stat().st_size > expected.size:
        part.unlink()
    hashers = {name: hashlib.new(name) for name in expected.digests}
    offset = 0
    if part.exists():
        offset = part.stat().st_size
        with part.open("rb") as handle:
            while block := handle.read(CHUNK_BYTES):
                for hasher in hashers.values():
                    hasher.update(block)
    progress = Progress(label, expected.size, done=offset, out=out)
    for attempt in range(1, attempts + 1):
        try:
            if expected.size is not None and offset == expected.size:
                break  # a previous run received every byte; only the verification was missing
            with part.open("ab") as sink:
                for chunk in stream_from(offset):
                    sink.write(chunk)
                    for hasher in hashers.values():
                        hasher.update(chunk)
                    offset += len(chunk)
                    progress.advance(len(chunk))
            break
        except RangeIgnored:
            part.unlink(missing_ok=True)
            hashers = {name: hashlib.new(name) for name in expected.digests}
            offset = 0
            progress = Progress(label, expected.size, out=out)
        except Interrupted as exc:
            if attempt == attempts:
                progress.finish()
                raise TransferError(f"{label}: transfer interrupted {attempts} times ({exc}); {offset:,} bytes "
                                    f"kept in {part}, run the command again to resume") from None
            print(f"{label}: {exc}; resuming at byte {offset:,}", file=out or sys.stderr, flush=True)
            time.sleep(retry_delay * 2 ** (attempt - 1))
        except NotFoundError:
            part.unlink(missing_ok=True)
            raise
    progress.finish()
    problems = mismatches(offset, {name: h.hexdigest() for name, h in hashers.items()}, expected)
    if problems:
        part.unlink(missing_ok=True)
        raise VerificationError(f"{label}: {'; '.join(problems)}; the download was deleted")
    os.replace(part, dest)
    return "downloaded"

