"""Batches of an Enterprise dump's records, kept as files in the run's staging folder between the worker
that decompresses a dump and the workers that parse its records.

A gzip file can only be read from its start, so one worker reads it and the others parse what it cut.
Handed over through the runner, each record (half a megabyte of HTML on average) was pickled, framed into
the runner's messages, held by the driver and copied again to a parsing worker: on Beam's local runner
that cost the driver alone about 11 ms of CPU per record, as much as parsing it. A batch written once to
the staging folder (a local folder, or the bucket of a cluster run, which every worker writes its
datasets to anyway) and read once by its parser costs a small part of that; only the file's name and
where each record lies in it go through the runner. The staging folder is removed when the run ends,
whatever the outcome (pipelines/driver.py).
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.datasets.storage import join
from transforms.enterprise.reader import RawRecord


@dataclass(frozen=True)
class RecordBatch:
    """A batch file and, for each of its records in order, (tar member, line, offset in the dump's
    decompressed data, size in bytes): what a RawRecord says besides its bytes."""

    path: str
    records: tuple[tuple[str | None, int, int, int], ...]

    @property
    def first_offset(self) -> int:
        """Where the batch starts in the dump's decompressed data: what its rows' split key orders by."""
        return self.records[0][2]


def write_batch(folder: str, name: str, records: Sequence[RawRecord]) -> RecordBatch:
    """Writes the records' bytes one after the other to `folder`/`name` (replaced if a retried bundle wrote
    it before)."""
    path = join(folder, name)
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        for record in records:
            handle.write(record.data)
    return RecordBatch(path, tuple((record.member, record.line, record.offset, len(record.data))
                                   for record in records))


class BatchWriter:
    """Writes batch files on a thread of their own, in the order given.

    The worker that decompresses a dump holds the others up until it is done, and copying each batch into
    its file was a third of its time; the write (which releases the GIL) now overlaps the cutting of the
    next batch. At most `depth` batches wait to be written. A write that fails raises where its batch is
    handed back.
    """

    def __init__(self, folder: str, depth: int = 2):
        self._folder = folder
        self._depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-writer")
        self._pending: deque[Future] = deque()

    def write(self, name: str, records: Sequence[RawRecord]) -> list[RecordBatch]:
        """Queues a batch; the batches written by now, oldest first (waiting for the oldest while more than
        `depth` wait)."""
        self._pending.append(self._pool.submit(write_batch, self._folder, name, records))
        written = []
        while self._pending and (len(self._pending) > self._depth or self._pending[0].done()):
            written.append(self._pending.popleft().result())
        return written

    def finish(self) -> list[RecordBatch]:
        """The batches still being written, once they are."""
        return [self._pending.popleft().result() for _ in range(len(self._pending))]

    def close(self) -> None:
        """Stops the thread (after the write under way, if any; queued ones are dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def read_batch(batch: RecordBatch) -> list[RawRecord]:
    """The batch's records, as they were written."""
    with FileSystems.open(batch.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        data = handle.read()
    view = memoryview(data)
    records = []
    start = 0
    for member, line, offset, size in batch.records:
        records.append(RawRecord(member, line, offset, bytes(view[start:start + size])))
        start += size
    return records
