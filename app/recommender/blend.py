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
import scipy.sparse as sp

from app.recommender import metrics

WEIGHT_GRID = tuple(round(0.1 * step, 1) for step in range(11))
FALLBACK_WEIGHT = 0.5  # when the holdout has no user to measure on


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


def choose_weight(
    hybrid_scores: metrics.ScoreFunction,
    popularity: np.ndarray,
    validation: sp.spmatrix,
    train: sp.spmatrix,
    k: int = 10,
    grid: tuple[float, ...] = WEIGHT_GRID,
) -> tuple[float, dict]:
    """The grid weight with the best precision@k on ``validation`` (ties: better nDCG@k, then larger w).

    Returns the weight and the validation metrics of every grid point
    (``{w: metrics}``), which include the raw model (1.0) and popularity (0.0).
    """
    prior = popularity_prior(popularity)
    validation = sp.csr_matrix(validation)
    users = np.flatnonzero(validation.getnnz(axis=1) > 0)
    cache: dict = {}

    def cached(block: np.ndarray) -> np.ndarray:
        key = (int(block[0]), len(block)) if len(block) else (0, 0)
        if key not in cache:
            cache[key] = hybrid_scores(block)
        return cache[key]

    results = {}
    for weight in grid:
        results[weight] = metrics.evaluate(
            lambda block, w=weight: blend(cached(block), prior, w), validation, train, k=k, users=users
        )
    measured = [w for w in grid if results[w].get("users")]
    if not measured:
        return FALLBACK_WEIGHT, results
    best = max(measured, key=lambda w: (results[w]["precision_at_k"], results[w]["ndcg_at_k"], w))
    return best, results
