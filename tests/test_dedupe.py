"""Duplicate revision ids: which copy wins, whatever order the shuffle delivers the splits in."""
from __future__ import annotations

import itertools

import numpy as np

from schemas.layout import Partition
from transforms.xml.dedupe import (
    REVISION_BUCKETS,
    SplitRevisions,
    bucket_revision_ids,
    later_copies,
    resolve_duplicate_revisions,
    unpack_bucket,
)

PARTITION = Partition("w", "20260101")


def read(revisions: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    held = SplitRevisions()
    for revision_id, page_id in revisions:
        held.add(revision_id, page_id)
    return held.arrays()


def shipped(split_key: str, path: str, revisions: list[tuple[int, int]]) -> dict[int, tuple]:
    """bucket -> what the split ships for it."""
    ids, pages, _ = later_copies(*read(revisions))
    return {key[2]: copy for key, copy in bucket_revision_ids(PARTITION, split_key, path, ids, pages)}


def test_a_split_keeps_read_order_and_finds_its_own_later_copies():
    revisions = [(7, 1), (9, 1), (7, 3), (11, 3), (7, 4), (2, 5)]
    ids, pages = read(revisions)
    assert list(zip(ids.tolist(), pages.tolist())) == revisions  # pages expanded from their runs
    unique, first_pages, later = later_copies(ids, pages)
    assert (unique.tolist(), first_pages.tolist()) == ([2, 7, 9, 11], [5, 1, 1, 3])
    assert later == [(7, 3, 1), (7, 4, 1)]


def test_what_a_split_ships_unpacks_to_its_ids_and_pages():
    revisions = [(n * 7919 % 1_000_003 + 5_000_000_000, 10 + n // 50) for n in range(5000)]
    buckets = shipped("00000-000", "a.xml", revisions)
    back = sorted((i, p) for bucket, (_, _, packed_ids, packed_pages) in buckets.items()
                  for i, p in zip(*(a.tolist() for a in unpack_bucket(bucket, packed_ids, packed_pages))))
    assert back == sorted(revisions)
    assert all(bucket == i % REVISION_BUCKETS for bucket, (_, _, ids, pages) in buckets.items()
               for i in unpack_bucket(bucket, ids, pages)[0].tolist())


def test_the_first_split_wins_and_a_duplicate_pages_copy_is_left_to_the_page_check():
    splits = [shipped("00000-000", "a.xml", [(7, 1), (9, 2), (11, 3)]),
              shipped("00000-001", "a.xml", [(9, 4), (12, 4)]),  # 9 again, in page 4
              shipped("00001-000", "b.xml", [(9, 2), (7, 5)])]  # page 2 again (a duplicate page); 7 again
    found = []
    for bucket in sorted({b for split in splits for b in split}):
        copies = [split[bucket] for split in splits if bucket in split]
        for order in itertools.permutations(copies):
            assert list(resolve_duplicate_revisions(bucket, order)) == list(resolve_duplicate_revisions(bucket, copies))
        found += resolve_duplicate_revisions(bucket, copies)
    assert found == [("00001-000", "b.xml", 7, 5, "a.xml", 1), ("00000-001", "a.xml", 9, 4, "a.xml", 2)]
