"""Serving from a trained model's embeddings, without LightFM.

Training produces an :class:`Embeddings`: plain ``float32`` numpy arrays of
item and user representations (LightFM's ``get_item_representations`` /
``get_user_representations``) plus the per-feature embeddings, so that new
items and new or returning visitors can be represented from their tokens at
request time. Scoring a user over the whole catalog is one matrix-vector
product; picking the top k is one ``argpartition``.

Scores: LightFM predicts ``q_i . p_u + b_i + b_u`` where ``q_i = sum_f x_if e_f``
over the item's (L1-normalised) feature row, likewise ``p_u`` for the user.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

ARRAYS_FILE = "embeddings.npz"
MAPPINGS_FILE = "embeddings.json"
FORMAT_VERSION = 1


@dataclass
class Embeddings:
    """Everything serving needs, in external ids and float32 arrays; no LightFM object.

    ``item_feature_*`` / ``user_feature_*`` hold the embeddings of the
    feature tokens (``word:...``, ``country:...``), not the identity features.
    ``item_popularity`` is all-time popularity (distinct users per item); the
    blend of signals lives next to the embeddings (served_model.py).
    """

    item_ids: list
    item_vectors: np.ndarray
    item_biases: np.ndarray
    user_ids: list
    user_vectors: np.ndarray
    user_biases: np.ndarray
    item_feature_names: list[str] = field(default_factory=list)
    item_feature_vectors: np.ndarray | None = None
    item_feature_biases: np.ndarray | None = None
    user_feature_names: list[str] = field(default_factory=list)
    user_feature_vectors: np.ndarray | None = None
    user_feature_biases: np.ndarray | None = None
    item_popularity: np.ndarray | None = None
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        dim = self.item_vectors.shape[1]
        for name in ("item_feature", "user_feature"):
            if getattr(self, f"{name}_vectors") is None:
                setattr(self, f"{name}_vectors", np.zeros((0, dim), np.float32))
                setattr(self, f"{name}_biases", np.zeros(0, np.float32))
        if self.item_popularity is None:
            self.item_popularity = np.zeros(len(self.item_ids), np.float32)

    @property
    def dim(self) -> int:
        return self.item_vectors.shape[1]

    @cached_property
    def item_index(self) -> dict:
        return {item_id: index for index, item_id in enumerate(self.item_ids)}

    @cached_property
    def user_index(self) -> dict:
        return {user_id: index for index, user_id in enumerate(self.user_ids)}

    @cached_property
    def item_feature_index(self) -> dict:
        return {name: index for index, name in enumerate(self.item_feature_names)}

    @cached_property
    def user_feature_index(self) -> dict:
        return {name: index for index, name in enumerate(self.user_feature_names)}

    @cached_property
    def unit_item_vectors(self) -> np.ndarray:
        norms = np.linalg.norm(self.item_vectors, axis=1, keepdims=True)
        return (self.item_vectors / np.maximum(norms, 1e-12)).astype(np.float32)

    @cached_property
    def recent_items_scale(self) -> float:
        """Median user-vector norm over median item-vector norm (see :func:`fold_in_user`)."""
        user_norm = float(np.median(np.linalg.norm(self.user_vectors, axis=1))) if len(self.user_ids) else 1.0
        item_norm = float(np.median(np.linalg.norm(self.item_vectors, axis=1))) if len(self.item_ids) else 1.0
        return user_norm / item_norm if item_norm > 0 else 1.0


def f32(array) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


def score_user(emb: Embeddings, user_vector: np.ndarray, user_bias: float = 0.0) -> np.ndarray:
    """LightFM's prediction for every item in ``emb``: one matrix-vector product."""
    return emb.item_vectors @ np.asarray(user_vector, np.float32) + emb.item_biases + np.float32(user_bias)


def score_users(emb: Embeddings, user_indices: np.ndarray) -> np.ndarray:
    """Scores of several known users (rows) over all items (columns)."""
    return emb.user_vectors[user_indices] @ emb.item_vectors.T + emb.item_biases[None, :] + emb.user_biases[user_indices, None]


def top_k(scores: np.ndarray, k: int, exclude_indices: Iterable[int] | None = None) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first, never one of ``exclude_indices``.

    ``argpartition`` then a sort of only ``k`` entries: O(n + k log k).
    """
    scores = np.asarray(scores, dtype=np.float64)
    exclude = np.fromiter(exclude_indices, dtype=np.int64) if exclude_indices is not None else np.empty(0, np.int64)
    if exclude.size:
        scores = scores.copy()
        scores[exclude] = -np.inf
    available = scores.size - np.unique(exclude).size
    k = max(0, min(k, available))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    candidates = np.argpartition(scores, scores.size - k)[scores.size - k:] if k < scores.size else np.arange(scores.size)
    order = np.lexsort((candidates, -scores[candidates]))  # by score, ties by index: deterministic
    return candidates[order].astype(np.int64)


def mean_of_known(names: Iterable[str], index: dict, vectors: np.ndarray, biases: np.ndarray) -> tuple[np.ndarray, float, int]:
    rows = [index[name] for name in dict.fromkeys(names) if name in index]
    if not rows:
        return np.zeros(vectors.shape[1], np.float32), 0.0, 0
    return vectors[rows].mean(axis=0), float(biases[rows].mean()), len(rows)


def item_vector_from_features(emb: Embeddings, tokens: Iterable[str]) -> tuple[np.ndarray, float]:
    """A new item's ``(vector, bias)``: the mean of its known tokens' embeddings.

    That is LightFM's own representation of an item whose normalised feature
    row holds only these tokens (no identity feature: the item was never
    trained). Unknown tokens are ignored; with none known the item is the zero vector.
    """
    vector, bias, _ = mean_of_known(tokens, emb.item_feature_index, emb.item_feature_vectors, emb.item_feature_biases)
    return vector, bias


def fold_in_user(
    emb: Embeddings,
    feature_tokens: Iterable[str] = (),
    recent_item_ids: Sequence = (),
    user_id=None,
    recent_weight: float = 1.0,
) -> tuple[np.ndarray, float]:
    """A user's ``(vector, bias)`` at request time, without retraining.

    ``p = p_base + recent_weight * s * mean(q_i for i in recent items)`` where

    - ``p_base`` is the trained representation when ``user_id`` is known, else
      the mean of the embeddings of the user's known feature tokens (LightFM's
      representation of a user whose normalised row holds only those tokens);
      zero when neither is known.
    - ``q_i`` are the recent items' representations (unknown ids skipped), so
      the added term scores item ``j`` by ``q_j . mean(q_i)``: items the model
      places near what the visitor just looked at rise.
    - ``s`` (``emb.recent_items_scale``) rescales item-space norms to user-space
      norms, so ``recent_weight=1`` weighs the session like a typical user.
    """
    if user_id is not None and user_id in emb.user_index:
        row = emb.user_index[user_id]
        base, bias = emb.user_vectors[row].copy(), float(emb.user_biases[row])
    else:
        base, bias, _ = mean_of_known(feature_tokens, emb.user_feature_index, emb.user_feature_vectors, emb.user_feature_biases)
    rows = [emb.item_index[item] for item in recent_item_ids if item in emb.item_index]
    if rows and recent_weight:
        base = base + np.float32(recent_weight * emb.recent_items_scale) * emb.item_vectors[rows].mean(axis=0)
    return base.astype(np.float32), bias


def similar_items(emb: Embeddings, item, k: int = 10) -> list[tuple[object, float]]:
    """The ``k`` items most cosine-similar to ``item``: a known external id, or a vector (e.g. from features)."""
    if isinstance(item, np.ndarray):
        query, exclude = item, None
    else:
        if item not in emb.item_index:
            raise KeyError(f"unknown item {item!r}")
        query, exclude = emb.item_vectors[emb.item_index[item]], [emb.item_index[item]]
    norm = float(np.linalg.norm(query))
    if norm == 0:
        return []
    similarity = emb.unit_item_vectors @ (np.asarray(query, np.float32) / np.float32(norm))
    return [(emb.item_ids[i], float(similarity[i])) for i in top_k(similarity, k, exclude)]


def add_items(emb: Embeddings, item_tokens: dict) -> Embeddings:
    """A copy of ``emb`` with new items (``{item_id: tokens}``) represented from their tokens alone."""
    new = [item for item in item_tokens if item not in emb.item_index]
    if not new:
        return emb
    pairs = [item_vector_from_features(emb, item_tokens[item]) for item in new]
    vectors = np.vstack([vector for vector, _ in pairs]).astype(np.float32)
    biases = np.array([bias for _, bias in pairs], np.float32)
    return Embeddings(
        item_ids=emb.item_ids + new,
        item_vectors=np.vstack([emb.item_vectors, vectors]),
        item_biases=np.concatenate([emb.item_biases, biases]),
        user_ids=emb.user_ids,
        user_vectors=emb.user_vectors,
        user_biases=emb.user_biases,
        item_feature_names=emb.item_feature_names,
        item_feature_vectors=emb.item_feature_vectors,
        item_feature_biases=emb.item_feature_biases,
        user_feature_names=emb.user_feature_names,
        user_feature_vectors=emb.user_feature_vectors,
        user_feature_biases=emb.user_feature_biases,
        item_popularity=np.concatenate([emb.item_popularity, np.zeros(len(new), np.float32)]),
        metadata=dict(emb.metadata, cold_items=emb.metadata.get("cold_items", 0) + len(new)),
    )


_ARRAYS = (
    "item_vectors",
    "item_biases",
    "user_vectors",
    "user_biases",
    "item_feature_vectors",
    "item_feature_biases",
    "user_feature_vectors",
    "user_feature_biases",
    "item_popularity",
)
_LISTS = ("item_ids", "user_ids", "item_feature_names", "user_feature_names")


def save(emb: Embeddings, directory: Path | str) -> None:
    """Write ``embeddings.npz`` (arrays) and ``embeddings.json`` (ids, feature names, metadata) into ``directory``.

    Ids must be JSON values (strings or integers). No pickle: loading needs only numpy.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    np.savez(directory / ARRAYS_FILE, **{name: getattr(emb, name) for name in _ARRAYS})
    document = {"format": FORMAT_VERSION, "metadata": emb.metadata}
    document.update({name: list(getattr(emb, name)) for name in _LISTS})
    (directory / MAPPINGS_FILE).write_text(json.dumps(document), encoding="utf-8")


def load(directory: Path | str) -> Embeddings:
    directory = Path(directory)
    document = json.loads((directory / MAPPINGS_FILE).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported embeddings format {document.get('format')!r} in {directory}")
    with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
        loaded = {name: arrays[name].astype(np.float32) for name in _ARRAYS}
    return Embeddings(**loaded, **{name: document[name] for name in _LISTS}, metadata=document["metadata"])
