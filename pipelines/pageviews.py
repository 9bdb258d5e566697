"""`pageviews`: hourly and pageviews-complete dumps into monthly `pageviews` and `errors` datasets."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.lines import DEFAULT_SPLIT_BYTES, LineSplit, TextInput
from transforms.pageview_files import DEFAULT_BUCKETS, merge_counts, read_pageviews
from transforms.read_lines import NAMESPACE, ReadLineFiles
from transforms.rows import Partition

NAME = "pageviews"
DATASETS = ("pageviews", "errors")


@dataclass(frozen=True)
class PageviewsConfig:
    """Inputs planned by the driver; hash buckets of the shuffle that sums a month's views."""

    inputs: tuple[TextInput, ...]
    buckets: int = DEFAULT_BUCKETS
    split_bytes: int = DEFAULT_SPLIT_BYTES
    progress_dir: str | None = None


def read_split(split: LineSplit, counters: Counter, buckets: int):
    return read_pageviews(split, buckets, counters, pipeline=NAME)


def merge_bucket(keyed):
    (snapshot, bucket), parts = keyed
    counters: Counter = Counter()
    for partition, batch in merge_counts(snapshot, parts, counters):
        yield partition, (bucket, batch)
    Metrics.counter(NAMESPACE, "views-written").inc(counters["views-written"])


def to_dataset_batches(keyed):
    """One partition's batches, in bucket order, as WriteToDataset elements (one staged file per partition)."""
    (wiki_db, snapshot), batches = keyed
    partition = Partition(wiki_db, snapshot)
    for _bucket, batch in sorted(batches, key=lambda item: item[0]):
        yield partition, "pageviews", batch


def build(root, config: PageviewsConfig) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch)."""
    read = root | "ReadPageviews" >> ReadLineFiles(
        config.inputs, partial(read_split, buckets=config.buckets), ("counts", "errors"),
        split_bytes=config.split_bytes, progress_dir=config.progress_dir, records_counter="lines-read")
    pageviews = (
        read["counts"]
        | "GroupBuckets" >> beam.GroupByKey()
        | "SumViews" >> beam.FlatMap(merge_bucket)
        | "GroupPartitions" >> beam.GroupByKey()
        | "OrderBatches" >> beam.FlatMap(to_dataset_batches)
    )
    return {"pageviews": pageviews, "errors": read["errors"]}
