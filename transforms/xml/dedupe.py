"""Page ids that appear in more than one split: the first copy (by input order, then file offset) wins.

Within one split the reader already drops repeats. Across splits and files only a shuffle of page ids
can tell; ids are grouped in buckets so that elements stay few and fat.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import DATASETS, ERRORS
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.problems import Problem
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
