"""Blending LightFM scores with popularity, by a weight measured on a holdout.

``score = w * z(hybrid) + (1 - w) * z(log1p(popularity))`` where ``z`` standardises
over the catalog: per user (row) for the hybrid scores, once for popularity.
Standardising puts both on one scale whatever LightFM's score range; the
``log1p`` keeps the few blockbuster items from dwarfing the rest. ``w = 1`` is
the raw model, ``w = 0`` pure popularity; the grid includes both ends, so the
chosen blend is never worse than popularity on the holdout it was chosen on.
"""
from __future__ import annotations

import numpy as np


def standardise(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float32)
    mean = scores.mean(axis=axis, keepdims=True)
    std = scores.std(axis=axis, keepdims=True)
    return (scores - mean) / np.where(std > 0, std, 1.0)


def popularity_prior(popularity: np.ndarray) -> np.ndarray:
    """The popularity term, computed once per model: ``z(log1p(popularity))``."""
    return standardise(np.log1p(np.asarray(popularity, dtype=np.float32)))


def blend(hybrid_scores: np.ndarray, prior: np.ndarray, weight: float) -> np.ndarray:
    """Blend one user's scores (1-D) or a block of users' (rows) with the popularity prior."""
    if weight >= 1.0:
        return np.asarray(hybrid_scores, dtype=np.float32)
    return weight * standardise(hybrid_scores) + (1.0 - weight) * prior
