"""Fetching one job's files of a Wikimedia dump run, checked against the run's dumpstatus.json.

Every dumps run publishes `<mirror>/<wiki>/<date>/dumpstatus.json`: its jobs (articlesmultistreamdump,
metahistorybz2dump, xmlstubsdump, ...), each with a status and its files with size, md5 and sha1.
A job whose status is not "done" has files that are missing or still being written, so it is refused.
Files land in `<to>/<wiki>/<date>/`, the dumps site's own layout, beside a copy of dumpstatus.json that
`wikidumps run` reads to record the job status and published checksums in each manifest.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from wikidumps.transfer import (
    Expected,
    NotFoundError,
    TransferError,
    download_verified,
    format_bytes,
    http_get,
    http_stream,
)

DEFAULT_MIRROR = "https://dumps.wikimedia.org"
MIRROR_ENV = "WIKIDUMPS_MIRROR"
STATUS_FILE = "dumpstatus.json"

# The names people know the dumps by (from the file names) for the dumpstatus.json job names.
KIND_ALIASES = {
    "pages-articles-multistream": "articlesmultistreamdump",
    "multistream": "articlesmultistreamdump",
    "pages-articles": "articlesdump",
    "pages-meta-current": "metacurrentdump",
    "pages-meta-history": "metahistorybz2dump",
    "pages-meta-history-7z": "metahistory7zdump",
    "stub-meta-history": "xmlstubsdump",
    "stubs": "xmlstubsdump",
    "stubsmetahistory": "xmlstubsdump",
}
# Which `wikidumps run` job suits a dump job, best first; the first one this install has is suggested.
NEXT_JOBS = {
    "articlesmultistreamdump": ("content", "history"),
    "articlesdump": ("content", "history"),
    "metacurrentdump": ("content", "history"),
}
DEFAULT_NEXT_JOBS = ("history",)
WIKI_PATTERN = re.compile(r"^[a-z0-9_]+$")
DATE_PATTERN = re.compile(r"^\d{8}$")


class FetchRefused(Exception):
    """The request cannot be served as asked (no such run or job, job not done): exit code 2."""


@dataclass(frozen=True)
class DumpFile:
    """One file of a dump job, as dumpstatus.json describes it."""

    name: str
    size: int | None
    md5: str | None
    sha1: str | None

    @property
    def expected(self) -> Expected:
        digests = {name: value for name, value in (("md5", self.md5), ("sha1", self.sha1)) if value}
        return Expected(self.size, digests)


@dataclass
class FetchResult:
    folder: Path
    job: str
    files: list[DumpFile]
    downloaded: list[str]
    present: list[str]


def default_mirror() -> str:
    return os.environ.get(MIRROR_ENV) or DEFAULT_MIRROR


def run_url(mirror: str, wiki: str, date: str) -> str:
    return f"{mirror.rstrip('/')}/{wiki}/{date}"


def job_name(kind: str) -> str:
    return KIND_ALIASES.get(kind, kind)


def job_files(status: dict, kind: str, where: str) -> tuple[str, list[DumpFile]]:
    """The files of a job that is done, or FetchRefused saying why not."""
    jobs = status.get("jobs")
    if not isinstance(jobs, dict):
        raise FetchRefused(f"{where}: not a dumpstatus.json (no jobs)")
    name = job_name(kind)
    if name not in jobs:
        listing = ", ".join(f"{job} ({info.get('status', '?')})" for job, info in sorted(jobs.items()))
        raise FetchRefused(f"{where}: no job {kind!r} in this run; its jobs are: {listing}")
    job = jobs[name]
    if job.get("status") != "done":
        raise FetchRefused(f"{where}: job {name} is {job.get('status')!r}, not 'done' (updated {job.get('updated', '?')}); "
                           "its files may be missing or incomplete: wait, or pick an earlier run date")
    files = []
    for file_name, info in sorted((job.get("files") or {}).items()):
        # The status file comes from a server: a name must not lead outside the destination folder.
        if "/" in file_name or "\\" in file_name or file_name in ("", ".", "..") or file_name.startswith("."):
            raise FetchRefused(f"{where}: refusing the file name {file_name!r} of job {name}")
        files.append(DumpFile(file_name, info.get("size"), info.get("md5"), info.get("sha1")))
    if not files:
        raise FetchRefused(f"{where}: job {name} is done but lists no files")
    return name, files


def fetch(wiki: str, date: str, kind: str, to: str | Path, *, mirror: str | None = None,
          patterns: list[str] | None = None, out=None) -> FetchResult:
    """Downloads and verifies the files of one job of a dumps run.

    Args:
        wiki: wiki database name, e.g. "enwiki".
        date: run date, YYYYMMDD.
        kind: job name from dumpstatus.json (e.g. "metahistorybz2dump") or an alias in KIND_ALIASES.
        to: destination root; files go to `<to>/<wiki>/<date>/`.
        mirror: base URL of a dumps mirror (default: $WIKIDUMPS_MIRROR or the Wikimedia dumps site).
        patterns: optional shell patterns; only file names matching one of them are fetched.
        out: where progress and messages go (stderr by default).

    Raises:
        FetchRefused: no such run, job or file, or the job is not done.
        TransferError: a file could not be transferred (partial files are kept for a resume).
        VerificationError: a file does not match dumpstatus.json (it was deleted).
    """
    out = out or sys.stderr
    if not WIKI_PATTERN.match(wiki):
        raise FetchRefused(f"{wiki!r} is not a wiki database name (like enwiki, commonswiki)")
    if not DATE_PATTERN.match(date):
        raise FetchRefused(f"{date!r} is not a run date YYYYMMDD")
    base = run_url(mirror or default_mirror(), wiki, date)
    status_url = f"{base}/{STATUS_FILE}"
    try:
        raw_status = http_get(status_url)
        status = json.loads(raw_status)
    except NotFoundError:
        raise FetchRefused(f"{status_url}: not found; is there a {date} run of {wiki} on this mirror?") from None
    except ValueError as exc:
        raise FetchRefused(f"{status_url}: not JSON ({exc})") from None
    name, files = job_files(status, kind, status_url)
    if patterns:
        files = [f for f in files if any(fnmatch.fnmatch(f.name, p) for p in patterns)]
        if not files:
            raise FetchRefused(f"{status_url}: no file of job {name} matches {' '.join(patterns)}")
    folder = Path(to) / wiki / date
    folder.mkdir(parents=True, exist_ok=True)
    result = FetchResult(folder, name, files, [], [])
    for item in files:
        url = f"{base}/{item.name}"
        try:
            outcome = download_verified(lambda start, url=url: http_stream(url, start), folder / item.name,
                                        item.expected, label=item.name, out=out)
        except NotFoundError as exc:
            raise TransferError(f"{exc}; dumpstatus.json lists it, so the mirror is incomplete: try another "
                                f"mirror (--mirror)") from None
        (result.present if outcome == "present" else result.downloaded).append(item.name)
    temporary = folder / f".{STATUS_FILE}.partial"
    temporary.write_bytes(raw_status)
    os.replace(temporary, folder / STATUS_FILE)
    return result


def input_files(result: FetchResult) -> list[DumpFile]:
    """The files a job should read: no multistream index (found beside its dump), stub histories first."""
    dumps = [f for f in result.files if "-index" not in f.name and f.name.endswith((".bz2", ".gz", ".7z", ".xml"))]
    histories = [f for f in dumps if "stub-meta-history" in f.name]
    # The stubs job also writes stub-meta-current and stub-articles: the same pages again.
    return histories if result.job == "xmlstubsdump" and histories else dumps


def next_command(result: FetchResult, available_jobs) -> str:
    """The `wikidumps run` command line that reads what was fetched."""
    job = next((j for j in NEXT_JOBS.get(result.job, DEFAULT_NEXT_JOBS) if j in available_jobs), "history")
    inputs = " ".join(f"--input {result.folder / f.name}" for f in input_files(result))
    return f"wikidumps run {job} {inputs} --output OUTPUT_DIR"


def summary(result: FetchResult) -> str:
    size = sum(f.size or 0 for f in result.files)
    checks = sorted({name for f in result.files for name in f.expected.digests}) or ["size"]
    return (f"{len(result.files)} file(s), {format_bytes(size)}, in {result.folder}: {len(result.downloaded)} downloaded, "
            f"{len(result.present)} already there; {' and '.join(checks)} verified against {STATUS_FILE}")
