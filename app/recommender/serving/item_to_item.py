"""The item-to-item signal at request time: a visitor's decayed history times a sparse item x item matrix.

Training fits the matrix (EASE for catalogs that fit a dense inverse, item
kNN otherwise; see training/item_to_item.py) and keeps each item's strongest
links, so serving is one sparse product whatever the catalog size.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from app.recommender.serving.history import Histories

DENSE_LIMIT = 20_000  # columns up to which a nearly dense matrix is pruned as a dense array


@dataclass
class ItemToItem:
    """``matrix[i, j]``: how much having ``i`` in one's history raises ``j``.

    ``history_half_life_days``: how fast the history fades (None: never).
    ``kind`` ("ease" or "knn") and ``params`` say how it was fitted.
    """

    kind: str
    matrix: sp.csr_matrix
    history_half_life_days: float | None
    params: dict = field(default_factory=dict)

    def scores(self, histories: Histories, now: float) -> np.ndarray:
        """Rows x items, dense float32."""
        if histories.n_rows == 1:
            return self._one_row(histories, now)[None, :]
        history = histories.decayed_matrix(self.matrix.shape[0], now, self.history_half_life_days)
        return np.asarray((history @ self.matrix).toarray(), dtype=np.float32)

    def _one_row(self, histories: Histories, now: float) -> np.ndarray:
        """The same product for one visitor: their items' matrix rows, gathered and summed with numpy.

        Building scipy matrices for a one-row product cost ten times the arithmetic (issue 12's profile).
        """
        items, values = histories.decayed_items(now, self.history_half_life_days)
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        starts = indptr[items]
        lengths = indptr[items + 1] - starts
        # Positions of every stored entry of those rows, concatenated: each row's start, then 0, 1, 2...
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        weights = np.repeat(values, lengths) * data[positions]
        return np.bincount(indices[positions], weights=weights, minlength=self.matrix.shape[1]).astype(np.float32)

    def to_arrays(self, prefix: str = "i2i_") -> dict[str, np.ndarray]:
        return {f"{prefix}indptr": self.matrix.indptr, f"{prefix}indices": self.matrix.indices,
                f"{prefix}data": self.matrix.data.astype(np.float32), f"{prefix}shape": np.array(self.matrix.shape)}

    def to_document(self) -> dict:
        return {"kind": self.kind, "history_half_life_days": self.history_half_life_days, "params": self.params}

    @classmethod
    def from_saved(cls, document: dict, arrays, prefix: str = "i2i_") -> ItemToItem:
        matrix = sp.csr_matrix(
            (arrays[f"{prefix}data"], arrays[f"{prefix}indices"], arrays[f"{prefix}indptr"]), shape=tuple(arrays[f"{prefix}shape"])
        )
        return cls(document["kind"], matrix, document.get("history_half_life_days"), document.get("params", {}))


def keep_strongest(dense_or_sparse, per_row: int) -> sp.csr_matrix:
    """Each row's ``per_row`` largest positive entries (ties by column), as float32 CSR."""
    if sp.issparse(dense_or_sparse):
        matrix = sp.csr_matrix(dense_or_sparse, dtype=np.float32)
        n_rows, n_cols = matrix.shape
        if n_cols > DENSE_LIMIT or matrix.nnz < 0.05 * n_rows * n_cols:
            return _strongest_per_sparse_row(matrix, per_row)
        dense_or_sparse = matrix.toarray()  # nearly dense (co-occurrence in a small catalog): the dense path is faster
    dense = np.asarray(dense_or_sparse, dtype=np.float32)
    n_rows, n_cols = dense.shape
    keep = min(per_row, n_cols)
    rows, cols, data = [], [], []
    for start in range(0, n_rows, 1024):  # blocks bound the temporary index arrays
        block = dense[start : start + 1024]
        # The tail of a partition at n - keep: half the time of partitioning the negated block at keep.
        top = np.argpartition(block, n_cols - keep, axis=1)[:, n_cols - keep:] if keep < n_cols else np.tile(np.arange(n_cols), (len(block), 1))
        values = np.take_along_axis(block, top, axis=1)
        positive = values > 0
        rows.append(np.repeat(np.arange(start, start + len(block)), positive.sum(axis=1)))
        cols.append(top[positive])
        data.append(values[positive])
    return _csr(rows, cols, data, dense.shape)


def _strongest_per_sparse_row(matrix: sp.csr_matrix, per_row: int) -> sp.csr_matrix:
    rows, cols, data = [], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values = matrix.data[start:end]
        positive = np.flatnonzero(values > 0)
        best = positive[np.argsort(-values[positive], kind="stable")[:per_row]]
        rows.append(np.full(len(best), row))
        cols.append(matrix.indices[start:end][best])
        data.append(values[best])
    return _csr(rows, cols, data, matrix.shape)


def _csr(rows, cols, data, shape) -> sp.csr_matrix:
    if not rows:
        return sp.csr_matrix(shape, dtype=np.float32)
    matrix = sp.csr_matrix(
        (np.concatenate(data).astype(np.float32), (np.concatenate(rows), np.concatenate(cols))), shape=shape
    )
    matrix.sort_indices()
    return matrix
