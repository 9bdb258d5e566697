"""`gcs_emulator`: a real Google Cloud Storage API server on loopback (gcp-storage-emulator from PyPI).

The emulator runs as its own process, started with its command line as a user would, on a free port
of 127.0.0.1, in memory, with one empty bucket. While the fixture is active STORAGE_EMULATOR_HOST
points at it: google-cloud-storage clients made without credentials are then anonymous.

Beam's GCS file system always asks google-auth for credentials first, and without any google-auth
probes for a metadata server (Beam retries that for half a minute). So the fixture also runs a small
metadata server on loopback, the one Compute Engine VMs get tokens from, and points google-auth at it:
credentials come at once, and nothing asks Google's services for anything. google-auth reads where
the metadata server is when it is first imported, so this module sets that when it is imported itself
(conftest imports it before any test imports Beam); without the fixture running, google-auth is
refused at once rather than kept waiting.

If the emulator does not come up, the test fails with the end of its log.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

START_SECONDS = 30
BUCKET = "wikidumps-test"
PROJECT = "wikidumps-test"
# Not an e-mail address: google-auth then skips looking up the account's access boundary at Google.
ACCOUNT = "wikidumps-tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


METADATA = f"127.0.0.1:{_free_port()}"
CREDENTIALS_ENV = {
    "GCE_METADATA_HOST": METADATA,
    "GCE_METADATA_IP": METADATA,
    "GOOGLE_APPLICATION_CREDENTIALS": "",  # no key file: the metadata server is the credential
    "GOOGLE_CLOUD_PROJECT": PROJECT,
}
for _name, _value in CREDENTIALS_ENV.items():
    os.environ.setdefault(_name, _value)


@dataclass
class GcsEmulator:
    host: str  # http://127.0.0.1:PORT
    bucket: str
    env: dict = field(default_factory=dict)  # what another process needs to use it (set in this one)

    def url(self, prefix: str = "") -> str:
        return f"gs://{self.bucket}/{prefix}".rstrip("/")


class _MetadataHandler(BaseHTTPRequestHandler):
    """The few metadata server answers google-auth needs: presence, project, account and token."""

    ANSWERS = {
        "": "",
        "/computeMetadata/v1/project/project-id": PROJECT,
        "/computeMetadata/v1/universe/universe-domain": "googleapis.com",
        # Like the real server, the account answers by its alias and by its name: google-auth asks for
        # "default" first, then by the name it was told on every later token refresh.
        **{f"/computeMetadata/v1/instance/service-accounts/{account}": {
            "email": ACCOUNT, "aliases": ["default"], "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
           for account in ("default", ACCOUNT)},
        **{f"/computeMetadata/v1/instance/service-accounts/{account}/token": {
            "access_token": "wikidumps-test-token", "expires_in": 3600, "token_type": "Bearer"}
           for account in ("default", ACCOUNT)},
    }

    def do_GET(self):  # noqa: N802 (http.server's naming)
        answer = self.ANSWERS.get(urlparse(self.path).path.rstrip("/"))
        if answer is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Metadata-Flavor", "Google")
        self.send_header("Content-Type", "application/json" if isinstance(answer, dict) else "application/text")
        self.end_headers()
        self.wfile.write((json.dumps(answer) if isinstance(answer, dict) else answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def gcs_emulator(tmp_path_factory):
    """A running emulator with one empty bucket, and credentials from loopback, while the session lasts."""
    command = shutil.which("gcp-storage-emulator", path=str(Path(sys.executable).parent)) or shutil.which("gcp-storage-emulator")
    if command is None:
        pytest.fail("gcp-storage-emulator is not installed: pip install -e '.[test]'")
    metadata_host, metadata_port = METADATA.split(":")
    metadata = ThreadingHTTPServer((metadata_host, int(metadata_port)), _MetadataHandler)
    threading.Thread(target=metadata.serve_forever, daemon=True, name="metadata-server").start()
    folder = tmp_path_factory.mktemp("gcs")
    port = _free_port()
    log_path = folder / "emulator.log"
    log = log_path.open("wb")
    process = subprocess.Popen([command, "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory",
                                "--default-bucket", BUCKET], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                metadata.shutdown()
                tail = log_path.read_text(errors="replace")[-2000:]
                pytest.fail(f"gcp-storage-emulator did not start on port {port}:\n{tail}")
            time.sleep(0.1)
    env = {**CREDENTIALS_ENV, "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}",
           "CLOUDSDK_CONFIG": str(folder)}  # no gcloud configuration of the machine's user
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield GcsEmulator(f"http://127.0.0.1:{port}", BUCKET, env)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        metadata.shutdown()
        metadata.server_close()
