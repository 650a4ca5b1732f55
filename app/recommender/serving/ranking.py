"""The served ranking: one function for a block of visitors, used by `personalized` and by the offline evaluation.

:func:`score_block` computes the signals of every row (LightFM hybrid,
item-to-item by EASE and by kNN, recent popularity, repeat), blends them with the weights of
each row's history bucket and applies the filters of ``personalized``:

- a visitor's recent views are never recommended back (they belong to
  ``recently_viewed``), nor anything the caller excludes;
- products the visitor bought come back only when the blend has a repeat
  signal (measured, at training, with bought products competing); without one
  they are left to ``buy_again``.

Filtered items score ``-inf``. :func:`rank` is the same for one visitor.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from app.recommender.serving import embeddings as model
from app.recommender.serving.blend import BlendWeights, blend_by_bucket, standardise
from app.recommender.serving.history import Histories, VisitorHistory, from_visitor
from app.recommender.serving.repeat import pair_history, pair_timing, repeat_scores
from app.recommender.serving.served_model import ServedModel


def user_vectors(served: ServedModel, histories: Histories) -> tuple[np.ndarray, np.ndarray]:
    """Each row's LightFM ``(vector, bias)``: trained, or folded in from feature tokens; plus its session items.

    The session term is ``s * mean(q_i)`` over the row's session items (see
    embeddings.fold_in_user), so items near what the visitor just did rise.
    """
    emb = served.embeddings
    vectors = np.zeros((histories.n_rows, emb.dim), np.float32)
    biases = np.zeros(histories.n_rows, np.float32)
    known = histories.user_rows >= 0
    vectors[known] = emb.user_vectors[histories.user_rows[known]]
    biases[known] = emb.user_biases[histories.user_rows[known]]
    for row in np.flatnonzero(~known):
        vectors[row], biases[row], _ = model.mean_of_known(
            histories.feature_tokens[row], emb.user_feature_index, emb.user_feature_vectors, emb.user_feature_biases
        )
    if len(histories.session_rows) and histories.n_rows == 1:
        # One visitor: the mean of their distinct session items' vectors, without building a sparse matrix.
        mean_items = emb.item_vectors[np.unique(histories.session_items)].mean(axis=0, dtype=np.float32)
        vectors[0] += np.float32(emb.recent_items_scale) * mean_items
    elif len(histories.session_rows):
        session = sp.csr_matrix(
            (np.ones(len(histories.session_rows), np.float32), (histories.session_rows, histories.session_items)),
            shape=(histories.n_rows, served.n_items),
        )
        session.data[:] = 1.0
        counts = np.asarray(session.sum(axis=1)).ravel()
        mean_items = (sp.diags(1.0 / np.maximum(counts, 1.0)).astype(np.float32) @ session) @ emb.item_vectors
        vectors += np.float32(emb.recent_items_scale) * np.asarray(mean_items, np.float32)
    return vectors, biases


def signal_block(served: ServedModel, histories: Histories, now: float, names: set[str] | None = None) -> dict[str, np.ndarray]:
    """The standardised signals ``names`` (default: those the blend uses) of every row; popularity is one shared row."""
    names = set(served.blend.signals() if names is None else names) & served.signals_available()
    emb = served.embeddings
    signals: dict[str, np.ndarray] = {}
    if "popularity" in names:
        signals["popularity"] = served.popularity_z
    if "hybrid" in names:
        vectors, biases = user_vectors(served, histories)
        signals["hybrid"] = standardise(vectors @ emb.item_vectors.T + emb.item_biases[None, :] + biases[:, None])
    source = served.affinity_signal() if "repeat" in names else None
    for name, signal in served.item_to_item.items():
        if name in names or name == source:
            signals[name] = standardise(signal.scores(histories, now))
    affinity = signals.get(source) if source else None
    if "repeat" in names:
        scores = repeat_scores(served.repeat, histories, now, served.n_items, affinity)
        signals["repeat"] = scores / np.float32(served.repeat.signal_scale)
    return {name: value for name, value in signals.items() if name in names}


def apply_filters(scores: np.ndarray, histories: Histories, allow_purchases: bool) -> np.ndarray:
    """``personalized``'s filters, in place: excluded items and (unless ``allow_purchases``) bought ones get -inf."""
    scores[histories.exclude_rows, histories.exclude_items] = -np.inf
    if not allow_purchases:
        scores[histories.purchase_rows, histories.purchase_items] = -np.inf
    return scores


def allows_purchases(weights: BlendWeights) -> bool:
    return "repeat" in weights.signals()


def score_block(served: ServedModel, histories: Histories, now: float, weights: BlendWeights | None = None) -> np.ndarray:
    """The served scores of every row over every item (rows x items, float32; ``-inf`` where filtered)."""
    weights = weights or served.blend
    signals = signal_block(served, histories, now, weights.signals())
    scores = blend_by_bucket(signals, weights, histories.buckets(), served.n_items)
    return apply_filters(scores, histories, allows_purchases(weights))


def rank(served: ServedModel, visitor: VisitorHistory, k: int, now: float, exclude_item_ids: Sequence = ()) -> list[tuple[object, float]]:
    """The served ranking for one visitor: ``[(item_id, score)]``, best first, filtered as ``personalized`` is."""
    emb = served.embeddings
    histories = from_visitor(visitor, emb.item_index, emb.user_index, served.trained_until, exclude_item_ids)
    if histories.is_blank():
        blank = served.blank_scores(tuple(histories.feature_tokens[0]),
                                    lambda: score_block(served, histories.without_exclusions(), now)[0])
        scores = apply_filters(blank[None, :].copy(), histories, allows_purchases(served.blend))[0]
    else:
        scores = score_block(served, histories, now)[0]
    finite = np.isfinite(scores)
    return [(emb.item_ids[i], float(scores[i])) for i in model.top_k(scores, k, np.flatnonzero(~finite)) if finite[i]]


def restock_block(served: ServedModel, histories: Histories, now: float) -> np.ndarray:
    """``buy_again``'s scores: each bought product's probability of being bought again within the horizon (0 elsewhere)."""
    if served.repeat is None:
        return np.zeros((histories.n_rows, served.n_items), np.float32)
    source = served.affinity_signal()
    affinity = standardise(served.item_to_item[source].scores(histories, now)) if source else None
    return repeat_scores(served.repeat, histories, now, served.n_items, affinity)


def restock(served: ServedModel, visitor: VisitorHistory, k: int, now: float) -> list[tuple[object, float]]:
    """``[(item_id, probability)]`` of the visitor's bought products, most likely to be bought now first."""
    emb = served.embeddings
    histories = from_visitor(visitor, emb.item_index, emb.user_index, served.trained_until)
    scores = restock_block(served, histories, now)[0]
    return [(emb.item_ids[i], float(scores[i])) for i in model.top_k(scores, k, np.flatnonzero(scores <= 0))]


def due_restocks(served: ServedModel, visitor: VisitorHistory, now: float) -> list[tuple[object, float]]:
    """``[(item_id, probability)]`` of the visitor's bought products that are due now, most likely to be bought first.

    Due, in the hazard's own terms (repeat.py): the expected interval between
    purchases of the product (censored, shrunk toward the product's rate,
    normalised by the last quantity) has passed since the last one,
    ``due = (age + 1) / interval >= 1``; and the last one is within the age
    limit (``max_age_days``), past which it is discovery again. The interval
    counts the wait since the last purchase (censoring), so it grows while the
    customer waits: with fewer than one pseudo-purchase of shrinkage (the
    default 0.5) a product bought once is never due; it takes a rhythm.
    """
    if served.repeat is None:
        return []
    emb = served.embeddings
    histories = from_visitor(visitor, emb.item_index, emb.user_index, served.trained_until)
    pairs = pair_history(histories)
    if not len(pairs.rows):
        return []
    timing = pair_timing(pairs, now, served.repeat.product_rate, served.repeat.strength)
    due_items = pairs.items[(timing.due >= 1.0) & (timing.age <= served.repeat.max_age_days)]
    if not len(due_items):
        return []  # most customers on most days: no need to score
    probability = restock_block(served, histories, now)[0]
    due = [(int(item), float(probability[item])) for item in due_items]
    return [(emb.item_ids[item], chance) for item, chance in sorted(due, key=lambda pair: -pair[1]) if chance > 0]
