"""What orders say beyond taste: products bought together (repeat purchase is repeat_model.py)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from app.recommender.serving.baskets import TOGETHER_FILE, BoughtTogether


def bought_together(
    purchases: list[tuple[str, str, str, float]], item_ids: list, min_count: int = 3, per_item: int = 30, shrink: float = 5.0
) -> BoughtTogether:
    """Lift of pairs of items sharing baskets, ``P(a and b) / (P(a) P(b))``, shrunk by ``n / (n + shrink)``.

    Lift rather than raw co-counts, so a bestseller that is in every basket
    does not become everything's partner; shrunk by the pair's basket count
    ``n`` (and pairs under ``min_count`` dropped), so two rare items that met
    once or twice do not outrank a pair seen in hundreds of baskets.
    """
    index = {item: i for i, item in enumerate(item_ids)}
    baskets: dict[str, set[int]] = defaultdict(set)
    for basket, _buyer, item, _at in purchases:
        if item in index:
            baskets[basket].add(index[item])
    rows, cols = [], []
    for b, items in enumerate(baskets.values()):
        rows.extend([b] * len(items))
        cols.extend(items)
    n_baskets, n_items = len(baskets), len(item_ids)
    if not n_baskets:
        return BoughtTogether(list(item_ids), sp.csr_matrix((n_items, n_items), dtype=np.float32))
    basket_items = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n_baskets, n_items))
    together = (basket_items.T @ basket_items).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    together.data[together.data < min_count] = 0
    together.eliminate_zeros()
    counts = np.asarray(basket_items.sum(axis=0)).ravel()
    coo = together.tocoo()
    lift = coo.data * n_baskets / (counts[coo.row] * counts[coo.col]) * (coo.data / (coo.data + shrink))
    lifted = sp.csr_matrix((lift.astype(np.float32), (coo.row, coo.col)), shape=(n_items, n_items))
    return BoughtTogether(list(item_ids), _keep_best_per_row(lifted, per_item))


def _keep_best_per_row(matrix: sp.csr_matrix, per_row: int) -> sp.csr_matrix:
    rows, cols, data = [], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        if start == end:
            continue
        values = matrix.data[start:end]
        best = np.argsort(-values, kind="stable")[:per_row]
        rows.extend([row] * len(best))
        cols.extend(matrix.indices[start:end][best])
        data.extend(values[best])
    return sp.csr_matrix((np.array(data, np.float32), (rows, cols)), shape=matrix.shape)


def save(directory: Path, together: BoughtTogether) -> None:
    matrix = together.matrix
    np.savez(directory / TOGETHER_FILE, indptr=matrix.indptr, indices=matrix.indices, data=matrix.data, shape=np.array(matrix.shape))


