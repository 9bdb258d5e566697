"""Running a job from the command line: stage, run, check, publish, report.

The pipeline writes only to `<output>/_staging/<run_id>/`. When the runner reports success, this module
reads the counters and staged-file lists, checks that the counts add up and that the share of bad
records stays under `--max-error-rate`, then publishes every dataset with its manifest and data card.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter

from schemas import DATASETS
from transforms.datasets import (
    STAGING,
    RunRecord,
    StagedFile,
    join,
    publish_dataset,
    read_json,
    remove_staging,
    remove_staging_root,
    write_json,
)
from transforms.progress import Totals, read_totals
from transforms.read_dump import DROPPED_PAGES, NAMESPACE
from transforms.rows import Partition
from transforms.write_dataset import STAGED_LIST, WriteToDatasets

PROGRESS_EVERY_SECONDS = 10.0
HASH_BLOCK = 1 << 20


def xml_progress(totals: Totals, elapsed: float) -> str:
    """Progress of a job reading XML dumps."""
    return (f"{totals.pages:,} pages, {totals.revisions:,} revisions, "
            f"{totals.xml_bytes / 1e6:,.1f} MB of XML ({totals.xml_bytes / 1e6 / elapsed:,.1f} MB/s), "
            f"{totals.input_bytes / 1e6:,.1f} MB read from disk")


def records_progress(totals: Totals, elapsed: float) -> str:
    """Progress of a job reading records (event dumps, entity dumps, pageview files, datasets)."""
    parts = [f"{totals.records:,} records ({totals.records / elapsed:,.0f}/s)"]
    if totals.revisions:
        parts.append(f"{totals.revisions:,} revisions")
    if totals.input_bytes:
        parts.append(f"{totals.input_bytes / 1e6:,.1f} MB read from disk")
    return ", ".join(parts)


class RecordCount(NamedTuple):
    """How one kind of record is accounted for: read = written + dropped (+ filtered).

    Attributes:
        read: counter of records read.
        dropped: counter of records dropped (dead letters).
        dataset: dataset whose rows count as written, or None when rows are not one per record.
        filtered: counter of records left out by a documented rule (namespace, redirect, ...), if any.
    """

    read: str
    dropped: str
    dataset: str | None = None
    filtered: str | None = None


@dataclass
class JobSpec:
    """Everything the driver needs to run one pipeline and publish what it wrote.

    Attributes:
        pipeline: job name (history, content, ...).
        build: the pipeline module's `build(root, config)`.
        make_config: builds the pipeline config given the run's progress folder.
        datasets: datasets the job publishes (the `errors` dataset included).
        inputs: input files, each with a `path` and a `to_json()` description, for the manifest and checksums.
        partitions: partitions published even when the run writes no rows to them (those that the
            run does write are published anyway).
        output: output root.
        options: the command-line options, recorded in manifests.
        max_error_rate: largest tolerated share of dropped records among those not filtered.
        records: how each record kind is accounted for (`RecordCount`, or a tuple of its fields).
        progress: how the command line words the workers' running totals.
    """

    pipeline: str
    build: Callable
    make_config: Callable[[str], object]
    datasets: tuple[str, ...]
    inputs: list
    partitions: list[Partition]
    output: str
    options: dict
    max_error_rate: float = 0.01
    records: tuple[RecordCount | tuple, ...] = (RecordCount("pages-read", "pages-dropped", "pages"),)
    progress: Callable[[Totals, float], str] = xml_progress


@dataclass
class JobOutcome:
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


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def hash_input(source) -> dict:
    """Size and sha256 of an input, computed on a worker while the job reads it."""
    digest = hashlib.sha256()
    size = 0
    with FileSystems.open(source.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            size += len(block)
    record = source.to_json()
    record.update(size=size, sha256=digest.hexdigest())
    return record


class ProgressPrinter(threading.Thread):
    """Prints the workers' running totals (summed from their progress files) every few seconds."""

    def __init__(self, pipeline: str, folder: str, out, describe: Callable[[Totals, float], str] = xml_progress):
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
    counters: dict[str, int] = {}
    for item in result.metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.namespace != NAMESPACE:
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
            if row["error_type"] in ("truncated-input", "damaged-input"):
                page = f" (page {row['page_id']} is in errors)" if row["page_id"] is not None else ""
                warnings.append(f"warning: {row['source_file']}: {row['message']}{page}")
    return sorted(set(warnings))


def run_job(spec: JobSpec, profile, out=None, err=None) -> JobOutcome:
    """Runs the job and publishes its datasets. Returns the exit code and what was published."""
    out = out or sys.stdout
    err = err or sys.stderr
    run_id = new_run_id()
    staging = join(spec.output, STAGING, run_id)
    progress_dir = join(staging, "progress")
    started = now_iso()
    clock = time.monotonic()

    pipeline = beam.Pipeline(runner=profile.runner, options=profile.options)
    outputs = spec.build(pipeline, spec.make_config(progress_dir))
    _ = outputs | "WriteDatasets" >> WriteToDatasets({name: DATASETS[name] for name in spec.datasets}, staging,
                                                     outputs.get(DROPPED_PAGES))
    _ = (
        pipeline
        | "ListInputsToHash" >> beam.Create(list(spec.inputs))
        | "HashInputs" >> beam.Map(hash_input)
        | "CollectInputs" >> beam.combiners.ToList()
        | "SaveInputs" >> beam.Map(lambda items, path: write_json(path, items), join(staging, "inputs.json"))
    )

    if profile.dry_run:
        return _specify_only(spec, pipeline, profile, run_id, out, err)

    printer = ProgressPrinter(spec.pipeline, progress_dir, err, spec.progress)
    printer.start()
    try:
        result = pipeline.run()
        result.wait_until_finish()
        state = str(result.state)
    except Exception as exc:  # the runner re-raises a failed step's error here; the user gets one line
        state = f"FAILED ({type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''})"
        write_json(join(staging, "failure.json"), {"error": traceback.format_exc()})
    finally:
        printer.stop()
    printer.print_line()
    if "DONE" not in state:
        print(f"error: the {spec.pipeline} job ended in state {state}; nothing was published "
              f"(staging and the traceback kept in {staging})", file=err)
        return JobOutcome(1, run_id)

    counters = query_counters(result)
    staged: dict[str, list[StagedFile]] = {name: [] for name in spec.datasets}
    for item in read_json(join(staging, STAGED_LIST)):
        staged[item["dataset"]].append(StagedFile.from_json(item))
    inputs = read_json(join(staging, "inputs.json"))
    accounting, rate_messages = _account(spec, counters, staged)
    outcome = JobOutcome(0, run_id, counters)
    for line in truncation_warnings(staged.get("errors", [])):
        print(line, file=err)
    run = RunRecord(run_id, spec.pipeline, code_version(), spec.options, inputs, started, now_iso(), counters,
                    accounting)
    publish = spec.datasets
    if rate_messages:
        # Publish only the errors, so that the user can see why, and fail.
        outcome.exit_code = 1
        outcome.messages = rate_messages
        publish = tuple(name for name in spec.datasets if name == "errors")
        for message in rate_messages:
            print(f"error: {message}", file=err)
    for name in publish:
        # A dataset's partitions are those its job declared plus those this run wrote rows to: another
        # job's partitions in the same output folder are never touched.
        partitions = set(spec.partitions) | {f.partition for f in staged[name]}
        outcome.manifests[name] = publish_dataset(spec.output, staging, DATASETS[name], staged[name],
                                                  sorted(partitions, key=lambda p: p.path), run)
    remove_staging(staging)
    remove_staging_root(spec.output)
    if not accounting.get("balanced", True):
        print(f"warning: counts do not add up: {json.dumps(accounting)}", file=err)
    _print_summary(spec, outcome, time.monotonic() - clock, out)
    return outcome


def _specify_only(spec: JobSpec, pipeline, profile, run_id: str, out, err) -> JobOutcome:
    """`--dry-run`: the runner writes the job specification instead of starting the job; check it."""
    from runners.dataflow_spec import check_job_file

    pipeline.run()
    location = profile.template_location
    summary, problems = check_job_file(location, [f"WriteDatasets/Write_{name}" for name in spec.datasets])
    for problem in problems:
        print(f"error: {location}: {problem}", file=err)
    if problems:
        return JobOutcome(1, run_id, messages=problems)
    print(f"wikidumps {spec.pipeline}: Dataflow job specification written to {location} (no job started)", file=out)
    for line in summary:
        print(f"  {line}", file=out)
    return JobOutcome(0, run_id)


def _account(spec: JobSpec, counters: dict, staged: dict) -> tuple[dict, list[str]]:
    """Records read = written + dropped (+ filtered), per record kind; and the error-rate check."""
    accounting = {"balanced": True}
    messages = []
    for record in spec.records:
        read_name, dropped_name, dataset, filtered_name = RecordCount(*record)
        kind = read_name.removesuffix("-read")
        read = counters.get(read_name, 0)
        dropped = counters.get(dropped_name, 0)
        filtered = counters.get(filtered_name, 0) if filtered_name else 0
        entry = {"read": read, "dropped": dropped}
        if filtered_name:
            entry["filtered"] = filtered
        if dataset is not None:
            written = sum(f.rows for f in staged.get(dataset, []))
            entry["written"] = written
            entry["balanced"] = read == written + dropped + filtered
            accounting["balanced"] &= entry["balanced"]
        accounting[kind] = entry
        considered = read - filtered
        if considered > 0 and dropped / considered > spec.max_error_rate:
            messages.append(
                f"{dropped:,} of {considered:,} {kind} ({dropped / considered:.2%}) could not be used, "
                f"more than --max-error-rate {spec.max_error_rate:g}; only the errors dataset was published"
            )
    return accounting, messages


def _print_summary(spec: JobSpec, outcome: JobOutcome, seconds: float, out) -> None:
    print(f"wikidumps {spec.pipeline}: finished in {seconds:.1f} s (run {outcome.run_id})", file=out)
    for name, manifest in outcome.manifests.items():
        rows = sum(f["rows"] for p in manifest["partitions"] for f in p["files"] if f.get("run_id") == outcome.run_id)
        print(f"  {name:<12} {rows:>12,} rows  {join(spec.output, name)}", file=out)
