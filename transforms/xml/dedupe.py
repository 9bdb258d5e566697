"""Page ids (and, in `revisions`, revision ids) that appear in more than one split: the first copy (by input
order, then file offset) wins.

Within one split the reader already drops repeated pages, and the split finds its repeated revision ids
itself (`later_copies`). Across splits and files only a shuffle of ids can tell; ids are grouped in
buckets so that elements stay few and fat.
"""
from __future__ import annotations

import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import DATASETS, ERRORS
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.problems import DUPLICATE_REVISION, Problem
from transforms.datasets.rows import error_row, to_record_batch

BUCKET_BITS = 14  # 16,384 consecutive page ids per bucket
DROPPED_PAGES = "dropped_pages"
DUPLICATE_PAGE = "duplicate-page"


def bucket_page_ids(partition: Partition, split_key: str, path: str, page_ids: list[int]) -> Iterator:
    """((wiki_db, snapshot, bucket), (split_key, path, ids)) for each bucket the split's ids touch."""
    buckets: dict[int, list[int]] = defaultdict(list)
    for page_id in page_ids:
        buckets[page_id >> BUCKET_BITS].append(page_id)
    for bucket, ids in buckets.items():
        yield (partition.wiki_db, partition.snapshot, bucket), (split_key, path, ids)


def resolve_duplicates(copies: Iterable[tuple[str, str, list[int]]]) -> Iterator[tuple[str, str, int, str]]:
    """For each page id held by several splits: (losing split_key, its path, page_id, winning path)."""
    holders: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for split_key, path, ids in copies:
        for page_id in ids:
            holders[page_id].append((split_key, path))
    for page_id, splits in sorted(holders.items()):
        if len(splits) > 1:
            splits.sort()
            winner_path = splits[0][1]
            for split_key, path in splits[1:]:
                yield split_key, path, page_id, winner_path


@dataclass
class FindDuplicatePages(beam.PTransform):
    """Page-id lists per split in; `errors` batches and `dropped_pages` out.

    `dropped_pages` elements are `((wiki_db, snapshot, split_key), [page_id, ...])`.
    """

    job: str

    def expand(self, page_ids):
        job = self.job

        def report(keyed):
            (wiki_db, snapshot, _bucket), copies = keyed
            partition = Partition(wiki_db, snapshot)
            rows = []
            for split_key, path, page_id, winner in resolve_duplicates(copies):
                Metrics.counter(counters.NAMESPACE, counters.PAGES.dropped).inc()
                Metrics.counter(counters.NAMESPACE, counters.error(DUPLICATE_PAGE)).inc()
                yield TaggedOutput(DROPPED_PAGES, ((wiki_db, snapshot, split_key), page_id))
                problem = Problem(DUPLICATE_PAGE, f"page id {page_id} is also in {winner}, read first; "
                                  "this copy is dropped", "page", True, None, page_id)
                rows.append(error_row(problem, pipeline=job, stage="dedupe", source_file=path, stream_offset=None))
            if rows:
                yield TaggedOutput(ERRORS, (partition, "dedupe", to_record_batch(DATASETS[ERRORS], rows)))

        resolved = (
            page_ids
            | "BucketPageIds" >> beam.FlatMapTuple(bucket_page_ids)
            | "GroupBuckets" >> beam.GroupByKey()
            | "ResolveDuplicates" >> beam.FlatMap(report).with_outputs(ERRORS, DROPPED_PAGES)
        )
        return {
            ERRORS: resolved[ERRORS],
            DROPPED_PAGES: resolved[DROPPED_PAGES] | "GroupBySplit" >> beam.GroupByKey(),
        }


# ---------------------------------------------------------------------------------------------------
# Revision ids: unique in `revisions`, across pages, splits and files. A split resolves its own repeats
# (`later_copies`) and ships each of its distinct ids with its page, packed; across splits the copy of
# the first split wins. A copy in the winner's own page is a duplicate page's (two splits holding one
# page), which the page check resolves.
#
# Every revision of a history dump passes through this shuffle, so its elements are packed: ids (minus
# their bucket, over the bucket count) as sorted deltas and pages, each in the narrowest integer type
# they fit and zlib-compressed: about 3.5 bytes a revision rather than 16
# (docs/performance.md).

REVISION_BUCKETS = 256  # hash buckets per partition: a split's revisions span the whole id range
DROPPED_REVISIONS = "dropped_revisions"


class SplitRevisions:
    """The revision ids a split wrote, in read order, with their pages.

    8 bytes a revision and 16 a page, in typed arrays: a .gz stub history is one split of tens of millions
    of revisions, which a dict would hold in gigabytes.
    """

    def __init__(self):
        self._ids = array("q")
        self._pages = array("q")  # one per run of revisions of the same page
        self._runs = array("q")

    def add(self, revision_id: int, page_id: int) -> None:
        self._ids.append(revision_id)
        if self._pages and self._pages[-1] == page_id:
            self._runs[-1] += 1
        else:
            self._pages.append(page_id)
            self._runs.append(1)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(revision ids, their pages), in read order."""
        pages = np.repeat(np.frombuffer(self._pages, dtype=np.int64), np.frombuffer(self._runs, dtype=np.int64))
        return np.frombuffer(self._ids, dtype=np.int64).copy(), pages


def later_copies(ids: np.ndarray, pages: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """A split's distinct revision ids (sorted) with the page of their first copy, and each later copy in
    another page as (revision id, its page, the first copy's page)."""
    unique, first, counts = np.unique(ids, return_index=True, return_counts=True)
    later = []
    for revision_id in unique[counts > 1].tolist():  # rare: a damaged or mixed dump
        held = pages[ids == revision_id].tolist()
        later += [(revision_id, page_id, held[0]) for page_id in held[1:] if page_id != held[0]]
    return unique, pages[first], later


def pack(values: np.ndarray) -> tuple[int, str, bytes]:
    """Non-negative integers as (offset, dtype, zlib of the narrowest array holding values - offset)."""
    offset = int(values.min()) if len(values) else 0
    shifted = values - offset
    dtype = np.min_scalar_type(int(shifted.max()) if len(shifted) else 0)
    return offset, dtype.str, zlib.compress(shifted.astype(dtype).tobytes(), 1)


def unpack(packed: tuple[int, str, bytes]) -> np.ndarray:
    offset, dtype, data = packed
    return np.frombuffer(zlib.decompress(data), dtype=np.dtype(dtype)).astype(np.int64) + offset


def bucket_revision_ids(partition: Partition, split_key: str, path: str, ids: np.ndarray, pages: np.ndarray
                        ) -> Iterator:
    """((wiki_db, snapshot, bucket), (split_key, path, packed ids, packed pages)) per bucket the split's
    distinct, sorted ids touch."""
    buckets = ids % REVISION_BUCKETS
    order = np.argsort(buckets, kind="stable")  # ids stay sorted within each bucket
    ids, pages, buckets = ids[order], pages[order], buckets[order]
    starts = np.flatnonzero(np.diff(buckets, prepend=-1))
    for start, end in zip(starts, [*starts[1:], len(ids)]):
        bucket = int(buckets[start])
        steps = np.diff(ids[start:end] // REVISION_BUCKETS, prepend=0)
        yield (partition.wiki_db, partition.snapshot, bucket), (split_key, path, pack(steps), pack(pages[start:end]))


def unpack_bucket(bucket: int, packed_ids, packed_pages) -> tuple[np.ndarray, np.ndarray]:
    """The (ids, pages) `bucket_revision_ids` packed."""
    return np.cumsum(unpack(packed_ids)) * REVISION_BUCKETS + bucket, unpack(packed_pages)


def resolve_duplicate_revisions(bucket: int, copies: Iterable[tuple]) -> Iterator[tuple[str, str, int, int, str, int]]:
    """For each copy of a revision id in a later split than its first: (its split_key, path, revision id,
    page, winning path, winning page)."""
    copies = sorted(copies, key=lambda copy: copy[0])  # split keys sort in input order, then offset
    if len(copies) < 2:
        return
    arrays = [unpack_bucket(bucket, packed_ids, packed_pages) for _, _, packed_ids, packed_pages in copies]
    unique, counts = np.unique(np.concatenate([ids for ids, _ in arrays]), return_counts=True)
    repeated = unique[counts > 1]
    if not len(repeated):
        return
    holders: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for (split_key, path, _, _), (ids, pages) in zip(copies, arrays):
        for at in np.flatnonzero(np.isin(ids, repeated)):
            holders[int(ids[at])].append((split_key, path, int(pages[at])))
    for revision_id, held in sorted(holders.items()):
        _, winner_path, winner_page = held[0]
        for split_key, path, page_id in held[1:]:
            if page_id != winner_page:
                yield split_key, path, revision_id, page_id, winner_path, winner_page


def duplicate_revision(revision_id: int, page_id: int, winner_page: int, winner_path: str) -> Problem:
    return Problem(DUPLICATE_REVISION, f"revision id {revision_id} is also in page {winner_page} of {winner_path}, "
                   "read first; this copy is dropped", "revision", True, None, page_id, revision_id)


@dataclass
class FindDuplicateRevisions(beam.PTransform):
    """Revision ids (packed, with their pages) per split in; `errors` batches and `dropped_revisions` out.

    `dropped_revisions` elements are `((wiki_db, snapshot, split_key), [(revision_id, page_id), ...])`: the
    copies to remove from that split's rows. `split_drops`, the copies each split found of its own ids,
    are merged into them.
    """

    job: str
    split_drops: beam.PCollection

    def expand(self, revision_ids):
        job = self.job

        def report(keyed):
            (wiki_db, snapshot, bucket), copies = keyed
            rows = []
            for split_key, path, revision_id, page_id, winner, winner_page in resolve_duplicate_revisions(bucket,
                                                                                                         copies):
                Metrics.counter(counters.NAMESPACE, counters.error(DUPLICATE_REVISION)).inc()
                yield TaggedOutput(DROPPED_REVISIONS, ((wiki_db, snapshot, split_key), (revision_id, page_id)))
                problem = duplicate_revision(revision_id, page_id, winner_page, winner)
                rows.append(error_row(problem, pipeline=job, stage="dedupe", source_file=path, stream_offset=None))
            if rows:
                yield TaggedOutput(ERRORS, (Partition(wiki_db, snapshot), "dedupe",
                                            to_record_batch(DATASETS[ERRORS], rows)))

        resolved = (
            revision_ids
            | "BucketRevisionIds" >> beam.FlatMapTuple(bucket_revision_ids)
            | "GroupBuckets" >> beam.GroupByKey()
            | "ResolveDuplicates" >> beam.FlatMap(report).with_outputs(ERRORS, DROPPED_REVISIONS)
        )
        return {
            ERRORS: resolved[ERRORS],
            DROPPED_REVISIONS: (resolved[DROPPED_REVISIONS], self.split_drops)
            | "MergeDrops" >> beam.Flatten() | "GroupBySplit" >> beam.GroupByKey(),
        }
