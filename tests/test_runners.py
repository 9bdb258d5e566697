"""Runner profiles, gs:// inputs and outputs, and Dataflow job specifications (no cluster needed)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from apache_beam.io.filesystems import FileSystems

from runners.clusters import dataflow as dataflow_spec
from runners.clusters import processes as clusters
from runners.profiles import ProfileError, build_profile
from tests.conftest import SAMPLE_DUMPS
from tests.xmlkit import dump, page, revision
from tests.jobs import JOB_INPUTS, JOBS, job_datasets, read_all, run_cli, run_job, upload_inputs


def test_profiles_set_defaults_that_any_beam_option_overrides(tmp_path, monkeypatch):
    jar = tmp_path / "job-server.jar"
    jar.write_bytes(b"")
    monkeypatch.setattr("runners.clusters.processes.job_server_jar", lambda cache, runner: jar)
    flink = build_profile("flink", ["--parallelism=7"], workers=3).options.get_all_options()
    assert flink["parallelism"] == 7  # the user's option wins over the profile's --workers default
    assert flink["flink_job_server_jar"] == str(jar)
    assert flink["environment_type"] == "LOOPBACK" and flink["sdk_worker_parallelism"] == "3"
    spark = build_profile("spark", ["--spark_master_url=spark://10.0.0.5:7077"]).options.get_all_options()
    assert spark["spark_master_url"] == "spark://10.0.0.5:7077"
    dataflow = build_profile("dataflow", ["--project=p", "--region=europe-west4"], output="gs://b/out", workers=8)
    options = dataflow.options.get_all_options()
    assert (options["region"], options["max_num_workers"]) == ("europe-west4", 8)
    assert options["temp_location"] == "gs://b/out/_dataflow/temp"
    assert options["setup_file"].endswith("setup.py") and options["sdk_location"] == "container"
    assert build_profile("local", [], workers=2).options.get_all_options()["direct_num_workers"] == 2


def test_loopback_workers_write_their_stderr_to_a_log_that_a_failed_run_keeps(tmp_path, monkeypatch):
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines import driver, history
    from transforms.datasets import write

    jar = tmp_path / "job-server.jar"
    jar.write_bytes(b"")
    monkeypatch.setattr("runners.clusters.processes.job_server_jar", lambda cache, runner: jar)
    monkeypatch.setenv("PATH", os.environ["PATH"])
    log = build_profile("spark", [], workers=2).worker_log
    # Beam's worker pool starts each worker as `python` from PATH: this interpreter, its stderr in the log.
    worker = subprocess.run(["python", "-c", "import sys; print(sys.executable); sys.stderr.write('CANCELLED')"],
                            capture_output=True, text=True)
    assert (worker.stdout.strip(), worker.stderr) == (sys.executable, "")
    assert open(log).read() == "CANCELLED"
    assert build_profile("spark", ["--environment_type=EXTERNAL"], workers=2).worker_log is None

    def unreadable(source):
        raise OSError(f"{source.path}: gone while the job ran")

    monkeypatch.setattr(write, "hash_input", unreadable)
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    path.write_bytes(dump(page(1, "A", revision(1))))
    err = io.StringIO()
    outcome = driver.run_job(history, history.plan([str(path)]), str(tmp_path / "out"), runner=FnApiRunner(),
                             options=PipelineOptions([]), worker_log=log, out=io.StringIO(), err=err)
    assert outcome.exit_code == 1
    (line,) = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    kept = line.split("the workers' log is ", 1)[1].split(";", 1)[0]
    assert open(kept).read() == "CANCELLED" and not os.path.exists(log)
    os.remove(kept)
    os.remove(line.rsplit("traceback in ", 1)[1].split(";", 1)[0])


@pytest.mark.parametrize("runner, args, output, says", [
    ("dataflow", [], "gs://b/out", "--project"),
    ("dataflow", ["--project=p"], "/tmp/out", "gs://"),
    ("local", [], "/tmp/out", "--dry-run"),
])
def test_profiles_refuse_what_cannot_run(runner, args, output, says):
    with pytest.raises(ProfileError, match=says):
        build_profile(runner, args, output=output, dry_run=runner == "local")


def test_missing_runner_downloads_are_named_not_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("WIKIDUMPS_CACHE", str(tmp_path))
    result = run_cli("run", "history", "--runner", "prism", "--input", str(SAMPLE_DUMPS / JOB_INPUTS["history"][0]),
                     "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "make fetch-runners" in result.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("job", JOBS)
def test_gs_inputs_and_outputs_give_the_rows_of_local_files(job, gcs_emulator, tmp_path):
    inputs = upload_inputs(job, gcs_emulator.url(f"dumps/{job}"))
    run_job(job, str(tmp_path / "local"), "--workers", "2")
    output = gcs_emulator.url(f"out/{job}")
    run_job(job, output, "--workers", "2", inputs=inputs)
    local = read_all(str(tmp_path / "local"), job)
    assert read_all(output, job) == local and sum(map(len, local.values())) > 500
    first_dataset = job_datasets(job)[0]
    manifest = json.loads(FileSystems.open(f"{output}/{first_dataset}/_manifest.json").read())
    assert manifest["partitions"][0]["complete"] and not FileSystems.match([f"{output}/_staging/**"])[0].metadata_list


def test_dataflow_dry_run_writes_a_complete_job_specification(gcs_emulator, tmp_path):
    template = tmp_path / "job.json"
    output = gcs_emulator.url("dataflow-out")
    result = run_cli("run", "history", "--runner", "dataflow", "--dry-run", "--project", "wikidumps-test",
                     "--input", str(SAMPLE_DUMPS / JOB_INPUTS["history"][0]), "--output", output,
                     f"--template_location={template}")
    assert result.returncode == 0, result.stderr[-4000:]
    assert "no job started" in result.stdout and "package workflow.tar.gz" in result.stdout
    job = json.loads(template.read_text())
    options = job["environment"]["sdkPipelineOptions"]["options"]
    assert options["staging_location"].startswith(f"{output}/_dataflow/staging/")
    assert FileSystems.exists(options["pipelineUrl"])
    # Nothing was published: a dry run starts no job.
    assert not FileSystems.match([f"{output}/pages/**"])[0].metadata_list


def test_job_specification_check_names_what_is_missing():
    job = {"type": "JOB_TYPE_BATCH", "environment": {
        "sdkPipelineOptions": {"options": {"project": "p", "region": "r", "job_name": "j", "temp_location": "/tmp",
                                           "staging_location": "gs://b/s", "pipelineUrl": "gs://b/s/pipeline.pb"}},
        "workerPools": [{"packages": [], "sdkHarnessContainerImages": [{"containerImage": "i"}]}]}}
    problems = dataflow_spec.check_job(job, None, {"workflow.tar.gz": None}, ["Write_pages"])
    assert problems == [
        "option temp_location is '/tmp', not a gs:// path",
        "the pipeline is not staged at 'gs://b/s/pipeline.pb'",
        "package workflow.tar.gz is not staged",
    ]


def test_job_server_manifest_names_the_newest_of_each_library(tmp_path):
    spark, beam = tmp_path / "spark" / "jars", tmp_path / "beam" / "lib"
    for folder, names in ((spark, ["guava-14.0.1.jar", "jackson-core-2.15.2.jar", "spark-core_2.12-3.5.7.jar"]),
                          (beam, ["guava-33.3.1-android.jar", "jackson-core-2.15.0.jar", "beam-runners-spark-3-2.62.0.jar"])):
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_bytes(b"")
    jars = clusters.classpath_jars(sorted(beam.glob("*.jar")), sorted(spark.glob("*.jar")))
    assert sorted(jar.name for jar in jars) == [
        "beam-runners-spark-3-2.62.0.jar", "guava-33.3.1-android.jar", "jackson-core-2.15.2.jar", "spark-core_2.12-3.5.7.jar"]
    target = tmp_path / "beam" / "job-server.jar"
    clusters.write_manifest_jar(target, "org.apache.beam.runners.spark.SparkJobServerDriver", jars)
    with zipfile.ZipFile(target) as jar:
        raw = jar.read("META-INF/MANIFEST.MF").decode()
    assert all(len(line.encode()) <= 72 for line in raw.split("\r\n"))
    headers = dict(line.split(": ", 1) for line in raw.replace("\r\n ", "").strip().split("\r\n"))
    assert headers["Main-Class"] == "org.apache.beam.runners.spark.SparkJobServerDriver"
    assert "lib/guava-33.3.1-android.jar" in headers["Class-Path"].split()
    assert "../spark/jars/spark-core_2.12-3.5.7.jar" in headers["Class-Path"].split()
    assert "java.base/java.nio" in headers["Add-Opens"].split()
