"""The local runner's worker processes: Beam's SDK harness with a quieter console, forked ready-made.

A fresh Python worker spends about 2 CPU-seconds importing Beam and this project before it does any
work, and the local runner starts one per core for every job: a good part of a small job, and of what
two workers lose against one. So each `wikidumps` command that runs on several local workers starts
one "zygote" process (`python -m runners.local.worker SOCKET`) once its command line is checked and
before it imports anything heavy itself (runners/cli/run/__init__.py): the zygote imports the workers' code on another core while the driver
imports and plans the job, then forks a worker each time the runner asks for one. The runner's
worker command is runners/local/worker_client.py, which needs only the standard library: it hands its
environment (the runner's control and logging addresses) and folder to the zygote over a Unix socket
and exits with the worker's exit code. Where fork is not available, or the zygote cannot be reached,
the worker is a plain `python -m runners.local.worker`.

Beam's workers write their INFO start-up and shut-down chatter to the console they inherit, which
buries the job's progress lines. Errors still get through, and a failing step is reported by the
runner to the command line anyway.
"""
from __future__ import annotations

import atexit
import gc
import importlib
import json
import logging
import os
import pkgutil
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

CLIENT = Path(__file__).resolve().parent / "worker_client.py"
PROJECT_PACKAGES = ("pipelines", "transforms", "schemas")
# The module in pipelines/ of the job the workers run: the zygote imports it and what it imports, not the
# modules of every job (the update job's Iceberg library alone takes 0.4 s to import).
JOB_MODULE = "WIKIDUMPS_JOB_MODULE"
SOCKET_NAME = "zygote.sock"  # in the zygote's own temporary folder
REAP_SECONDS = 5  # at the end, how long the zygote waits for workers that are still ending


@dataclass
class Zygote:
    """A started zygote; it ends when its stdin (a pipe from this process) closes, also if this one is killed."""

    process: subprocess.Popen
    folder: str

    @property
    def socket_path(self) -> str:
        return os.path.join(self.folder, SOCKET_NAME)

    @classmethod
    def start(cls) -> Zygote:
        folder = tempfile.mkdtemp(prefix="wikidumps-workers-")
        process = subprocess.Popen([sys.executable, "-m", "runners.local.worker", os.path.join(folder, SOCKET_NAME)],
                                   stdin=subprocess.PIPE)
        return cls(process, folder)

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


_zygote: Zygote | None = None  # this process's, started on first need
_forked: set[int] = set()  # in the zygote: the workers it forked that have not ended


def interrupt() -> None:
    """Ctrl-C in the driver: this process's zygote ends its workers now, without waiting for their bundles."""
    if _zygote is not None and _zygote.process.poll() is None:
        _zygote.process.terminate()


def local_workers(requested: int | None) -> int:
    return max(1, requested or os.cpu_count() or 1)


def start_early(runner: str, workers: int | None, job_module: str) -> None:
    """Start the zygote now if the job about to be planned (its module in pipelines/) runs on several local
    workers. The job's module goes to the zygote, and to its workers, in the environment (JOB_MODULE)."""
    os.environ[JOB_MODULE] = job_module
    if runner == "local" and local_workers(workers) > 1 and _can_fork():
        _running_zygote()


def worker_command() -> str:
    """The command line the local runner starts a worker with: a fork of this process's zygote if it can.

    Beam runs it through a shell; `exec` lets the worker replace that shell, which would otherwise die of
    the terminal's Ctrl-C (the worker ignores it) and have the runner report a failed worker.
    """
    if not _can_fork():
        return f"exec {shlex.quote(sys.executable)} -m runners.local.worker"
    socket_path = _running_zygote().socket_path
    return f"exec {shlex.quote(sys.executable)} -S {shlex.quote(str(CLIENT))} {shlex.quote(socket_path)}"


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform == "linux"  # macOS: fork and Objective-C threads do not mix


def _running_zygote() -> Zygote:
    global _zygote
    if _zygote is None or _zygote.process.poll() is not None:
        _zygote = Zygote.start()
        atexit.register(_zygote.stop)
    return _zygote


def _quiet_console() -> None:
    console = logging.StreamHandler()
    console.setLevel(logging.CRITICAL)  # a failed step is the driver's to report, in one line
    logging.getLogger().addHandler(console)


def _preload(job_module: str | None) -> None:
    """Import Beam's worker and the job's module, or without one every module of this project."""
    importlib.import_module("apache_beam.runners.worker.sdk_worker_main")
    if job_module:
        _import_quietly(job_module)
        return
    for package in PROJECT_PACKAGES:
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            _import_quietly(module.name)


def _import_quietly(module: str) -> None:
    try:
        importlib.import_module(module)
    except Exception:  # noqa: BLE001 (a module that does not import, say a compiled one left behind by an
        pass  # earlier build, is the worker's to report if the job needs it; the zygote must not die of it)


def serve(socket_path: str) -> None:
    """The zygote: preload, then fork one worker per connection until stdin (the driver's pipe) closes."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)  # workers asked for while the imports below run wait in the backlog
    _quiet_console()
    _preload(os.environ.get(JOB_MODULE))
    gc.freeze()  # the preloaded objects stay shared with the forks instead of being copied by collections
    signal.signal(signal.SIGCHLD, lambda *_: _reap_workers())
    signal.signal(signal.SIGTERM, lambda *_: _end_workers())
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
            shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)  # also when the driver was killed
            _reap_workers(wait_seconds=REAP_SECONDS)
            return
        if listener in ready:
            connection, _ = listener.accept()
            with connection.makefile("rb") as request:
                order = json.loads(request.readline())
            # A later job of the same command (`make demo` runs several) has its module imported here once,
            # for all of its workers, rather than by each of them.
            if order["env"].get(JOB_MODULE):
                _import_quietly(order["env"][JOB_MODULE])  # at once when imported already
            pid = os.fork()
            if pid == 0:
                listener.close()
                _run_worker(connection, order)
            _forked.add(pid)
            connection.close()


def _reap_workers(wait_seconds: float = 0) -> None:
    """Collect ended workers. Waiting for them, rather than letting the kernel discard them, is what puts
    their CPU time and memory in the zygote's and then the command's resource usage (`time wikidumps ...`)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:  # some still running
            if time.monotonic() >= deadline:
                return
            time.sleep(0.05)
        else:
            _forked.discard(pid)


def _end_workers() -> None:
    """The driver was interrupted (runners/cli/main.py): end every worker and the zygote itself."""
    for pid in list(_forked):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # ended meanwhile
    _reap_workers(wait_seconds=REAP_SECONDS)
    os._exit(0)


def _run_worker(connection: socket.socket, order: dict) -> None:
    """In the fork: become the worker the client asked for, tell the client its exit code, and end."""
    from apache_beam.runners.worker import sdk_worker_main  # imported by the zygote already

    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, sys.stdin.fileno())  # the driver's pipe is the zygote's, not a worker's
        os.environ.clear()
        os.environ.update(order["env"])
        os.chdir(order["cwd"])
        sdk_worker_main.main([])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: B036 (whatever ends the worker, its client must hear of it)
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            connection.sendall(f"{code}\n".encode())
        finally:
            os._exit(code)  # not the zygote's exit handlers, nor a wait for the harness's threads


if __name__ == "__main__":
    # Ctrl-C reaches every process of the terminal's process group: the driver decides what it means (it
    # ends the job and, with it, the workers); a worker that took it as its own would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(sys.argv) > 1:
        serve(sys.argv[1])
    else:
        _quiet_console()
        from apache_beam.runners.worker import sdk_worker_main
        sdk_worker_main.main(sys.argv)
