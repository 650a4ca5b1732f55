"""One training run: fit LightFM, check it against popularity on a holdout, choose the blend, refit on everything.

This is what the DB-facing training code calls (with rows it read) and what
the offline evaluation calls (with the training part of its split), so what
is evaluated is what is served.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from app.recommender.serving import embeddings as model
from app.recommender.training import baselines, blend_weight, lightfm_model
from app.recommender.training.features import Interactions, TrainingData, build_training_data
from app.recommender.training.splits import temporal_split

DEFAULT_VALIDATION_FRACTION = 0.15

Progress = Callable[[str], None]


@dataclass
class TrainingOptions:
    hyperparameters: lightfm_model.HyperParameters = field(default_factory=lightfm_model.HyperParameters)
    k: int = 10
    validation_fraction: float = DEFAULT_VALIDATION_FRACTION
    # Defaults measured in docs/quality.md (round 2 of the grid).
    half_life_days: float | None = 90.0  # recency decay of interaction weights; None: no decay
    compress_weights: bool = True
    identity_weight: float = 3.0  # see features.build_training_data
    seed: int = 0


@dataclass
class TrainedRecommender:
    embeddings: model.Embeddings
    data: TrainingData
    blend_weight: float
    validation: dict  # {"hybrid_raw": metrics, "popularity": metrics, "blend": metrics, "weights": {w: precision}}


def fit_embeddings(
    interactions: Interactions,
    item_features: Mapping[object, Sequence[str]] | None,
    user_features: Mapping[object, Sequence[str]] | None,
    options: TrainingOptions,
    now: float | None = None,
) -> tuple[model.Embeddings, TrainingData]:
    """Build the data set, fit LightFM, return its embeddings (with popularity) and the training data."""
    data = build_training_data(
        interactions, item_features, user_features, now=now, half_life_days=options.half_life_days,
        compress=options.compress_weights, identity_weight=options.identity_weight,
    )
    fitted = lightfm_model.fit(data, options.hyperparameters, seed=options.seed)
    emb = lightfm_model.embeddings_from_model(fitted, data, {"hyperparameters": options.hyperparameters.to_dict()})
    emb.item_popularity = baselines.popularity(data.interactions)
    return emb, data


def train_recommender(
    interactions: Interactions,
    item_features: Mapping[object, Sequence[str]] | None = None,
    user_features: Mapping[object, Sequence[str]] | None = None,
    options: TrainingOptions | None = None,
    *,
    now: float | None = None,
    add_cold_items: bool = True,
    progress: Progress | None = None,
) -> TrainedRecommender:
    """Train the served model.

    1. Carve the last ``validation_fraction`` of time off the interactions,
       fit on the rest, and measure the raw model, popularity and every blend
       weight on that holdout; keep the weight with the best precision@k.
    2. Refit on all interactions with the same settings; store the weight
       and popularity in the embeddings' metadata for serving.
    3. With ``add_cold_items``, items that have features but no interactions
       are appended, represented from their tokens alone.
    """
    options = options or TrainingOptions()
    say = progress or (lambda message: None)
    weight, validation = blend_weight.FALLBACK_WEIGHT, {}
    try:
        split = temporal_split(interactions, options.validation_fraction)
    except ValueError:
        split = None
    if split is not None and len(split.test):
        started = time.perf_counter()
        emb, data = fit_embeddings(split.train, item_features, user_features, options, now=split.cutoff)
        say(f"validation model fitted in {time.perf_counter() - started:.1f}s")
        validation_matrix = interaction_matrix(split.test, data)
        weight, per_weight = blend_weight.choose_weight(
            lambda users: model.score_users(emb, users), emb.item_popularity, validation_matrix, data.interactions, k=options.k
        )
        validation = {
            "hybrid_raw": per_weight[1.0],
            "popularity": per_weight[0.0],
            "blend": per_weight[weight],
            "precision_by_weight": {str(w): result.get("precision_at_k") for w, result in per_weight.items()},
        }
        say(f"blend weight {weight} (validation precision@{options.k}: raw {per_weight[1.0]['precision_at_k']:.4f}, "
            f"popularity {per_weight[0.0]['precision_at_k']:.4f}, blend {per_weight[weight]['precision_at_k']:.4f})")
    started = time.perf_counter()
    emb, data = fit_embeddings(interactions, item_features, user_features, options, now=now)
    say(f"final model fitted in {time.perf_counter() - started:.1f}s")
    emb.metadata.update({"blend_weight": weight, "validation": validation, "k": options.k, "half_life_days": options.half_life_days})
    if add_cold_items and item_features:
        emb = model.add_items(emb, {item: tokens for item, tokens in item_features.items() if item not in emb.item_index})
    return TrainedRecommender(emb, data, weight, validation)


def interaction_matrix(part: Interactions, data: TrainingData):
    """Binary users x items matrix of ``part`` in ``data``'s indices (rows of unknown ids dropped)."""
    user_index, item_index = data.user_index, data.item_index
    rows = np.array([user_index.get(u, -1) for u in part.user_ids], dtype=np.int64)
    cols = np.array([item_index.get(i, -1) for i in part.item_ids], dtype=np.int64)
    keep = (rows >= 0) & (cols >= 0)
    matrix = sp.coo_matrix(
        (np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])), shape=(len(data.user_ids), len(data.item_ids))
    ).tocsr()
    matrix.data[:] = 1.0
    return matrix
