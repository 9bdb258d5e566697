"""Checks a Dataflow job specification that `--dry-run` had Beam write (its --template_location).

With Dataflow's runner v2 the specification is a JSON job description plus files staged on gs://:
the pipeline itself (`pipeline.pb`, named by the `pipelineUrl` option) and the packages workers
install (the pickled main session, `workflow.tar.gz` built from --setup_file). The check reads them
all back, so that what Dataflow would be handed is known to be complete before anything runs.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile

from apache_beam.io.filesystems import FileSystems
from apache_beam.portability.api import beam_runner_api_pb2

GCS_API_PREFIX = "storage.googleapis.com/"
# A module of each top-level package: the staged sdist must carry the project's code.
PROJECT_MODULES = ("pipelines/history.py", "transforms/xml/read.py", "schemas/dataset.py", "pipelines/driver.py")


def _read(path: str) -> bytes:
    with FileSystems.open(path) as handle:
        return handle.read()


def gcs_path(location: str) -> str:
    """`storage.googleapis.com/bucket/object` (how Dataflow jobs name staged files) as gs://bucket/object."""
    return "gs://" + location[len(GCS_API_PREFIX):] if location.startswith(GCS_API_PREFIX) else location


def check_job(job: dict, pipeline_proto: bytes | None, packages: dict[str, bytes | None],
              expected_transforms: list[str]) -> list[str]:
    """Problems with a job description, its staged pipeline and its staged packages (empty when none)."""
    problems = []
    environment = job.get("environment", {})
    options = environment.get("sdkPipelineOptions", {}).get("options", {})
    if job.get("type") != "JOB_TYPE_BATCH":
        problems.append(f"job type is {job.get('type')!r}, not JOB_TYPE_BATCH")
    for name in ("project", "region", "job_name"):
        if not options.get(name):
            problems.append(f"option {name} is not set")
    for name in ("temp_location", "staging_location"):
        if not str(options.get(name, "")).startswith("gs://"):
            problems.append(f"option {name} is {options.get(name)!r}, not a gs:// path")
    pools = environment.get("workerPools") or [{}]
    if not pools[0].get("sdkHarnessContainerImages"):
        problems.append("no SDK container image for the workers")
    if pipeline_proto is None:
        problems.append(f"the pipeline is not staged at {options.get('pipelineUrl')!r}")
    else:
        digest = base64.b64encode(hashlib.sha256(pipeline_proto).digest()).decode()
        if options.get("pipelineProtoHash") not in (digest, hashlib.sha256(pipeline_proto).hexdigest()):
            problems.append("the staged pipeline does not match the job's pipelineProtoHash")
        pipeline = beam_runner_api_pb2.Pipeline.FromString(pipeline_proto)
        names = {transform.unique_name for transform in pipeline.components.transforms.values()}
        problems += [f"the pipeline has no transform {name!r}" for name in expected_transforms if name not in names]
    for name, content in packages.items():
        if content is None:
            problems.append(f"package {name} is not staged")
    sdist = packages.get("workflow.tar.gz")
    if options.get("setup_file") and sdist is not None:
        with tarfile.open(fileobj=io.BytesIO(sdist)) as archive:
            members = archive.getnames()
        problems += [f"workflow.tar.gz lacks {module}" for module in PROJECT_MODULES
                     if not any(member.endswith(module) for member in members)]
    return problems


def check_job_file(location: str, expected_transforms: list[str]) -> tuple[list[str], list[str]]:
    """Reads the job description at `location` and what it stages; returns (summary lines, problems)."""
    job = json.loads(_read(location).decode("utf-8"))
    options = job.get("environment", {}).get("sdkPipelineOptions", {}).get("options", {})
    pipeline_proto = _read_if_there(options.get("pipelineUrl"))
    pools = job.get("environment", {}).get("workerPools") or [{}]
    packages = {item["name"]: _read_if_there(gcs_path(item["location"])) for item in pools[0].get("packages", [])}
    problems = check_job(job, pipeline_proto, packages, expected_transforms)
    transforms = len(beam_runner_api_pb2.Pipeline.FromString(pipeline_proto).components.transforms) \
        if pipeline_proto else 0
    images = [image.get("containerImage") for image in pools[0].get("sdkHarnessContainerImages", [])]
    summary = [
        f"job {job.get('name')} in project {options.get('project')}, region {options.get('region')}",
        f"pipeline: {transforms} transforms, staged at {options.get('pipelineUrl')}",
        *(f"package {name}: {len(content or b''):,} bytes" for name, content in packages.items()),
        f"worker image: {', '.join(filter(None, images))}",
        "to run it: the same command without --dry-run, with your --project and a gs:// --output",
    ]
    return summary, problems


def _read_if_there(path: str | None) -> bytes | None:
    if not path or not FileSystems.exists(path):
        return None
    return _read(path)
