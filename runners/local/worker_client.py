"""A local runner worker, forked by the driver's zygote (runners/local/worker.py) rather than started afresh.

Run by the runner as `python -S worker_client.py SOCKET`: standard library only, so it starts in a few
milliseconds. It passes its environment and folder to the zygote, waits until the forked worker ends and
exits with its code. If the zygote cannot be reached, it becomes a plain worker process instead.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time

CONNECT_SECONDS = 5  # the zygote binds its socket first thing; this only covers its interpreter starting


def connect(socket_path: str) -> socket.socket | None:
    if not os.path.isdir(os.path.dirname(socket_path)):
        return None  # the zygote's folder goes when the zygote does
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(socket_path)
            return connection
        except OSError:
            connection.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)


def main(socket_path: str) -> int:
    connection = connect(socket_path)
    if connection is None:
        print(f"wikidumps: no worker zygote at {socket_path}; starting a worker process", file=sys.stderr)
        os.execv(sys.executable, [sys.executable, "-m", "runners.local.worker"])
    with connection:
        connection.sendall(json.dumps({"env": dict(os.environ), "cwd": os.getcwd()}).encode() + b"\n")
        reply = connection.makefile("rb").readline().strip()
    return int(reply) if reply else 1  # no reply: the worker died before it could give one


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C (runners/local/worker.py)
    sys.exit(main(sys.argv[1]))
