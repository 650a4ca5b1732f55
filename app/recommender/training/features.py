"""Training data: interaction rows, their recency-decayed weights, and the LightFM ``Dataset``.

Everything here takes plain Python inputs (external ids, tokens from
:mod:`app.recommender.serving.tokens`, numbers) so the DB-facing training code
and the offline evaluation share it. Identity features (one per item / user
id, LightFM's convention) are added by :func:`build_training_data`, so a known
item keeps its own latent factors while a new one is represented by its tokens alone.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from lightfm.data import Dataset


def recency_decay(age_seconds: np.ndarray | float, half_life_days: float | None) -> np.ndarray | float:
    """``0.5 ** (age / half_life)``; 1 when ``half_life_days`` is None. Negative ages count as 0."""
    if half_life_days is None:
        return np.ones_like(np.asarray(age_seconds, dtype=float)) if np.ndim(age_seconds) else 1.0
    age = np.maximum(np.asarray(age_seconds, dtype=float), 0.0)
    return 0.5 ** (age / (half_life_days * 86400.0))


@dataclass
class Interactions:
    """Interaction rows as parallel arrays: external ids (object arrays), weights, UNIX timestamps."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    weights: np.ndarray
    timestamps: np.ndarray
    _codes: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_tuples(cls, rows: Iterable[tuple]) -> Interactions:
        """From ``(user_id, item_id, weight, timestamp)`` tuples (timestamp in UNIX seconds)."""
        rows = list(rows)
        users = np.empty(len(rows), dtype=object)
        items = np.empty(len(rows), dtype=object)
        users[:] = [row[0] for row in rows]
        items[:] = [row[1] for row in rows]
        weights = np.array([row[2] for row in rows], dtype=float)
        timestamps = np.array([row[3] for row in rows], dtype=float)
        return cls(users, items, weights, timestamps)

    def __len__(self) -> int:
        return len(self.user_ids)

    def subset(self, mask: np.ndarray) -> Interactions:
        return Interactions(self.user_ids[mask], self.item_ids[mask], self.weights[mask], self.timestamps[mask])

    def codes(self, column: str, index: Mapping) -> np.ndarray:
        """``index[id]`` of every row's user or item id (-1 where absent), remembered per index object.

        Several views and models map the same rows through the same index; a
        dict lookup per row is the slow part, so it is done once.
        """
        key = (column, id(index))
        cached = self._codes.get(key)
        if cached is None or cached[0] is not index:
            values = getattr(self, f"{column}_ids").tolist()
            cached = self._codes[key] = (index, np.fromiter((index.get(v, -1) for v in values), dtype=np.int64, count=len(values)))
        return cached[1]


def aggregate(
    interactions: Interactions, now: float | None = None, half_life_days: float | None = None, compress: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One weight per distinct (user, item): the sum of decayed weights, then ``log1p`` if ``compress``.

    ``compress`` keeps a shopper who bought one item fifty times from
    dominating the loss (LightFM multiplies each sample's gradient by its weight).
    Returns ``(user_ids, item_ids, weights)`` of the distinct pairs.
    """
    pairs = _aggregate_pairs(interactions, now, half_life_days, compress)
    return pairs.user_index[pairs.user_codes], pairs.item_index[pairs.item_codes], pairs.values


@dataclass
class _Pairs:
    """Distinct (user, item) pairs as codes into ``user_index`` / ``item_index`` (distinct ids), with their weights."""

    user_codes: np.ndarray
    item_codes: np.ndarray
    values: np.ndarray
    user_index: np.ndarray
    item_index: np.ndarray


def _aggregate_pairs(interactions: Interactions, now: float | None, half_life_days: float | None, compress: bool) -> _Pairs:
    if len(interactions) == 0:
        empty, no_codes = np.empty(0, dtype=object), np.empty(0, np.int64)
        return _Pairs(no_codes, no_codes.copy(), np.empty(0), empty, empty.copy())
    now = float(interactions.timestamps.max()) if now is None else now
    weights = interactions.weights * recency_decay(now - interactions.timestamps, half_life_days)
    user_codes, user_index = _factorize(interactions.user_ids)
    item_codes, item_index = _factorize(interactions.item_ids)
    matrix = sp.coo_matrix((weights, (user_codes, item_codes)), shape=(len(user_index), len(item_index))).tocsr()
    matrix.sum_duplicates()
    coo = matrix.tocoo()
    keep = coo.data > 0
    values = np.log1p(coo.data[keep]) if compress else coo.data[keep]
    return _Pairs(coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), values, user_index, item_index)


def _in_order_of_appearance(codes: np.ndarray, index: np.ndarray) -> tuple[list, np.ndarray]:
    """The ids of ``codes`` in order of first appearance (``dict.fromkeys`` of them), and each code's position in that list."""
    _, first = np.unique(codes, return_index=True)
    ordered = codes[np.sort(first)]
    position = np.full(len(index), -1, np.int64)
    position[ordered] = np.arange(len(ordered))
    return index[ordered].tolist(), position


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct values, in order of first appearance."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    uniques = np.empty(len(index), dtype=object)
    uniques[:] = list(index)
    return codes, uniques


@dataclass
class TrainingData:
    """What LightFM trains on, with the id mappings to turn results back into external ids."""

    dataset: Dataset
    interactions: sp.coo_matrix  # users x items, 1 where any interaction
    weights: sp.coo_matrix  # users x items, aggregated weights
    user_features: sp.csr_matrix | None
    item_features: sp.csr_matrix | None
    user_ids: list  # external id of each internal user index
    item_ids: list
    user_feature_names: list[str] = field(default_factory=list)
    item_feature_names: list[str] = field(default_factory=list)

    @property
    def user_index(self) -> dict:
        return self.dataset.mapping()[0]

    @property
    def item_index(self) -> dict:
        return self.dataset.mapping()[2]


def build_training_data(
    interactions: Interactions,
    item_features: Mapping[object, Sequence[str]] | None = None,
    user_features: Mapping[object, Sequence[str]] | None = None,
    *,
    now: float | None = None,
    half_life_days: float | None = None,
    compress: bool = True,
    identity_weight: float = 1.0,
) -> TrainingData:
    """A LightFM ``Dataset`` and its matrices from interaction rows and per-id token lists.

    Users and items are those that occur in ``interactions``; tokens of ids
    absent from it are ignored (they never get trained). ``item_features`` /
    ``user_features`` None means identity features only (pure collaborative
    filtering). Feature rows are L1-normalised (LightFM's default), so an
    item's representation is the mean of its identity and token embeddings;
    ``identity_weight`` > 1 gives the identity feature that many tokens' share
    before normalising (more room for what is specific to a known item).
    """
    pairs = _aggregate_pairs(interactions, now, half_life_days, compress)
    user_ids, user_position = _in_order_of_appearance(pairs.user_codes, pairs.user_index)
    item_ids, item_position = _in_order_of_appearance(pairs.item_codes, pairs.item_index)
    item_rows = _feature_rows(item_ids, item_features)
    user_rows = _feature_rows(user_ids, user_features)
    dataset = Dataset(user_identity_features=True, item_identity_features=True)
    dataset.fit(
        users=user_ids,
        items=item_ids,
        user_features=_vocabulary(user_rows) if user_features is not None else None,
        item_features=_vocabulary(item_rows) if item_features is not None else None,
    )
    # What Dataset.build_interactions returns, built from the codes at once instead of a Python loop over the pairs.
    rows, cols = user_position[pairs.user_codes].astype(np.int32), item_position[pairs.item_codes].astype(np.int32)
    shape = dataset.interactions_shape()
    matrix = sp.coo_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=shape)
    weight_matrix = sp.coo_matrix((pairs.values.astype(np.float32), (rows.copy(), cols.copy())), shape=shape)
    built_items = built_users = None
    if item_features is not None:
        built_items = _normalised(dataset.build_item_features(item_rows, normalize=False), len(item_ids), identity_weight)
    if user_features is not None:
        built_users = _normalised(dataset.build_user_features(user_rows, normalize=False), len(user_ids), identity_weight)
    _, user_feature_map, _, item_feature_map = dataset.mapping()
    return TrainingData(
        dataset=dataset,
        interactions=matrix,
        weights=weight_matrix,
        user_features=built_users,
        item_features=built_items,
        user_ids=user_ids,
        item_ids=item_ids,
        user_feature_names=_names_by_index(user_feature_map),
        item_feature_names=_names_by_index(item_feature_map),
    )


def _normalised(matrix: sp.csr_matrix, n_ids: int, identity_weight: float) -> sp.csr_matrix:
    """Scale the identity columns (the first ``n_ids``: Dataset.fit adds ids before tokens), then L1-normalise rows."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    if identity_weight != 1.0:
        matrix.data[matrix.indices < n_ids] *= identity_weight
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    return (sp.diags(1.0 / np.where(sums > 0, sums, 1.0)).astype(np.float32) @ matrix).tocsr()


def _feature_rows(ids: list, features: Mapping[object, Sequence[str]] | None) -> list[tuple[object, list[str]]]:
    if not features:
        return []
    return [(entity_id, list(dict.fromkeys(features[entity_id]))) for entity_id in ids if features.get(entity_id)]


def _vocabulary(rows: list[tuple[object, list[str]]]) -> list[str]:
    vocabulary: dict[str, None] = {}
    for _, tokens in rows:
        for token in tokens:
            vocabulary.setdefault(token, None)
    return list(vocabulary)


def _names_by_index(mapping: dict) -> list:
    names = [None] * len(mapping)
    for name, index in mapping.items():
        names[index] = name
    return names
