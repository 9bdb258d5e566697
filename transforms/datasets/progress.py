"""Progress reports from workers to the command line, through small files in the staging area.

Beam's metrics only reach the driver when a job ends on the local runner, so each worker process
writes its running totals to `<staging>/progress/<host>-<pid>.json` every few seconds, and the command
line sums the files it finds. This works the same with a shared file system or gs://.
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

WRITE_EVERY_SECONDS = 4.0


@dataclass
class Totals:
    """Running totals of a job: XML jobs count pages, event jobs count records (events or lines)."""

    pages: int = 0
    revisions: int = 0
    xml_bytes: int = 0
    input_bytes: int = 0
    records: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.pages + other.pages, self.revisions + other.revisions,
                      self.xml_bytes + other.xml_bytes, self.input_bytes + other.input_bytes,
                      self.records + other.records)


class ProgressReporter:
    """Per-process running totals, written out at most every few seconds. A no-op without a folder."""

    def __init__(self, folder: str | None):
        self._folder = folder
        self._totals = Totals()
        self._last_write = 0.0
        self._path = None
        if folder:
            self._path = FileSystems.join(folder, f"{socket.gethostname()}-{os.getpid()}-{id(self):x}.json")

    def add_input_bytes(self, count: int) -> None:
        self._totals.input_bytes += count

    def add(self, pages: int = 0, revisions: int = 0, xml_bytes: int = 0, *, records: int = 0,
            force: bool = False) -> None:
        self._totals.pages += pages
        self._totals.revisions += revisions
        self._totals.xml_bytes += xml_bytes
        self._totals.records += records
        now = time.monotonic()
        if self._path and (force or now - self._last_write >= WRITE_EVERY_SECONDS):
            self._last_write = now
            try:
                with FileSystems.create(self._path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                    handle.write(json.dumps(self._totals.__dict__).encode())
            except OSError:
                pass  # progress is best effort; the job's results do not depend on it


def read_totals(folder: str) -> Totals:
    """Sums every worker's last report in `folder`."""
    total = Totals()
    try:
        matches = FileSystems.match([FileSystems.join(folder, "*.json")])[0].metadata_list
    except Exception:  # the folder appears only once a worker has written to it
        return total
    for match in matches:
        try:
            with FileSystems.open(match.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                total = total + Totals(**json.loads(handle.read().decode()))
        except (OSError, ValueError, TypeError):
            continue  # a report being rewritten right now; the next round will read it
    return total
