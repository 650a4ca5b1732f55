"""The LightFM model: its hyperparameters, fitting, and turning a fitted model into servable embeddings.

The only module that imports LightFM; the web process never loads it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np
from lightfm import LightFM

from app.recommender.serving.embeddings import Embeddings, f32
from app.recommender.training.features import TrainingData


@dataclass
class HyperParameters:
    """LightFM settings. Defaults chosen by the grid in docs/quality.md (Online Retail, temporal split)."""

    loss: str = "warp"
    no_components: int = 48
    epochs: int = 30
    learning_rate: float = 0.1
    item_alpha: float = 1e-6
    user_alpha: float = 1e-6
    max_sampled: int = 10
    num_threads: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


def fit(data: TrainingData, hyperparameters: HyperParameters | None = None, seed: int = 0) -> LightFM:
    """Train LightFM on ``data`` (features used when the data has them)."""
    hp = hyperparameters or HyperParameters()
    model = _model(hp, seed)
    _fit_more(model, data, hp, hp.epochs)
    return model


def fit_in_steps(data: TrainingData, hyperparameters: HyperParameters, seed: int, step: int) -> Iterator[tuple[int, LightFM]]:
    """Fit up to ``hyperparameters.epochs``, yielding ``(epochs so far, model)`` every ``step`` epochs (and at the end).

    The same epochs as :func:`fit` with the same seed: stopping after ``n``
    of them leaves the model ``fit`` would give with ``epochs=n``.
    """
    model, done = _model(hyperparameters, seed), 0
    while done < hyperparameters.epochs:
        epochs = min(step, hyperparameters.epochs - done)
        _fit_more(model, data, hyperparameters, epochs)
        done += epochs
        yield done, model


def _model(hp: HyperParameters, seed: int) -> LightFM:
    return LightFM(
        no_components=hp.no_components,
        loss=hp.loss,
        learning_rate=hp.learning_rate,
        item_alpha=hp.item_alpha,
        user_alpha=hp.user_alpha,
        max_sampled=hp.max_sampled,
        random_state=np.random.RandomState(seed),
    )


def _fit_more(model: LightFM, data: TrainingData, hp: HyperParameters, epochs: int) -> None:
    model.fit_partial(
        data.interactions,
        user_features=data.user_features,
        item_features=data.item_features,
        # WARP-kOS cannot take sample weights; the others scale each sample's gradient by it.
        sample_weight=None if hp.loss == "warp-kos" else data.weights,
        epochs=epochs,
        num_threads=hp.num_threads,
    )


def embeddings_from_model(model: LightFM, data: TrainingData, metadata: dict | None = None) -> Embeddings:
    item_biases, item_vectors = model.get_item_representations(data.item_features)
    user_biases, user_vectors = model.get_user_representations(data.user_features)
    item_tokens = _token_rows(data.item_feature_names, set(data.item_ids))
    user_tokens = _token_rows(data.user_feature_names, set(data.user_ids))
    return Embeddings(
        item_ids=list(data.item_ids),
        item_vectors=f32(item_vectors),
        item_biases=f32(item_biases),
        user_ids=list(data.user_ids),
        user_vectors=f32(user_vectors),
        user_biases=f32(user_biases),
        item_feature_names=[data.item_feature_names[i] for i in item_tokens],
        item_feature_vectors=f32(model.item_embeddings[item_tokens]),
        item_feature_biases=f32(model.item_biases[item_tokens]),
        user_feature_names=[data.user_feature_names[i] for i in user_tokens],
        user_feature_vectors=f32(model.user_embeddings[user_tokens]),
        user_feature_biases=f32(model.user_biases[user_tokens]),
        metadata=dict(metadata or {}),
    )


def _token_rows(names: list, identity_ids: set) -> np.ndarray:
    # Identity features are named by the ids themselves; tokens carry a "prefix:".
    return np.array([i for i, name in enumerate(names) if name not in identity_ids], dtype=np.int64)
