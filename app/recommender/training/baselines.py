"""Baselines the LightFM model must beat: popularity and item-item co-occurrence (item kNN).

Both work on the training users x items matrix (internal indices) and
score whole blocks of users at once with sparse products.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

# Above this many items the item-item matrix stays sparse instead of dense.
DENSE_SIMILARITY_MAX_ITEMS = 8000


def popularity(matrix: sp.spmatrix, weights: sp.spmatrix | None = None) -> np.ndarray:
    """Item scores: how many users interacted with each item, or the column sums of ``weights``.

    Pass recency-decayed weights (features.aggregate with a half-life) for a
    time-decayed popularity.
    """
    source = weights if weights is not None else (sp.csr_matrix(matrix) > 0)
    return np.asarray(source.sum(axis=0), dtype=np.float32).ravel()


class ItemKNN:
    """Item-item cosine similarity of co-occurrence; a user's score for j is ``sum_{i in user} sim(i, j)``.

    ``sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|)`` over the binary training
    matrix, with ``sim(i, i) = 0``.
    """

    def __init__(self, matrix: sp.spmatrix):
        binary = (sp.csr_matrix(matrix) > 0).astype(np.float32)
        counts = np.asarray(binary.sum(axis=0)).ravel()
        scale = sp.diags(1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32)
        normalised = binary @ scale
        similarity = (normalised.T @ normalised).tocsr()
        similarity.setdiag(0)
        similarity.eliminate_zeros()
        if binary.shape[1] <= DENSE_SIMILARITY_MAX_ITEMS:
            similarity = similarity.toarray()
        self.user_items = binary
        self.similarity = similarity

    def scores(self, user_indices: np.ndarray) -> np.ndarray:
        result = self.user_items[user_indices] @ self.similarity
        return result.toarray() if sp.issparse(result) else np.asarray(result)
