"""Ranking metrics over users x items score matrices, vectorised over chunks of users.

Conventions (those of ``lightfm.evaluation``):

- relevance is binary: an item is relevant to a user when the test matrix holds it;
- each user's training positives are removed from the ranking before anything
  is measured (they can neither be hits nor negatives);
- users without any test positive are not evaluated; averages are over users.

AUC is the Mann-Whitney statistic per user: the probability that a random
test positive outscores a random negative (not in train, not in test), ties
counting one half, then averaged over users. Coverage is the fraction of the
candidate items that appear in at least one evaluated user's top k.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata

ScoreFunction = Callable[[np.ndarray], np.ndarray]  # user indices -> (len, n_items) scores

METRIC_NAMES = ("precision_at_k", "recall_at_k", "ndcg_at_k", "auc", "coverage")


def evaluate(
    score: ScoreFunction,
    test: sp.spmatrix,
    train: sp.spmatrix | None = None,
    k: int = 10,
    users: np.ndarray | None = None,
    candidates: np.ndarray | None = None,
    chunk_size: int = 512,
) -> dict[str, float]:
    """Mean precision@k, recall@k, nDCG@k and AUC over users, and catalog coverage.

    ``score(user_indices)`` returns a dense ``(len(user_indices), n_items)``
    array. ``candidates`` (item indices) restricts ranking to those items,
    e.g. the held-out items in a cold-start evaluation; default all items.
    """
    test = sp.csr_matrix(test, dtype=np.float32)
    train = sp.csr_matrix(train if train is not None else test.shape, dtype=np.float32)
    if users is None:
        users = np.flatnonzero(test.getnnz(axis=1) > 0)
    n_items = test.shape[1]
    candidates = np.arange(n_items) if candidates is None else np.asarray(candidates)
    totals = {"precision_at_k": [], "recall_at_k": [], "ndcg_at_k": [], "auc": []}
    recommended = np.zeros(len(candidates), dtype=bool)
    for start in range(0, len(users), chunk_size):
        block = users[start : start + chunk_size]
        scores = np.asarray(score(block), dtype=np.float64)[:, candidates]
        relevant = test[block][:, candidates].toarray() > 0
        seen = train[block][:, candidates].toarray() > 0
        relevant &= ~seen
        keep = relevant.any(axis=1)
        if not keep.any():
            continue
        scores, relevant, seen = scores[keep], relevant[keep], seen[keep]
        scores[seen] = -np.inf
        result = block_metrics(scores, relevant, seen, k)
        for name in totals:
            totals[name].append(result[name])
        recommended[np.unique(result["top"])] = True
    if not totals["auc"]:
        return {name: float("nan") for name in METRIC_NAMES} | {"users": 0}
    means = {name: float(np.mean(np.concatenate(values))) for name, values in totals.items()}
    means["coverage"] = float(recommended.mean())
    means["users"] = int(sum(len(values) for values in totals["auc"]))
    return means


def block_metrics(scores: np.ndarray, relevant: np.ndarray, seen: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Per-user metrics of one block; ``scores`` already hold ``-inf`` where ``seen``."""
    n_users, n_items = scores.shape
    k = min(k, n_items)
    # Top k per row, best first; ties broken by item index for determinism.
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n_items else np.tile(np.arange(n_items), (n_users, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    top = np.take_along_axis(part, order, axis=1)
    available = (~seen).sum(axis=1)
    top_valid = np.arange(k)[None, :] < available[:, None]  # fewer than k unseen items: pad nothing
    hits = np.take_along_axis(relevant, top, axis=1) & top_valid
    n_relevant = relevant.sum(axis=1)
    precision = hits.sum(axis=1) / k
    recall = hits.sum(axis=1) / n_relevant
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discounts).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(n_relevant, k) - 1]
    ndcg = dcg / ideal
    # AUC from average ranks (ties count one half); seen items sit at -inf below everything.
    ranks = rankdata(scores, axis=1, method="average") - seen.sum(axis=1)[:, None]
    n_negative = available - n_relevant
    rank_sum = np.where(relevant, ranks, 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (rank_sum - n_relevant * (n_relevant + 1) / 2) / (n_relevant * n_negative)
    auc = np.where(n_negative > 0, auc, 1.0)
    return {
        "precision_at_k": precision,
        "recall_at_k": recall,
        "ndcg_at_k": ndcg,
        "auc": auc,
        "top": top[top_valid],
    }
