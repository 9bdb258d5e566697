"""The language-agnostic article quality model of Wikimedia Research (Isaac Johnson, 2021-2022; Das,
Johnson, Saez-Trumper and Aragón, ICWSM 2024).

Six features of the wikitext, counted by the engine with the page's scan (engine/src/quality_rows.rs); each
is transformed, capped at a per-wiki threshold (the 95th percentile of the wiki's articles, but never below
a fixed minimum) and divided by it; the score is their weighted sum, in [0, 1]. docs/article_quality.md gives the formulas, the constants and where they come from.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

# Feature weights of the model (V2, trained on English, French and Arabic Wikipedia assessments).
WEIGHTS = {"length": 0.395, "media": 0.114, "references": 0.181, "headings": 0.123, "wikilinks": 0.115,
           "categories": 0.070}
# The smallest threshold each transformed feature gets, whatever the wiki's percentile.
MINIMUM_THRESHOLDS = {"length": 100.0, "media": 2.0, "references": 0.15, "headings": 0.1, "wikilinks": 0.1,
                      "categories": 5.0}
PERCENTILE = 0.95
# Transformed values are binned this finely to find percentiles without keeping every value.
BIN_WIDTH = {"length": 0.01, "media": 1.0, "references": 0.0001, "headings": 0.0001, "wikilinks": 0.0001,
             "categories": 1.0}


def transformed(row: dict) -> dict[str, float]:
    """The model's transformations: sqrt(length); counts per sqrt(length) for references and headings;
    sqrt(wikilinks) per sqrt(length); media and categories as counts."""
    root = math.sqrt(row["page_length"])
    return {
        "length": root,
        "media": float(row["num_media"]),
        "references": row["num_refs"] / root if root else 0.0,
        "headings": row["num_headings"] / root if root else 0.0,
        "wikilinks": math.sqrt(row["num_wikilinks"]) / root if root else 0.0,
        "categories": float(row["num_categories"]),
    }


def score(values: dict[str, float], thresholds: dict[str, float]) -> float:
    """Weighted sum of each transformed feature capped at its threshold and divided by it."""
    total = sum(WEIGHTS[name] * min(values[name], thresholds[name]) / thresholds[name] for name in WEIGHTS)
    return round(min(max(total, 0.0), 1.0), 6)


@dataclass
class ThresholdAccumulator:
    """Histograms of the transformed features of a wiki's pages; mergeable, so Beam can combine them."""

    counts: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in WEIGHTS})
    pages: int = 0

    def add(self, row: dict) -> None:
        for name, value in transformed(row).items():
            self.counts[name][round(value / BIN_WIDTH[name])] += 1
        self.pages += 1

    def merge(self, other: ThresholdAccumulator) -> ThresholdAccumulator:
        for name in WEIGHTS:
            self.counts[name].update(other.counts[name])
        self.pages += other.pages
        return self

    def thresholds(self) -> dict[str, float]:
        """Each feature's 95th percentile (linear interpolation between ranks), at least its minimum."""
        return {name: max(MINIMUM_THRESHOLDS[name], self._percentile(name)) for name in WEIGHTS}

    def _percentile(self, name: str) -> float:
        histogram = self.counts[name]
        if not self.pages:
            return 0.0
        rank = PERCENTILE * (self.pages - 1)
        low_rank, fraction = int(rank), rank - int(rank)
        low = high = None
        seen = 0
        for key in sorted(histogram):
            seen += histogram[key]
            if low is None and seen > low_rank:
                low = key
            if seen > low_rank + 1 or (fraction == 0 and low is not None):
                high = key
                break
        high = low if high is None else high
        return (low + (high - low) * fraction) * BIN_WIDTH[name]
