"""Runner profiles: each `--runner` name is a Beam runner plus default options; any Beam option given on
the command line overrides them (docs/runners.md shows each with an example).

- local: Beam's FnApiRunner, one worker process per core.
- flink: Beam's Flink runner; a job server (the jar fetched by `make fetch-runners`) submits to the
  cluster that `make cluster-flink` started, else to a Flink mini cluster inside the job server.
- spark: Beam's Spark runner likewise, on the `make cluster-spark` standalone cluster, else Spark local.
- prism: Beam's Go runner, built by `make fetch-runners`, started by each job.
- dataflow: Google Cloud Dataflow; `--dry-run` writes and checks the job specification instead of
  starting the job.

On flink, spark and prism the Python code runs in LOOPBACK worker processes that the `wikidumps`
command starts on this machine, one per parallel slot; for workers on other machines give
`--environment_type=PROCESS|EXTERNAL|DOCKER` with its `--environment_config`, and the project is then
staged with `--setup_file` for them to install.
"""
from __future__ import annotations

import atexit
import os
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.transforms import environments

from runners import RUNNERS, ProfileError
from runners.clusters import processes as clusters
from runners.local import worker as local_worker
from runners.local.runner import queued_runner
from wikidumps import cache_root

SETUP_FILE = Path(__file__).resolve().parent.parent / "setup.py"
DEFAULT_REGION = "us-central1"


@dataclass
class Profile:
    """What `beam.Pipeline(runner=..., options=...)` needs, and whether the job is only to be specified."""

    name: str
    runner: object
    options: PipelineOptions
    dry_run: bool = False
    worker_log: str | None = None  # where LOOPBACK workers on this machine write their stderr

    @property
    def template_location(self) -> str | None:
        return self.options.get_all_options().get("template_location")


def local_profile(beam_args: list[str], workers: int | None) -> Profile:
    """Beam's FnApiRunner with one worker process per core.

    The runner is named explicitly because the default DirectRunner first tries to download and start
    Prism. Workers are forked ready-made and with quiet logging by runners.local_worker.
    """
    count = local_worker.local_workers(workers)
    runner = FnApiRunner()
    if count > 1:
        command = local_worker.worker_command()
        runner = queued_runner(default_environment=environments.SubprocessSDKEnvironment.from_command_string(command))
    return Profile("local", runner, PipelineOptions([f"--direct_num_workers={count}", *beam_args]))


def _given(beam_args: list[str], option: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in beam_args)


def _worker_options(beam_args: list[str], workers: int) -> tuple[list[str], str | None]:
    """Python workers for a portable runner: local processes (LOOPBACK), unless the user chose others.

    Returns the options and the file the local workers' stderr goes to (None for workers elsewhere).
    """
    if _given(beam_args, "--environment_type"):
        setup = [f"--setup_file={SETUP_FILE}"] if SETUP_FILE.exists() and not _given(beam_args, "--setup_file") else []
        return setup, None
    options = ["--environment_type=LOOPBACK", "--experiments=use_loopback_process_worker",
               f"--sdk_worker_parallelism={workers}"]
    return options, _python_with_stderr_to_log()


def _python_with_stderr_to_log() -> str:
    """Puts first on PATH a `python` that is this interpreter with its stderr sent to a log file.

    Beam's loopback worker pool starts each worker as `python` from PATH, with this command's stderr. When
    the runner hangs up a worker's data channel (Spark and Flink do, between stages and at the end), the
    worker logs gRPC's CANCELLED with a traceback, though nothing failed: on the user's terminal that reads
    as a crash. Their stderr goes to the log instead, which the driver keeps and names when the run fails
    (pipelines/driver.py).
    """
    folder = tempfile.mkdtemp(prefix="wikidumps-loopback-")
    log = os.path.join(folder, "workers.log")
    wrapper = os.path.join(folder, "python")
    with open(wrapper, "w", encoding="utf-8") as script:
        script.write(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} \"$@\" 2>>{shlex.quote(log)}\n")
    os.chmod(wrapper, 0o755)
    os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return log


def _cached(path: Path, what: str) -> str:
    if not path.exists():
        raise ProfileError(f"{path} is missing: run `make fetch-runners` (python -m runners.clusters fetch {what}) "
                           "first, or give its option yourself")
    return str(path)


def flink_profile(beam_args: list[str], workers: int | None) -> Profile:
    count = workers or 2
    cluster = clusters.running_cluster("flink")
    defaults = [f"--flink_version={clusters.FLINK_LINE}", f"--parallelism={count}",
                f"--flink_master={cluster.master if cluster else '[local]'}"]
    if not _given(beam_args, "--flink_job_server_jar") and not _given(beam_args, "--job_endpoint"):
        defaults.append(f"--flink_job_server_jar={_cached(clusters.job_server_jar(cache_root(), 'flink'), 'flink')}")
    workers_given, log = _worker_options(beam_args, count)
    return Profile("flink", "FlinkRunner", PipelineOptions([*defaults, *workers_given, *beam_args]), worker_log=log)


def spark_profile(beam_args: list[str], workers: int | None) -> Profile:
    count = workers or 2
    cluster = clusters.running_cluster("spark")
    defaults = [f"--spark_master_url={cluster.master if cluster else f'local[{count}]'}"]
    if not _given(beam_args, "--spark_job_server_jar") and not _given(beam_args, "--job_endpoint"):
        defaults.append(f"--spark_job_server_jar={_cached(clusters.job_server_jar(cache_root(), 'spark'), 'spark')}")
    workers_given, log = _worker_options(beam_args, count)
    return Profile("spark", "SparkRunner", PipelineOptions([*defaults, *workers_given, *beam_args]), worker_log=log)


def prism_profile(beam_args: list[str], workers: int | None) -> Profile:
    defaults = []
    if not _given(beam_args, "--prism_location"):
        defaults.append(f"--prism_location={_cached(clusters.prism_binary(cache_root()), 'prism')}")
    workers_given, log = _worker_options(beam_args, workers or local_worker.local_workers(None))
    return Profile("prism", "PrismRunner", PipelineOptions([*defaults, *workers_given, *beam_args]), worker_log=log)


def dataflow_profile(beam_args: list[str], workers: int | None, output: str | None, job: str,
                     dry_run: bool) -> Profile:
    """Dataflow: temp and staging folders beside a gs:// output, this project staged with --setup_file."""
    if not (output or "").startswith("gs://"):
        raise ProfileError("--runner dataflow writes where Dataflow's workers can: give --output gs://BUCKET/...")
    defaults = [f"--region={DEFAULT_REGION}", f"--temp_location={output.rstrip('/')}/_dataflow/temp",
                f"--staging_location={output.rstrip('/')}/_dataflow/staging",
                # The Beam SDK is in Dataflow's worker image: nothing to stage or download for it.
                "--sdk_location=container"]
    if SETUP_FILE.exists():
        defaults.append(f"--setup_file={SETUP_FILE}")
    if workers:
        defaults.append(f"--max_num_workers={workers}")
    if dry_run and not _given(beam_args, "--template_location"):
        defaults.append(f"--template_location={Path.cwd() / f'dataflow-{job}-job.json'}")
    options = PipelineOptions([*defaults, *beam_args])
    if not options.get_all_options().get("project"):
        raise ProfileError("--runner dataflow needs --project PROJECT (the Google Cloud project to run in)")
    return Profile("dataflow", "DataflowRunner", options, dry_run=dry_run)


def build_profile(runner: str, beam_args: list[str], *, workers: int | None = None, output: str | None = None,
                  job: str = "job", dry_run: bool = False) -> Profile:
    """The profile for `--runner NAME`; `beam_args` (options wikidumps does not know) override its defaults."""
    if dry_run and runner != "dataflow":
        raise ProfileError("--dry-run builds a Dataflow job specification: use it with --runner dataflow")
    if runner == "local":
        return local_profile(beam_args, workers)
    if runner == "flink":
        return flink_profile(beam_args, workers)
    if runner == "spark":
        return spark_profile(beam_args, workers)
    if runner == "prism":
        return prism_profile(beam_args, workers)
    if runner == "dataflow":
        return dataflow_profile(beam_args, workers, output, job, dry_run)
    raise ProfileError(f"unknown runner profile {runner!r}; choose from {', '.join(RUNNERS)}")


def profile_from_args(args, beam_args: list[str], job: str) -> Profile:
    """The profile for a `wikidumps run` command's parsed options (see cli.add_run_options)."""
    return build_profile(args.runner, beam_args, workers=args.workers, output=args.output, job=job,
                         dry_run=args.dry_run)
