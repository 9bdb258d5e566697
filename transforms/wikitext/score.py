"""Beam wiring for the article quality score: per-wiki thresholds first, then each page's score.

The language-agnostic quality model normalises every feature by the 95th percentile of the wiki's pages,
so scores can only be computed once all pages of a partition have been read. The logic is in
transforms/wikitext/quality.py; this only combines the thresholds and applies them.
"""
from __future__ import annotations

from dataclasses import dataclass

import apache_beam as beam
import pyarrow as pa

from transforms.wikitext.quality import ThresholdAccumulator, score, transformed

SCORE_COLUMN = "quality_score"


class CombineThresholds(beam.CombineFn):
    """Merges the transformed features of a partition's batches into threshold histograms."""

    def create_accumulator(self) -> ThresholdAccumulator:
        return ThresholdAccumulator()

    def add_input(self, accumulator: ThresholdAccumulator, batch: pa.RecordBatch) -> ThresholdAccumulator:
        for row in batch.to_pylist():
            accumulator.add(row)
        return accumulator

    def merge_accumulators(self, accumulators) -> ThresholdAccumulator:
        merged = ThresholdAccumulator()
        for accumulator in accumulators:
            merged.merge(accumulator)
        return merged

    def extract_output(self, accumulator: ThresholdAccumulator) -> dict[str, float]:
        return accumulator.thresholds()


def score_batch(batch: pa.RecordBatch, thresholds: dict[str, float]) -> pa.RecordBatch:
    """The batch with its quality_score column filled in."""
    scores = pa.array([score(transformed(row), thresholds) for row in batch.to_pylist()], pa.float64())
    index = batch.schema.get_field_index(SCORE_COLUMN)
    return pa.RecordBatch.from_arrays(
        [scores if i == index else column for i, column in enumerate(batch.columns)], schema=batch.schema
    )


def _apply(element, thresholds: dict):
    partition, split_key, batch = element
    return partition, split_key, score_batch(batch, thresholds[(partition.wiki_db, partition.snapshot)])


@dataclass
class ScoreArticleQuality(beam.PTransform):
    """`(Partition, split_key, RecordBatch)` article_quality batches in, the same with scores out."""

    def expand(self, batches):
        thresholds = (
            batches
            | "KeyByPartition" >> beam.Map(lambda element: ((element[0].wiki_db, element[0].snapshot), element[2]))
            | "CombineThresholds" >> beam.CombinePerKey(CombineThresholds())
        )
        return batches | "ApplyScores" >> beam.Map(_apply, beam.pvalue.AsDict(thresholds))


