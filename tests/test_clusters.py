"""The same jobs give the same rows on real Flink and Spark clusters and on Prism as on the local runner.

Each cluster runs as separate processes on 127.0.0.1, started from the jars `make fetch-runners` put in
the cache. A cluster that cannot start fails its tests with the last lines of its logs.
"""
from __future__ import annotations

import socket

import pytest

from runners.clusters import processes as clusters
from tests.jobs import JOBS, read_all, run_job, upload_inputs

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def local_rows(tmp_path_factory) -> dict:
    """Every dataset of every job, run on the local runner: the reference."""
    rows = {}
    for job in JOBS:
        output = str(tmp_path_factory.mktemp(f"local-{job}"))
        run_job(job, output, "--workers", "2")
        rows[job] = read_all(output, job)
    return rows


def started(start, folder) -> clusters.Cluster:
    try:
        return start(folder=folder)
    except clusters.ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def flink(tmp_path_factory):
    cluster = started(clusters.start_flink, tmp_path_factory.mktemp("flink"))
    yield cluster
    clusters.stop(cluster)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    cluster = started(clusters.start_spark, tmp_path_factory.mktemp("spark"))
    yield cluster
    clusters.stop(cluster)


def run_on(cluster: clusters.Cluster | None, job: str, output: str, *options: str, **kwargs):
    try:
        return run_job(job, output, *options, **kwargs)
    except AssertionError as failure:
        logs = f"\n{cluster.log_tail()}" if cluster else ""
        raise AssertionError(f"{failure}{logs}") from None


@pytest.mark.parametrize("job", JOBS)
def test_flink_cluster_reads_and_writes_gs_with_the_rows_of_a_local_run(job, flink, local_rows, gcs_emulator):
    inputs = upload_inputs(job, gcs_emulator.url(f"flink-in/{job}"))
    output = gcs_emulator.url(f"flink-out/{job}")
    run_on(flink, job, output, "--runner", "flink", f"--flink_master={flink.master}", "--workers", "2", inputs=inputs)
    assert read_all(output, job) == local_rows[job]


@pytest.mark.parametrize("job", JOBS)
def test_spark_cluster_gives_the_rows_of_a_local_run(job, spark, local_rows, tmp_path):
    output = str(tmp_path / "out")
    run_on(spark, job, output, "--runner", "spark", f"--spark_master_url={spark.master}", "--workers", "2")
    assert read_all(output, job) == local_rows[job]


@pytest.mark.parametrize("job", JOBS)
def test_prism_gives_the_rows_of_a_local_run(job, local_rows, tmp_path):
    output = str(tmp_path / "out")
    run_on(None, job, output, "--runner", "prism", "--workers", "2")
    assert read_all(output, job) == local_rows[job]


def test_a_cluster_that_cannot_start_fails_with_its_log(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(clusters.ClusterError) as failure:
            clusters.start_flink(rest_port=taken.getsockname()[1], folder=tmp_path, timeout=10)
    message = str(failure.value)
    assert "jobmanager.log (last" in message and "BindException: Could not start rest endpoint" in message
    assert failure.value.pids and not any(clusters._alive(pid) for pid in failure.value.pids)
