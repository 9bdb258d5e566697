"""`pageviews`: hourly and pageviews-complete dumps into monthly `pageviews` and `errors` datasets."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.driver import Balance, describe_records
from schemas import ERRORS, PAGEVIEWS
from schemas.layout import Partition
from transforms import ReadFromLineDump, WriteToDatasets
from transforms.common import counters
from transforms.datasets.staged import Staging
from transforms.lines.inputs import LineInput
from transforms.lines.pageviews import COUNTS, DEFAULT_BUCKETS, describe_inputs, merge_counts, read_pageviews
from transforms.lines.splits import DEFAULT_SPLIT_BYTES, LineSplit

NAME = "pageviews"
DATASETS = (PAGEVIEWS, ERRORS)
PROGRESS = describe_records


@dataclass(frozen=True)
class Config:
    """The dumps to read, as the driver planned them; hash buckets of the shuffle that sums a month's views."""

    inputs: tuple[LineInput, ...]
    buckets: int = DEFAULT_BUCKETS
    split_bytes: int = DEFAULT_SPLIT_BYTES

    @property
    def partitions(self) -> set[Partition]:
        """None known in advance: a file holds the views of every wiki."""
        return set()


def plan(paths: list[str], *, buckets: int = DEFAULT_BUCKETS, split_bytes: int = DEFAULT_SPLIT_BYTES) -> Config:
    """The job's Config for the given pageview dumps (UnusableInputError names a file it cannot use).

    Args:
        paths: the dumps; every file of a month, of one kind (hourly or pageviews-complete).
        buckets: hash buckets of the shuffle that sums a month's views.
        split_bytes: bytes per split of an uncompressed file.
    """
    return Config(tuple(describe_inputs(paths)), buckets, split_bytes)


def accounting(config: Config) -> tuple[Balance, ...]:
    """Each line read is summed into a row (lines-written) or dropped."""
    return (Balance(counters.LINES),)


def read_split(split: LineSplit, counts: Counter, buckets: int):
    return read_pageviews(split, buckets, counts, pipeline=NAME)


def merge_bucket(keyed):
    (snapshot, bucket), parts = keyed
    counts: Counter = Counter()
    for partition, batch in merge_counts(snapshot, parts, counts):
        yield partition, (bucket, batch)
    Metrics.counter(counters.NAMESPACE, counters.VIEWS_WRITTEN).inc(counts[counters.VIEWS_WRITTEN])


def to_dataset_batches(keyed):
    """One partition's batches, in bucket order, as WriteToDatasets elements (one staged file per partition)."""
    (wiki_db, snapshot), batches = keyed
    partition = Partition(wiki_db, snapshot)
    for _bucket, batch in sorted(batches, key=lambda item: item[0]):
        yield partition, PAGEVIEWS, batch


def build(root, config: Config, staging: Staging) -> dict:
    """Dataset name -> PCollection of (Partition, split_key, RecordBatch), each written to `staging`."""
    read = root | "ReadPageviews" >> ReadFromLineDump(
        partial(read_split, buckets=config.buckets), (COUNTS, ERRORS), inputs=config.inputs,
        split_bytes=config.split_bytes, progress_dir=staging.progress, records_counter=counters.LINES.read)
    pageviews = (
        read[COUNTS]
        | "GroupBuckets" >> beam.GroupByKey()
        | "SumViews" >> beam.FlatMap(merge_bucket)
        | "GroupPartitions" >> beam.GroupByKey()
        | "OrderBatches" >> beam.FlatMap(to_dataset_batches)
    )
    datasets = {PAGEVIEWS: pageviews, ERRORS: read[ERRORS]}
    _ = datasets | "WriteDatasets" >> WriteToDatasets(staging, config.inputs)
    return datasets
