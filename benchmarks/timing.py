"""Timing helpers: wall-clock and peak memory of a command, medians over runs."""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time


def run_timed(command: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, str]:
    """Runs a command (in `cwd`, default this one); returns its wall-clock seconds and its stdout. Raises
    when it fails."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def run_timed_cpu(command: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, float, str]:
    """Like run_timed, and also the CPU seconds (user + system) of the command and its children: on a
    shared machine they vary less than wall-clock time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, stdout = run_timed(command, env, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, stdout


def peak_rss_of_children_mb() -> float:
    """Largest resident set of any finished child process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def median(values: list[float]) -> float:
    return statistics.median(values)
