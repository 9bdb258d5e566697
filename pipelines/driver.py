"""The generic driver: runs any job of pipelines/ and publishes what it wrote.

A job module (pipelines/<job>.py) builds its pipeline into `<output>/_staging/<run_id>/`. When the runner
reports success, the driver reads the counters and the staged-file list, checks that the counts add up
(the job's `accounting`) and that the share of bad records stays under `max_error_rate`, then publishes
every dataset with its manifest and data card. A failed run publishes nothing.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, NamedTuple

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter

from schemas import DATASETS, ERRORS
from transforms.common import counters as counter_names
from transforms.common.counters import RecordCounters
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT
from transforms.datasets.progress import Totals, read_totals
from transforms.datasets.publish import (
    Release,
    RunRecord,
    publish_datasets,
    read_manifest,
    recover,
    remove_staging,
    remove_staging_root,
)
from transforms.datasets.staged import StagedFile, Staging
from transforms.datasets.storage import OutputLocked, OutputStateError, acquire_lock, join, read_json

PROGRESS_EVERY_SECONDS = 10.0


def describe_pages(totals: Totals, elapsed: float) -> str:
    """Progress of a job reading pages (XML dumps, Enterprise HTML dumps): what it decompressed and parsed."""
    return (f"{totals.pages:,} pages, {totals.revisions:,} revisions, "
            f"{totals.xml_bytes / 1e6:,.1f} MB decompressed ({totals.xml_bytes / 1e6 / elapsed:,.1f} MB/s), "
            f"{totals.input_bytes / 1e6:,.1f} MB read from disk")


def describe_records(totals: Totals, elapsed: float) -> str:
    """Progress of a job reading records (event dumps, entity dumps, pageview files, datasets)."""
    parts = [f"{totals.records:,} records ({totals.records / elapsed:,.0f}/s)"]
    if totals.revisions:
        parts.append(f"{totals.revisions:,} revisions")
    if totals.input_bytes:
        parts.append(f"{totals.input_bytes / 1e6:,.1f} MB read from disk")
    return ", ".join(parts)


class Balance(NamedTuple):
    """One rule of a job's accounting: records read = written + dropped (+ filtered), or the job fails.

    Attributes:
        records: the counters of one kind of record (read, written, dropped).
        written: the dataset with one row per record written, whose rows count them; None when rows are
            not one per record (records are summed into rows): then the `<kind>-written` counter does.
        filtered: the counter of records left out by a documented rule, if the job has one.
    """

    records: RecordCounters
    written: str | None = None
    filtered: str | None = None


@dataclass
class Outcome:
    """What a run ended with: the exit code for the command line, and what was published."""

    exit_code: int
    run_id: str
    counters: dict = field(default_factory=dict)
    manifests: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def code_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("wikidumps")
    except PackageNotFoundError:
        release = "unknown"
    try:
        here = Path(__file__).resolve().parent
        commit = subprocess.run(["git", "-C", str(here), "describe", "--always", "--dirty"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{release}+{commit}" if commit else release


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def new_run(output: str) -> tuple[str, Staging]:
    """A run id (UTC time and a random suffix, so runs sort by start) and its staging folder."""
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    return run_id, Staging.of_run(output, run_id)


def build_pipeline(job: ModuleType, config, staging: Staging, runner, options) -> beam.Pipeline:
    """The job's pipeline, built for the given runner, writing into `staging`."""
    pipeline = beam.Pipeline(runner=runner, options=options)
    job.build(pipeline, config, staging)
    return pipeline


def datasets_of(job: ModuleType, config) -> tuple[str, ...]:
    """The datasets a run publishes: the job's, or those its Config names when they depend on the inputs
    (content: `pages` too from Enterprise HTML dumps)."""
    return getattr(config, "datasets", job.DATASETS)


def run_job(job: ModuleType, config, output: str, *, runner, options, max_error_rate: float = 0.01,
            command_line: dict | None = None, worker_log: str | None = None, out=None, err=None) -> Outcome:
    """Runs a job and publishes its datasets, holding the output's lock from start to end.

    Before the job starts, what killed runs left in the output is finished or undone (`recover`). Whatever
    ends the run (success, a failed step, a full disk, Ctrl-C or SIGTERM), its staging folder is removed
    and the lock released; a killed run's are cleaned up by the next run.

    Args:
        job: the job's module in pipelines/ (NAME, DATASETS, PROGRESS, accounting, build).
        config: the job's Config; its `inputs` are recorded in the manifests, its `partitions` published
            even when the run writes no rows to them.
        output: the output folder (local or gs://).
        runner, options: what `beam.Pipeline` is given (runners/profiles.py makes them).
        max_error_rate: largest tolerated share of dropped records among those not filtered.
        command_line: the options the user gave, recorded in the manifests.
        worker_log: the file the runner's Python workers write their stderr to, if not the terminal; kept
            and named when the run fails.
        out, err: where the summary and the progress, warnings and errors are printed.

    Returns:
        The exit code (0; 1 when the job failed, too many records were bad or publishing failed; 2 when
        another run holds the output or it cannot be written) and what was published.

    Raises:
        KeyboardInterrupt: Ctrl-C or SIGTERM, after the clean-up.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    run_id, staging = new_run(output)
    try:
        lock = acquire_lock(output, run_id, err)
    except OutputLocked as exc:
        print(f"wikidumps: error: {exc}", file=err)
        return Outcome(2, run_id)
    except OSError as exc:
        print(f"wikidumps: error: cannot write to {output}: {_reason(exc)}", file=err)
        return Outcome(2, run_id)
    try:
        with _interrupts_handled():
            for line in recover(output, keep_staging=staging.folder):
                print(f"wikidumps: {line}", file=err)
            return _run_and_publish(job, config, output, run_id, staging, runner, options, max_error_rate,
                                    command_line, worker_log, out, err)
    except (OSError, OutputStateError) as exc:  # publishing or recovering: the output is old or new, never mixed
        published = [name for name in datasets_of(job, config) if run_id in _manifest_runs(output, name)]
        what = f"published {', '.join(published)}" if published else "nothing was published"
        print(f"error: {output}: {_reason(exc)}; {what}", file=err)
        return Outcome(1, run_id)
    finally:
        with _signals_ignored():  # a second Ctrl-C must not leave the staging behind
            try:
                remove_staging(staging.folder)
                remove_staging_root(output)
            except OSError:
                pass  # the next run removes it, as the staging of a dead run
            finally:
                lock.release()


def _run_and_publish(job: ModuleType, config, output: str, run_id: str, staging: Staging, runner, options,
                     max_error_rate: float, command_line: dict | None, worker_log: str | None, out, err) -> Outcome:
    started = now_iso()
    # Asked before the job runs: `git describe` is a child process, and at the end it would add its memory to
    # the job's peak, when the process is at its largest (docs/performance.md, the 15,000-revision page).
    version = code_version()
    clock = time.monotonic()
    pipeline = build_pipeline(job, config, staging, runner, options)

    printer = ProgressPrinter(job.NAME, staging.progress, err, job.PROGRESS)
    printer.start()
    try:
        result = pipeline.run()
        result.wait_until_finish()
        state = str(result.state)
    except Exception as exc:  # the runner re-raises a failed step's error here; the user gets one line
        if _interrupted.is_set():
            raise KeyboardInterrupt from None  # Beam's wrapping of a Ctrl-C that hit a step in this process
        details = traceback.format_exc()
        cause = _reason_in_text(details)
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
        state = f"FAILED: {cause}" if cause else f"FAILED ({type(exc).__name__}: {last})"
        if not cause:  # a disk problem is said in full; anything else may be a bug, worth its traceback
            saved = _save_traceback(run_id, details)
            state += f"; traceback in {saved}" if saved else ""
    finally:
        printer.stop()
    printer.print_line()
    if "DONE" not in state:
        kept = _save_worker_log(run_id, worker_log)
        state += f"; the workers' log is {kept}" if kept else ""
        print(f"error: the {job.NAME} job ended in state {state}; nothing was published (staging removed)", file=err)
        return Outcome(1, run_id)

    counters = query_counters(result)
    staged: dict[str, list[StagedFile]] = {name: [] for name in datasets_of(job, config)}
    for item in read_json(staging.staged_list):
        staged[item["dataset"]].append(StagedFile.from_json(item))
    accounting, rate_messages = account(job.accounting(config), counters, staged, max_error_rate)
    if not accounting["balanced"]:
        # A record neither kept, nor an error, nor left out by a rule: a bug that lost (or invented) data.
        # Nothing of it is published; the counts go to the terminal for the bug report.
        print(f"error: the counts of the {job.NAME} job do not add up (read = written + dropped + filtered): "
              f"{json.dumps(unbalanced(accounting))}; nothing was published (staging removed)", file=err)
        return Outcome(1, run_id, counters)
    outcome = Outcome(0, run_id, counters)
    for line in truncation_warnings(staged.get(ERRORS, [])):
        print(line, file=err)
    run = RunRecord(run_id, job.NAME, version, command_line or {}, read_json(staging.inputs_list), started,
                    now_iso(), counters, accounting)
    publish = datasets_of(job, config)
    if rate_messages:
        # Publish only the errors, so that the user can see why, and fail.
        outcome.exit_code = 1
        outcome.messages = rate_messages
        publish = tuple(name for name in publish if name == ERRORS)
        for message in rate_messages:
            print(f"error: {message}", file=err)
    # A dataset's partitions are those its job declared plus those this run wrote rows to: another job's
    # partitions in the same output folder are never touched.
    releases = [Release(DATASETS[name], staged[name],
                        sorted(set(config.partitions) | {f.partition for f in staged[name]}, key=lambda p: p.path))
                for name in publish]
    outcome.manifests = publish_datasets(output, staging.folder, releases, run)
    _print_summary(job.NAME, output, outcome, time.monotonic() - clock, out)
    return outcome


# What a full or read-only disk is called in an error's text, and how the user is told.
DISK_ERRORS = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
               errno.EROFS: "read-only file system", errno.EACCES: "permission denied", errno.EIO: "input/output error"}


def _reason(exc: BaseException) -> str:
    """An OSError as a user reads it: what happened, and to which file."""
    if isinstance(exc, OSError) and exc.strerror:
        phrase = DISK_ERRORS.get(exc.errno) or exc.strerror[0].lower() + exc.strerror[1:]
        return phrase + (f" ({exc.filename})" if exc.filename else "")
    return str(exc)


def _reason_in_text(text: str) -> str | None:
    """A disk problem named in a failed step's error (it reaches the driver as text from a worker)."""
    for code, phrase in DISK_ERRORS.items():
        if f"[Errno {code}]" in text or os.strerror(code) in text:
            return phrase
    return None


def _save_traceback(run_id: str, details: str) -> str | None:
    """A failed step's traceback, for a bug report, outside the output (its staging is removed)."""
    path = os.path.join(tempfile.gettempdir(), f"wikidumps-{run_id}-traceback.txt")
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(details)
    except OSError:
        return None
    return path


def _save_worker_log(run_id: str, log: str | None) -> str | None:
    """A failed run's worker log, moved where it outlives the command (the runner profile's folder does not)."""
    if not log or not os.path.exists(log) or os.path.getsize(log) == 0:
        return None
    path = os.path.join(tempfile.gettempdir(), f"wikidumps-{run_id}-workers.log")
    try:
        shutil.move(log, path)
    except OSError:
        return None
    return path


def _manifest_runs(output: str, dataset: str) -> dict:
    try:
        return (read_manifest(output, dataset) or {}).get("runs", {})
    except (OSError, ValueError, OutputStateError):
        return {}


_interrupted = threading.Event()


@contextlib.contextmanager
def _interrupts_handled():
    """Ctrl-C, and SIGTERM (`kill`) too, end the run with its clean-up rather than on the spot; and the
    console gets one line per failure, not Beam's tracebacks.

    Beam logs a failed step with its traceback (and, for a step on a local worker, once more as the
    worker's log relayed to this process) before the driver reports it in one line and keeps the
    traceback in a file: Beam's error records are dropped here. A Ctrl-C that hits a step running in this
    process (`--workers 1`) reaches the driver as Beam's RuntimeError: `_run_and_publish` turns it back
    into KeyboardInterrupt.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        _interrupted.set()
        raise KeyboardInterrupt

    def quiet(record) -> bool:
        return not (_interrupted.is_set() or record.name.startswith("apache_beam") and record.levelno >= logging.ERROR)

    _interrupted.clear()
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for handler in handlers:
            handler.removeFilter(quiet)


@contextlib.contextmanager
def _signals_ignored():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class ProgressPrinter(threading.Thread):
    """Prints the workers' running totals (summed from their progress files) every few seconds."""

    def __init__(self, pipeline: str, folder: str, out, describe: Callable[[Totals, float], str] = describe_pages):
        super().__init__(daemon=True, name="progress")
        self._pipeline = pipeline
        self._describe = describe
        self._folder = folder
        self._out = out
        self._halt = threading.Event()
        self._began = time.monotonic()

    def run(self):
        while not self._halt.wait(PROGRESS_EVERY_SECONDS):
            self.print_line()

    def print_line(self):
        totals = read_totals(self._folder)
        elapsed = max(time.monotonic() - self._began, 1e-6)
        print(f"[{self._pipeline}] {elapsed:6.0f} s  {self._describe(totals, elapsed)}", file=self._out, flush=True)

    def stop(self):
        self._halt.set()


def query_counters(result) -> dict[str, int]:
    """The job's counters by name, summed over steps."""
    counters: dict[str, int] = {}
    for item in result.metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.namespace != counter_names.NAMESPACE:
            continue
        value = item.committed if item.committed is not None else item.attempted
        counters[item.key.metric.name] = counters.get(item.key.metric.name, 0) + (value or 0)
    return dict(sorted(counters.items()))


def truncation_warnings(staged_errors: list[StagedFile]) -> list[str]:
    """One line per input that ended early, from the staged `errors` files."""
    warnings = []
    for staged in staged_errors:
        if not staged.rows:
            continue
        with FileSystems.open(staged.path) as handle:
            table = pq.read_table(handle, columns=["error_type", "source_file", "page_id", "message"])
        for row in table.to_pylist():
            if row["error_type"] in (TRUNCATED_INPUT, DAMAGED_INPUT):
                page = f" (page {row['page_id']} is in errors)" if row["page_id"] is not None else ""
                warnings.append(f"warning: {row['source_file']}: {row['message']}{page}")
    return sorted(set(warnings))


def account(rules: tuple[Balance, ...], counters: dict, staged: dict, max_error_rate: float
            ) -> tuple[dict, list[str]]:
    """Records read = written + dropped (+ filtered), per record kind; and the error-rate check.

    Returns:
        The accounting the manifests record (per kind its counts and whether they balance, and
        `balanced` for all), and one message per kind whose share of dropped records passes
        `max_error_rate`.
    """
    accounting = {"balanced": True}
    messages = []
    for records, dataset, filtered_name in rules:
        kind = records.kind
        read = counters.get(records.read, 0)
        dropped = counters.get(records.dropped, 0)
        filtered = counters.get(filtered_name, 0) if filtered_name else 0
        if dataset is not None:
            written = sum(f.rows for f in staged.get(dataset, []))
        else:
            written = counters.get(records.written, 0)
        entry = {"read": read, "written": written, "dropped": dropped}
        if filtered_name:
            entry["filtered"] = filtered
        entry["balanced"] = read == written + dropped + filtered
        accounting["balanced"] &= entry["balanced"]
        accounting[kind] = entry
        considered = read - filtered
        if considered > 0 and dropped / considered > max_error_rate:
            messages.append(
                f"{dropped:,} of {considered:,} {kind} ({dropped / considered:.2%}) could not be used, "
                f"more than --max-error-rate {max_error_rate:g}; only the errors dataset was published"
            )
    return accounting, messages


def unbalanced(accounting: dict) -> dict:
    """The record kinds whose counts do not add up."""
    return {kind: entry for kind, entry in accounting.items() if isinstance(entry, dict) and not entry["balanced"]}


def _print_summary(job_name: str, output: str, outcome: Outcome, seconds: float, out) -> None:
    print(f"wikidumps {job_name}: finished in {seconds:.1f} s (run {outcome.run_id})", file=out)
    for name, manifest in outcome.manifests.items():
        rows = sum(f["rows"] for p in manifest["partitions"] for f in p["files"] if f.get("run_id") == outcome.run_id)
        print(f"  {name:<12} {rows:>12,} rows  {join(output, name)}", file=out)
