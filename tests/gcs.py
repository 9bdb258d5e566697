"""A real GCS API server on loopback for tests: gcp-storage-emulator (PyPI), plus an OAuth token endpoint.

`gcs_emulator` starts `gcp-storage-emulator` on a free 127.0.0.1 port with an empty bucket and yields a
`GcsEmulator` whose `env` points Google's client libraries at it: `STORAGE_EMULATOR_HOST`, and
Application Default Credentials: a service account key (made up here) whose token URI is a small token
server on loopback. With those, google.auth finds credentials at once instead of probing the metadata server
(Beam retries that for half a minute), and the tokens it gets are accepted by the emulator.

The environment is set for the whole test session once the fixture starts, so that Beam's GCS
client, which caches credentials per process, sees it from its first use; subprocesses get `env`.
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

import pytest

BUCKET = "wikidumps-test"
PROJECT = "wikidumps-test"
START_TIMEOUT_SECONDS = 30


@dataclass
class GcsEmulator:
    url: str  # http://127.0.0.1:PORT
    bucket: str
    env: dict  # variables a process needs to use the emulator

    def path(self, *parts: str) -> str:
        return "gs://" + "/".join([self.bucket, *parts])


class _TokenHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"access_token": "wikidumps-test-token", "token_type": "Bearer", "expires_in": 3600})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def _service_account(token_uri: str) -> dict:
    """A service account key file of a made-up account whose token URI is our loopback endpoint.

    (google-auth ignores the token URI of "authorized_user" files, but honours a service account's.)
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": PROJECT, "private_key_id": "wikidumps-test", "private_key": pem,
            "client_email": f"tests@{PROJECT}.iam.gserviceaccount.com", "client_id": "1", "token_uri": token_uri}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_listening(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
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
    """Starts the GCS emulator and the token endpoint; yields a GcsEmulator; stops both."""
    folder = Path(tempfile.mkdtemp(prefix="wikidumps-gcs-"))
    token_server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenHandler)
    threading.Thread(target=token_server.serve_forever, daemon=True, name="token-endpoint").start()
    credentials = folder / "credentials.json"
    credentials.write_text(json.dumps(_service_account(f"http://127.0.0.1:{token_server.server_port}/token")))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "emulator.log"
    command = [str(Path(sys.executable).parent / "gcp-storage-emulator"), "start", "--host", "127.0.0.1",
               "--port", str(port), "--in-memory", "--default-bucket", BUCKET, "--quiet"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    env = {"STORAGE_EMULATOR_HOST": url, "GOOGLE_APPLICATION_CREDENTIALS": str(credentials),
           "GOOGLE_CLOUD_PROJECT": PROJECT}
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
        token_server.shutdown()
