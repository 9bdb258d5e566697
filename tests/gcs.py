"""A real GCS API server on loopback for tests: gcp-storage-emulator (PyPI), and credentials from loopback.

`gcs_emulator` starts `gcp-storage-emulator` on a free 127.0.0.1 port with an empty bucket, and a small
metadata server (the one Google Compute Engine VMs ask for tokens) on loopback, and yields a
`GcsEmulator`. Google's client libraries then send every request to the emulator
(`STORAGE_EMULATOR_HOST`) and get their credentials at once from the loopback metadata server, instead
of probing for one (Beam retries that for half a minute) or asking Google's services for anything.

google-auth reads where the metadata server is (`GCE_METADATA_HOST`) when it is first imported, so this
module sets it when it is imported itself (conftest imports it before any test imports Beam); only the
fixture starts the server, so without it google-auth is refused at once rather than kept waiting.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

BUCKET = "wikidumps-test"
PROJECT = "wikidumps-test"
# Not an e-mail address: google-auth then skips looking up the account's access boundary at Google.
ACCOUNT = "wikidumps-tests"
START_TIMEOUT_SECONDS = 30


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
    url: str  # http://127.0.0.1:PORT
    bucket: str
    env: dict  # what a process needs to use the emulator (already set in this one)

    def path(self, *parts: str) -> str:
        return "gs://" + "/".join([self.bucket, *parts])


class _MetadataHandler(BaseHTTPRequestHandler):
    """The few metadata server answers google-auth needs: presence, project, account and token."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = urlparse(self.path).path.rstrip("/")
        answers = {
            "": "",
            "/computeMetadata/v1/project/project-id": PROJECT,
            "/computeMetadata/v1/universe/universe-domain": "googleapis.com",
            "/computeMetadata/v1/instance/service-accounts/default": {
                "email": ACCOUNT, "aliases": ["default"], "scopes": ["https://www.googleapis.com/auth/cloud-platform"]},
            "/computeMetadata/v1/instance/service-accounts/default/token": {
                "access_token": "wikidumps-test-token", "expires_in": 3600, "token_type": "Bearer"},
        }
        if path not in answers:
            self.send_error(404)
            return
        answer = answers[path]
        body = json.dumps(answer) if isinstance(answer, dict) else answer
        self.send_response(200)
        self.send_header("Metadata-Flavor", "Google")
        self.send_header("Content-Type", "application/json" if isinstance(answer, dict) else "application/text")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def _wait_listening(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/storage/v1/b/{BUCKET}", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    pytest.fail(f"gcp-storage-emulator did not start at {url}:\n{tail}")


@pytest.fixture(scope="session")
def gcs_emulator():
    """Starts the GCS emulator and the metadata server; yields a GcsEmulator; stops both."""
    host, port = METADATA.split(":")
    metadata = ThreadingHTTPServer((host, int(port)), _MetadataHandler)
    threading.Thread(target=metadata.serve_forever, daemon=True, name="metadata-server").start()
    folder = Path(tempfile.mkdtemp(prefix="wikidumps-gcs-"))
    url = f"http://127.0.0.1:{_free_port()}"
    log = folder / "emulator.log"
    command = [str(Path(sys.executable).parent / "gcp-storage-emulator"), "start", "--host", "127.0.0.1",
               "--port", url.rsplit(":", 1)[1], "--in-memory", "--default-bucket", BUCKET, "--quiet"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    env = {**CREDENTIALS_ENV, "STORAGE_EMULATOR_HOST": url, "CLOUDSDK_CONFIG": str(folder)}
    previous = {name: os.environ.get(name) for name in env}
    try:
        _wait_listening(url, process, log)
        os.environ.update(env)
        yield GcsEmulator(url, BUCKET, env)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        metadata.shutdown()
        metadata.server_close()
