"""Choosing the popularity blend weight on a validation slice (see serving/blend.py for the blend itself)."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from app.recommender.serving.blend import blend, popularity_prior
from app.recommender.training import metrics

WEIGHT_GRID = tuple(round(0.1 * step, 1) for step in range(11))
FALLBACK_WEIGHT = 0.5  # when the holdout has no user to measure on


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
