"""Fitting the served model's signals, for settings already chosen, on one period of history.

The pipeline calls this twice: on the training part of the validation split
(to choose weights) and on everything (to serve), with the same settings.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from app.recommender.serving import embeddings as model
from app.recommender.serving.blend import standardise
from app.recommender.serving.history import SECONDS_PER_DAY, Histories
from app.recommender.serving.item_to_item import ItemToItem
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import item_to_item, popularity
from app.recommender.training.features import Interactions
from app.recommender.training.repeat_model import RepeatSettings, fit_repeat_model
from app.recommender.training.views import build_histories


@dataclass
class Period:
    """One period's interactions and purchases in the item and user indices of its LightFM model."""

    interactions: Interactions
    purchases: Interactions | None  # quantities as weights
    embeddings: model.Embeddings
    now: float

    @property
    def item_index(self) -> dict:
        return self.embeddings.item_index

    @property
    def user_index(self) -> dict:
        return self.embeddings.user_index

    def codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(user rows, item rows, keep mask)`` of the interactions in the model's indices."""
        users = self.interactions.codes("user", self.user_index)
        items = self.interactions.codes("item", self.item_index)
        keep = (users >= 0) & (items >= 0)
        return users[keep], items[keep], keep

    def training_matrix(self, half_life_days: float | None):
        users, items, keep = self.codes()
        ages = (self.now - self.interactions.timestamps[keep]) / SECONDS_PER_DAY
        shape = (len(self.embeddings.user_ids), len(self.embeddings.item_ids))
        return item_to_item.training_matrix(users, items, self.interactions.weights[keep], ages, shape, half_life_days)

    def latest(self) -> tuple[np.ndarray, np.ndarray]:
        users, items, keep = self.codes()
        return popularity.latest_per_pair(users, items, self.interactions.timestamps[keep])

    def histories(self, user_tokens: Mapping | None = None) -> Histories:
        """Every trained user's history (nothing excluded): what the repeat model learns from."""
        return build_histories(self.embeddings.user_ids, self.interactions, self.purchases, self.item_index, self.user_index,
                               user_tokens, exclude_history=False)


def categories_of(item_ids: Sequence, item_features: Mapping | None) -> np.ndarray | None:
    """Each item's first ``category:`` token as an integer code (-1: none); None when no item has one."""
    if not item_features:
        return None
    names: dict[str, int] = {}
    codes = np.full(len(item_ids), -1, np.int64)
    for n, item in enumerate(item_ids):
        category = next((token for token in item_features.get(item, ()) if token.startswith("category:")), None)
        if category is not None:
            codes[n] = names.setdefault(category, len(names))
    return codes if names else None


def fit_item_to_item(period: Period, settings: Mapping[str, dict]) -> dict[str, ItemToItem]:
    """``{"ease": params, "knn": params}`` fitted on ``period``: one Gram matrix per decay, shared by both when they can.

    kNN comes from the Gram matrix when EASE has one at its decay (catalogs up
    to EASE_MAX_ITEMS), from sparse co-occurrence otherwise.
    """
    fitted = {}
    dense = len(period.embeddings.item_ids) <= item_to_item.EASE_MAX_ITEMS
    for train_half_life in dict.fromkeys(params["train_half_life_days"] for params in settings.values()):
        names = [name for name, params in settings.items() if params["train_half_life_days"] == train_half_life]
        matrix = period.training_matrix(train_half_life)
        gram = item_to_item.gram(matrix) if dense else None
        for name in names:
            if name == "ease" and gram is not None:
                fitted[name] = item_to_item.ease(gram, item_to_item.EaseParams(**settings[name]))
            elif name == "knn":
                params = item_to_item.KnnParams(**settings[name])
                fitted[name] = item_to_item.knn_from_gram(gram, params) if gram is not None else item_to_item.knn(matrix, params)
        del gram
    return fitted


def affinity_scorer(served: ServedModel):
    """``(histories, now) -> rows x items`` item-to-item z-scores (the repeat model's affinity feature, as serving reads it)."""
    source = served.affinity_signal()
    if source is None:
        return None
    return lambda histories, now: standardise(served.item_to_item[source].scores(histories, now))


def fit_served(
    period: Period, popularity_params: popularity.PopularityParams, i2i: Mapping[str, dict],
    repeat: RepeatSettings | None, categories: np.ndarray | None,
) -> ServedModel:
    """The served model's signals for ``period`` with the given settings (blend weights are set by the caller).

    ``i2i``: ``{"ease": params, "knn": params}`` (either may be absent).
    """
    items, latest = period.latest()
    n_items = len(period.embeddings.item_ids)
    served = ServedModel(
        embeddings=period.embeddings,
        popularity=popularity.recent_popularity(items, latest, n_items, period.now, popularity_params),
        item_to_item=fit_item_to_item(period, i2i),
        trained_until=period.now,
    )
    if repeat is not None and period.purchases is not None and len(period.purchases):
        served.repeat = fit_repeat_model(period.histories(), n_items, period.now, categories, affinity_scorer(served), repeat)
    return served


def with_cold_items(served: ServedModel, item_tokens: Mapping) -> ServedModel:
    """Append items that have features but no interactions: vectors from their tokens, popularity from their neighbours."""
    emb = model.add_items(served.embeddings, item_tokens)
    added = len(emb.item_ids) - served.n_items
    if not added:
        return served
    cold = np.arange(served.n_items, len(emb.item_ids))
    padded_popularity = np.r_[served.popularity, np.zeros(added, np.float32)]
    result = replace(
        served, embeddings=emb, popularity=popularity.with_cold_prior(padded_popularity, emb.item_vectors, cold),
        item_to_item={name: item_to_item.pad(signal, len(emb.item_ids)) for name, signal in served.item_to_item.items()},
    )
    if served.repeat is not None:
        shop_rate = float(np.median(served.repeat.product_rate)) if len(served.repeat.product_rate) else 0.0
        result.repeat = replace(served.repeat, product_rate=np.r_[served.repeat.product_rate, np.full(added, shop_rate)],
                                season=np.r_[served.repeat.season, np.zeros(added)])
    return result

