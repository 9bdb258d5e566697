"""`gcs_emulator`: a real Google Cloud Storage API server on loopback (gcp-storage-emulator from PyPI).

The emulator runs as its own process, started with its command line as a user would, on a free port
of 127.0.0.1, in memory. While the fixture is active STORAGE_EMULATOR_HOST points at it, which makes
google-cloud-storage use it with anonymous credentials (no credential look-up, so nothing waits for a
time-out). If the server does not come up, the test fails with the end of its log.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

START_SECONDS = 30


@dataclass
class GcsEmulator:
    host: str
    bucket: str

    def url(self, prefix: str = "") -> str:
        return f"gs://{self.bucket}/{prefix}".rstrip("/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def gcs_emulator(tmp_path_factory):
    """A running emulator with one empty bucket; STORAGE_EMULATOR_HOST is set while it runs."""
    command = shutil.which("gcp-storage-emulator", path=str(Path(sys.executable).parent)) or shutil.which("gcp-storage-emulator")
    if command is None:
        pytest.fail("gcp-storage-emulator is not installed: pip install -e '.[test]'")
    port = _free_port()
    bucket = "wikidumps-test"
    log_path = tmp_path_factory.mktemp("gcs") / "emulator.log"
    log = log_path.open("wb")
    process = subprocess.Popen([command, "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory",
                                "--default-bucket", bucket], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                tail = log_path.read_text(errors="replace")[-2000:]
                pytest.fail(f"gcp-storage-emulator did not start on port {port}:\n{tail}")
            time.sleep(0.1)
    previous = os.environ.get("STORAGE_EMULATOR_HOST")
    os.environ["STORAGE_EMULATOR_HOST"] = f"http://127.0.0.1:{port}"
    try:
        yield GcsEmulator(f"http://127.0.0.1:{port}", bucket)
    finally:
        if previous is None:
            os.environ.pop("STORAGE_EMULATOR_HOST", None)
        else:
            os.environ["STORAGE_EMULATOR_HOST"] = previous
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
