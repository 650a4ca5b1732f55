"""Fitting the item-to-item signal: EASE where the catalog allows a dense inverse, item kNN otherwise.

Both learn from the users x items matrix of training histories, each
(user, item) ``min(1, sum of decayed weights)`` (``train_half_life_days``:
older co-occurrences count less, so this season's ranges outweigh last
year's), and both are kept as each item's strongest links
(serving/item_to_item.py), so serving is one sparse product.

- **EASE** (Steck 2019): ``B = I - P / diag(P)`` with ``P = (X'X + lambda I)^-1``
  and a zero diagonal; the closed form of "predict each item from all the
  others". Dense in the number of items (a 20,000-item Gram matrix is 1.6 GB
  in float32), so only up to ``EASE_MAX_ITEMS``, and only over the items
  with some recent history (``EASE_MIN_ITEM_MASS``).
- **item kNN**: ``sim(i, j) = |U_i and U_j| / (sqrt(|U_i| |U_j|) + shrinkage)`` over
  the same matrix, each item's ``neighbours`` most similar: from EASE's Gram
  matrix where there is one, else from sparse co-occurrence (any size).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from app.recommender.serving.item_to_item import ItemToItem, keep_strongest

EASE_MAX_ITEMS = 20_000
EASE_MIN_ITEM_MASS = 2.0
KEEP_PER_ITEM = 200  # EASE links kept per item: measured no loss against the dense matrix on Online Retail


@dataclass(frozen=True)
class EaseParams:
    l2: float
    train_half_life_days: float | None
    history_half_life_days: float | None


@dataclass(frozen=True)
class KnnParams:
    neighbours: int
    shrinkage: float
    train_half_life_days: float | None
    history_half_life_days: float | None


def training_matrix(user_rows: np.ndarray, item_rows: np.ndarray, weights: np.ndarray, ages_days: np.ndarray,
                    shape: tuple[int, int], half_life_days: float | None) -> sp.csr_matrix:
    """Users x items, ``min(1, sum weight * 0.5 ** (age / half_life))``."""
    values = weights * (0.5 ** (np.maximum(ages_days, 0.0) / half_life_days) if half_life_days else 1.0)
    matrix = sp.csr_matrix((np.asarray(values, np.float32), (user_rows, item_rows)), shape=shape)
    matrix.sum_duplicates()
    np.minimum(matrix.data, 1.0, out=matrix.data)
    matrix.eliminate_zeros()
    return matrix


@dataclass
class Gram:
    """``X'X`` over the items with enough history (``active``), dense float32: the part of EASE shared by every ``l2``."""

    active: np.ndarray
    matrix: np.ndarray
    n_items: int
    buyers: np.ndarray  # per active item: how many users have it at all (kNN's cosine denominator)


def gram(matrix: sp.csr_matrix, min_mass: float = EASE_MIN_ITEM_MASS) -> Gram:
    """Items whose column holds less than ``min_mass`` (about two recent buyers) have no co-occurrence to learn from;
    leaving them out of the inverse costs them nothing and cuts its time by the cube of the share left out."""
    mass = np.asarray(matrix.sum(axis=0)).ravel()
    active = np.flatnonzero(mass >= min_mass)
    columns = matrix[:, active]
    buyers = np.asarray((columns > 0).sum(axis=0), dtype=np.float32).ravel()
    return Gram(active, np.asarray((columns.T @ columns).toarray(), dtype=np.float32), matrix.shape[1], buyers)


def ease_weights(gram_matrix: np.ndarray, l2: float) -> np.ndarray:
    """EASE's ``B`` from a Gram matrix (float32, zero diagonal); a Cholesky inverse, as ``X'X + l2 I`` is positive definite."""
    if not gram_matrix.shape[0]:  # no item has enough history yet (a young shop): LAPACK rejects an empty matrix
        return np.zeros((0, 0), np.float32)
    regularised = gram_matrix.copy()
    regularised[np.diag_indices_from(regularised)] += np.float32(l2)
    factor, info = lapack.spotrf(regularised, lower=False, overwrite_a=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"EASE: Cholesky failed (info {info})")
    inverse, info = lapack.spotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"EASE: inverse failed (info {info})")
    _mirror_upper(inverse)
    inverse /= -np.diag(inverse)[None, :].copy()
    np.fill_diagonal(inverse, 0.0)
    return inverse


def _mirror_upper(square: np.ndarray, block: int = 256) -> None:
    """Copy the upper triangle onto the lower in place (spotri fills only the upper), a band of columns at a time:
    np.triu builds masks and copies of the whole matrix, ~1 s a fit at 3,000 items against ~15 ms for this."""
    n = square.shape[0]
    for start in range(0, n, block):
        end = min(start + block, n)
        diagonal = square[start:end, start:end]
        diagonal[:] = np.triu(diagonal) + np.triu(diagonal, 1).T
        square[end:, start:end] = square[start:end, end:].T


def ease(gram_of: Gram, params: EaseParams, keep: int = KEEP_PER_ITEM) -> ItemToItem:
    return _in_catalog("ease", keep_strongest(ease_weights(gram_of.matrix, params.l2), keep), gram_of, params.history_half_life_days,
                       {"l2": params.l2, "train_half_life_days": params.train_half_life_days, "keep_per_item": keep})


def knn_from_gram(gram_of: Gram, params: KnnParams) -> ItemToItem:
    """Item kNN from the same Gram matrix as EASE (catalogs that allow it): no second pass over the users."""
    similarity = gram_of.matrix / (np.sqrt(np.outer(gram_of.buyers, gram_of.buyers)) + np.float32(params.shrinkage))
    np.fill_diagonal(similarity, 0.0)
    return _in_catalog("knn", keep_strongest(similarity, params.neighbours), gram_of, params.history_half_life_days,
                       {"neighbours": params.neighbours, "shrinkage": params.shrinkage, "train_half_life_days": params.train_half_life_days})


def _in_catalog(kind: str, strongest: sp.csr_matrix, gram_of: Gram, history_half_life_days, params: dict) -> ItemToItem:
    """Links among the active items, put back in the catalog's item indices."""
    links = sp.coo_matrix(strongest)
    active = gram_of.active
    matrix = sp.csr_matrix((links.data, (active[links.row], active[links.col])), shape=(gram_of.n_items, gram_of.n_items))
    return ItemToItem(kind, matrix, history_half_life_days, params | {"items": int(len(active))})


def knn(matrix: sp.csr_matrix, params: KnnParams) -> ItemToItem:
    """Item kNN for any catalog size: sparse co-occurrence, each item's strongest ``neighbours``."""
    binary = (matrix > 0).astype(np.float32).tocsc()
    counts = np.asarray(binary.sum(axis=0)).ravel()
    weighted = sp.csr_matrix(matrix, dtype=np.float32)
    co = (weighted.T @ weighted).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    coo = co.tocoo()
    similarity = coo.data / (np.sqrt(counts[coo.row] * counts[coo.col]) + params.shrinkage)
    similar = sp.csr_matrix((similarity.astype(np.float32), (coo.row, coo.col)), shape=co.shape)
    return ItemToItem("knn", keep_strongest(similar, params.neighbours), params.history_half_life_days,
                      {"neighbours": params.neighbours, "shrinkage": params.shrinkage,
                       "train_half_life_days": params.train_half_life_days})


def pad(item_to_item: ItemToItem, n_items: int) -> ItemToItem:
    """The same links over a longer item list (items appended later, e.g. cold items, have none)."""
    matrix = item_to_item.matrix
    if matrix.shape[0] == n_items:
        return item_to_item
    indptr = np.r_[matrix.indptr, np.full(n_items - matrix.shape[0], matrix.indptr[-1])]
    padded = sp.csr_matrix((matrix.data, matrix.indices, indptr), shape=(n_items, n_items))
    return ItemToItem(item_to_item.kind, padded, item_to_item.history_half_life_days, item_to_item.params)
