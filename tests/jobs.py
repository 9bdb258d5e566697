"""Running `wikidumps run <job>` as a user does, and reading what it published, for runner tests."""
from __future__ import annotations

import os
import subprocess
import sys

import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from runners.cli.run import JOB_COMMANDS, job_module
from tests.conftest import ROOT, SAMPLE_DUMPS

# The samplewiki input of each job; a job joins the runner tests as soon as its command exists.
JOB_INPUTS = {
    "history": ["samplewiki-20260101-pages-meta-history.xml.bz2"],
    # Both input families of the content job in one run: the XML dump's splits, and the Enterprise HTML
    # dump, whose records reach the parsing workers as batch files in the staging folder.
    "content": ["samplewiki-20260101-pages-articles-multistream.xml.bz2",
                "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz"],
}
JOBS = [job for job in JOB_INPUTS if job in JOB_COMMANDS]


def job_datasets(job: str) -> tuple[str, ...]:
    return job_module(job).DATASETS


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runners.cli.launch", *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ), timeout=timeout)


def run_job(job: str, output: str, *options: str, inputs: list[str] | None = None) -> subprocess.CompletedProcess:
    """Runs a job on its samplewiki input (or `inputs`); fails the test with the command's output if it fails."""
    arguments = ["run", job, "--output", output, *options]
    for path in inputs or [str(SAMPLE_DUMPS / name) for name in JOB_INPUTS[job]]:
        arguments += ["--input", path]
    result = run_cli(*arguments)
    assert result.returncode == 0, f"wikidumps {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    # A run that succeeded says so, and nothing else: no traceback of a runner's own shutdown.
    assert "Traceback" not in result.stderr, result.stderr[-6000:]
    return result


def read_rows(output: str, dataset: str) -> list[tuple]:
    """Every row of a published dataset (partition columns included), as sorted tuples, in sorted order.

    Reads through Beam's FileSystems so local folders and gs:// outputs are read the same way.
    """
    pattern = FileSystems.join(output, dataset, "wiki_db=*", "snapshot=*", "*.parquet")
    rows = []
    for match in FileSystems.match([pattern])[0].metadata_list:
        wiki_db, snapshot = (part.split("=", 1)[1] for part in match.path.split("/")[-3:-1])
        with FileSystems.open(match.path) as handle:
            for row in pq.read_table(handle).to_pylist():
                row.update(wiki_db=wiki_db, snapshot=snapshot)
                rows.append(tuple(sorted(row.items(), key=lambda item: item[0])))
    return sorted(rows, key=repr)


def read_all(output: str, job: str) -> dict[str, list[tuple]]:
    return {dataset: read_rows(output, dataset) for dataset in job_datasets(job)}


def upload_inputs(job: str, folder: str) -> list[str]:
    """Copies a job's samplewiki input (and its multistream index, if any) to `folder` (gs://...)."""
    inputs = []
    for name in JOB_INPUTS[job]:
        for local in SAMPLE_DUMPS.glob(name.replace(".xml.bz2", "*")):
            target = FileSystems.join(folder, local.name)
            # Stored as is: FileSystems would otherwise compress a .bz2 name once more.
            with FileSystems.create(target, compression_type=CompressionTypes.UNCOMPRESSED) as sink:
                sink.write(local.read_bytes())
        inputs.append(FileSystems.join(folder, name))
    return inputs
