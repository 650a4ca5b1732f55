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
# Bytes of dense scores (and their temporaries) one block of rows may take: bounds memory at any catalog size.
BLOCK_BYTES = 256 * 2**20


# Row-sized float64 copies alive at once, as measured with tracemalloc: scoring, the top k, and the AUC's ranks.
FULL_METRICS_COPIES = 24
TOP_K_COPIES = 12


def block_rows(n_items: int, arrays: int = TOP_K_COPIES, limit: int = 512) -> int:
    """How many rows a block may hold when each needs ``arrays`` float64 copies of its scores."""
    return int(max(8, min(limit, BLOCK_BYTES // max(1, n_items * 8 * arrays))))

METRIC_NAMES = ("precision_at_k", "recall_at_k", "ndcg_at_k", "auc", "coverage")
PER_USER_METRICS = ("precision_at_k", "recall_at_k", "ndcg_at_k", "auc")


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
    candidates = np.arange(test.shape[1]) if candidates is None else np.asarray(candidates)

    def masked(block: np.ndarray) -> np.ndarray:
        scores = np.array(score(block), dtype=np.float64)[:, candidates]
        scores[train[block][:, candidates].toarray() > 0] = -np.inf
        return scores

    relevant = test[:, candidates].tocsr()
    relevant = (relevant - relevant.multiply(train[:, candidates] > 0)).tocsr()
    relevant.eliminate_zeros()
    return summary(per_user(masked, relevant, k, users, chunk_size))


def per_user(
    score_rows: ScoreFunction, relevant: sp.spmatrix, k: int = 10, rows: np.ndarray | None = None, chunk_size: int | None = None
) -> dict:
    """Per-row metrics over the rows with a relevant item: ``{metric: array, "rows": rows, "coverage": float}``.

    ``score_rows(rows)`` returns rows x items; ``-inf`` marks an item the row
    cannot be shown (excluded, filtered). A relevant item scored ``-inf`` is
    never a hit and ranks below every showable item in the AUC.
    """
    relevant = sp.csr_matrix(relevant, dtype=np.float32)
    if rows is None:
        rows = np.flatnonzero(relevant.getnnz(axis=1) > 0)
    rows = np.asarray(rows, dtype=np.int64)
    rows = rows[relevant[rows].getnnz(axis=1) > 0] if len(rows) else rows
    totals: dict[str, list] = {name: [] for name in PER_USER_METRICS}
    chunk_size = chunk_size or block_rows(relevant.shape[1], arrays=FULL_METRICS_COPIES)
    recommended = np.zeros(relevant.shape[1], dtype=bool)
    for start in range(0, len(rows), chunk_size):
        block = rows[start : start + chunk_size]
        result = block_metrics(np.asarray(score_rows(block), dtype=np.float64), relevant[block].toarray() > 0, k)
        for name in totals:
            totals[name].append(result[name])
        recommended[np.unique(result["top"])] = True
    result = {name: np.concatenate(values) if values else np.empty(0) for name, values in totals.items()}
    result["rows"] = rows
    result["coverage"] = float(recommended.mean()) if len(rows) else float("nan")
    return result


def summary(per_row: dict) -> dict[str, float]:
    """Means of :func:`per_user`'s arrays, its coverage, and how many users were evaluated."""
    n = len(per_row["rows"])
    if not n:
        return {name: float("nan") for name in METRIC_NAMES} | {"users": 0}
    means = {name: float(np.mean(per_row[name])) for name in PER_USER_METRICS}
    means["coverage"] = per_row["coverage"]
    means["users"] = n
    return means


def top_k_per_row(scores: np.ndarray, k: int, sample_every: int = 4) -> np.ndarray:
    """Each row's ``k`` best columns, best first, ties by column (rows x k); ``scores`` without NaN.

    The blend search ranks thousands of blocks, and a full per-row selection
    was most of its time. Here each row's k-th largest score among every
    ``sample_every``-th column is a threshold no higher than its true k-th
    largest, so the columns at or above it hold the top k (about
    ``sample_every * k`` of them, ties included); only those are sorted.
    """
    n_rows, n_items = scores.shape
    if k >= n_items:
        return np.lexsort((np.broadcast_to(np.arange(n_items), scores.shape), -scores), axis=1)
    sample = scores[:, ::sample_every] if n_items >= 4 * sample_every * k else scores
    threshold = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    flat = np.flatnonzero(scores >= threshold[:, None])  # row-major: by row, then column
    rows, columns = np.divmod(flat, n_items)
    # By score (stable: equal scores keep column order), then by row (stable: each row keeps that order).
    by_score = np.argsort(-np.ravel(scores)[flat], kind="stable")
    order = by_score[np.argsort(rows[by_score], kind="stable")]
    first_of_row = np.searchsorted(rows[order], np.arange(n_rows))
    return columns[order][first_of_row[:, None] + np.arange(k)]


def block_metrics(scores: np.ndarray, relevant: np.ndarray, k: int, with_auc: bool = True) -> dict[str, np.ndarray]:
    """Per-row metrics of one block; ``-inf`` (or NaN) scores are not showable.

    ``with_auc=False`` skips the full-catalog AUC (a sort of every row): the
    blend search compares many weightings by their top k only.
    """
    n_users, n_items = scores.shape
    k = min(k, n_items)
    showable = np.isfinite(scores)
    scores = np.where(showable, scores, -np.inf)
    top = top_k_per_row(scores, k)
    top_valid = np.take_along_axis(showable, top, axis=1)  # fewer than k showable items: pad nothing
    hits = np.take_along_axis(relevant, top, axis=1) & top_valid
    n_relevant = relevant.sum(axis=1)
    precision = hits.sum(axis=1) / k
    recall = hits.sum(axis=1) / n_relevant
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discounts).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(n_relevant, k) - 1]
    ndcg = dcg / ideal
    top_k = {"precision_at_k": precision, "recall_at_k": recall, "ndcg_at_k": ndcg, "top": top[top_valid]}
    if not with_auc:
        return top_k
    # AUC from average ranks (ties count one half). Unshowable non-relevant items leave
    # the ranking; an unshowable relevant one sits below every showable item.
    hidden = ~showable & ~relevant
    ranked = np.where(~showable & relevant, -1e300, scores)
    ranks = rankdata(ranked, axis=1, method="average") - hidden.sum(axis=1)[:, None]
    n_negative = (showable & ~relevant).sum(axis=1)
    rank_sum = np.where(relevant, ranks, 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (rank_sum - n_relevant * (n_relevant + 1) / 2) / (n_relevant * n_negative)
    # Nothing showable to compare with: the share of relevant items that can be shown at all.
    shown = (relevant & showable).sum(axis=1) / np.maximum(n_relevant, 1)
    return top_k | {"auc": np.where(n_negative > 0, auc, shown)}
