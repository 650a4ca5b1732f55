"""Blending the ranking signals by weights measured on a holdout, per length of the visitor's history.

``score = sum_s w_s * z(signal_s)`` where ``z`` standardises each signal over
the catalog, per visitor (row): standardising puts LightFM scores,
item-to-item sums (EASE, kNN) and log popularity on one scale. The repeat
signal is the exception: a probability over a fixed scale (serving/repeat.py),
so that how likely a restock is, not just which one, counts.
The weights depend on how much we know about the visitor (see
``history.HISTORY_BUCKETS``): a visitor with one or two interactions is
ranked by weights measured on such visitors, typically leaning on
popularity and the session, and a new visitor (not in the trained model)
by weights measured on new visitors (``history.NEW_VISITOR_BUCKET``). Weights are chosen at training
(training/blend_weight.py) so that the blend never does worse than
recent popularity alone on the validation slice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.recommender.serving.history import BUCKET_NAMES

SIGNALS = ("popularity", "ease", "knn", "hybrid", "repeat")
POPULARITY_ONLY = {"popularity": 1.0}


def standardise(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float32)
    mean = scores.mean(axis=axis, keepdims=True)
    std = scores.std(axis=axis, keepdims=True)
    return (scores - mean) / np.where(std > 0, std, 1.0)


def popularity_prior(popularity: np.ndarray) -> np.ndarray:
    """The popularity term, computed once per model: ``z(log1p(popularity))``."""
    return standardise(np.log1p(np.maximum(np.asarray(popularity, dtype=np.float32), 0.0)))


@dataclass
class BlendWeights:
    """Signal weights per history bucket; a bucket without its own weights uses ``default``."""

    default: dict[str, float] = field(default_factory=lambda: dict(POPULARITY_ONLY))
    by_bucket: dict[str, dict[str, float]] = field(default_factory=dict)

    def for_bucket(self, bucket: str) -> dict[str, float]:
        return self.by_bucket.get(bucket, self.default)

    def signals(self) -> set[str]:
        used = {name for name, weight in self.default.items() if weight}
        for weights in self.by_bucket.values():
            used |= {name for name, weight in weights.items() if weight}
        return used

    def to_document(self) -> dict:
        return {"default": self.default, "by_bucket": self.by_bucket}

    @classmethod
    def from_document(cls, document: dict) -> BlendWeights:
        unknown = set(document.get("default", {})) | {name for w in document.get("by_bucket", {}).values() for name in w}
        if unknown - set(SIGNALS):
            raise ValueError(f"unknown blend signals {sorted(unknown - set(SIGNALS))}")
        return cls(dict(document.get("default", POPULARITY_ONLY)),
                   {bucket: dict(w) for bucket, w in document.get("by_bucket", {}).items() if bucket in BUCKET_NAMES})


def blend(signals: dict[str, np.ndarray], weights: dict[str, float], n_rows: int, n_items: int) -> np.ndarray:
    """One weighted sum of standardised signals (each rows x items, or one row shared by all)."""
    total = np.zeros((n_rows, n_items), np.float32)
    for name, weight in weights.items():
        if weight and name in signals:
            total += np.float32(weight) * signals[name]
    return total


def blend_by_bucket(signals: dict[str, np.ndarray], weights: BlendWeights, buckets: np.ndarray, n_items: int) -> np.ndarray:
    """Each row blended with its own bucket's weights."""
    result = np.empty((len(buckets), n_items), np.float32)
    for bucket in np.unique(buckets) if len(buckets) else ():
        rows = np.flatnonzero(buckets == bucket)
        chosen = {name: (value[rows] if value.ndim == 2 else value) for name, value in signals.items()}
        result[rows] = blend(chosen, weights.for_bucket(bucket), len(rows), n_items)
    return result
