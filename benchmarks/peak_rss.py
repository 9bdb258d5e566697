"""Runs a command and prints, last, the peak resident memory (MB) of its process tree.

Polls every process of the tree (the local runner may start worker processes) and sums their
resident sets, so the figure is what the machine really had to hold at the worst moment.
"""
import subprocess
import sys
import time

import psutil


def main(command: list[str]) -> None:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a process of the tree ended between listing and reading it
        time.sleep(0.05)
    if process.returncode != 0:
        sys.stderr.write(process.stderr.read().decode()[-3000:])
        raise SystemExit(process.returncode)
    print(peak / 2**20)


if __name__ == "__main__":
    main(sys.argv[1:])
