"""The local runner's workers, forked by a zygote (runners/local/worker.py, runners/local/worker_client.py).

Jobs on two local workers (most job tests) show that forked workers run jobs; these tests cover what
those cannot: when the zygote starts, that a worker's failure reaches the runner as an exit code, the
fallback to a plain worker process, and that the zygote leaves nothing behind.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from runners.local import worker as local_worker
from tests.conftest import ROOT, SAMPLE_DUMPS

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


@pytest.mark.parametrize("argv, starts", [
    (["run", "history", "--output", "OUT", "--workers", "2"], True),
    (["run", "content", "--workers=4", "--runner=local", "--output", "OUT"], True),
    (["run", "history", "--workers", "1", "--output", "OUT"], False),
    (["run", "history", "--runner", "flink", "--workers", "2", "--output", "OUT"], False),
    (["run", "history", "--workers", "2", "--output", "OUT", "--resmue"], False),  # refused first
    (["inspect", "x.xml"], False),
    (["run", "history", "--help"], False),
])
def test_the_zygote_starts_early_only_for_jobs_on_several_local_workers(argv, starts, tmp_path, monkeypatch):
    from runners.cli import main
    from runners.cli import run

    started = []
    monkeypatch.setattr(local_worker, "_running_zygote", lambda: started.append(True))

    def planned(name):  # the job's module is imported right after the zygote has started: stop there
        raise SystemExit(f"planned {name}")

    monkeypatch.setattr(run, "job_module", planned)
    argv = [str(tmp_path / "out") if arg == "OUT" else arg for arg in argv]
    try:
        main.main([*argv, "--input", str(tmp_path / "x.xml")] if argv[0] == "run" else argv)
    except SystemExit as stop:
        assert str(stop.code).startswith("planned")
    assert started == ([True] if starts else [])


def _worker(socket_path: str, env: dict) -> subprocess.CompletedProcess:
    """The runner's worker command, as the runner starts it, without a runner to talk to."""
    return subprocess.run([sys.executable, "-S", str(local_worker.CLIENT), socket_path], env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_forked_worker_that_fails_gives_the_runner_its_exit_code_and_the_zygote_goes_on():
    zygote = local_worker.Zygote.start()
    try:
        # Without the runner's control address in its environment the harness stops at once.
        env = {name: value for name, value in os.environ.items() if name != "CONTROL_API_SERVICE_DESCRIPTOR"}
        first, second = _worker(zygote.socket_path, env), _worker(zygote.socket_path, env)
        assert (first.returncode, second.returncode) == (1, 1)
        assert "no worker zygote" not in first.stderr + second.stderr  # both were forks, not fallbacks
        assert zygote.process.poll() is None
    finally:
        zygote.stop()
    assert zygote.process.returncode == 0  # ended by its closed pipe, not killed
    assert not os.path.exists(zygote.folder)


def test_without_a_zygote_the_worker_command_starts_a_plain_worker(tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "CONTROL_API_SERVICE_DESCRIPTOR"}
    result = _worker(str(tmp_path / "gone" / "zygote.sock"), env)
    assert "no worker zygote" in result.stderr
    assert "CONTROL_API_SERVICE_DESCRIPTOR" in result.stderr  # the plain worker's own complaint
    assert result.returncode == 1


def test_the_command_ends_with_its_exit_code_its_output_and_no_zygote_left(tmp_path):
    # runners.cli.launch ends the process right after the exit handlers (no interpreter teardown): what the
    # command printed must still arrive, and the zygote must still be stopped.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    command = [sys.executable, "-m", "runners.cli.launch", "run", "content", "--workers", "2", "--output",
               str(tmp_path / "out"), "--input"]
    env = {**os.environ, "TMPDIR": str(temporary)}
    done = subprocess.run([*command, str(SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "plain_text" in done.stdout and done.stdout.endswith("\n")
    missing = subprocess.run([*command, str(tmp_path / "missing.xml.bz2")], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=300)
    assert (missing.returncode, missing.stderr) == (2, f"wikidumps: error: {tmp_path / 'missing.xml.bz2'}: no such file\n")
    assert not list(temporary.glob("wikidumps-workers-*"))  # each zygote removed its folder when it stopped
