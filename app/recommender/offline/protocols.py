"""The three protocols of ``flask evaluate --protocol``: each model of each, on validation and on test.

One global temporal cutoff; the served pipeline (training/pipeline.py) is
trained on everything before it exactly as a shop's model is, choosing its
settings on its own inner validation slice (the last 15% of the training
period). Every baseline is tuned on that same inner slice, through the
same ranking code, by the same metric, then refitted on the whole
training period with the settings it chose. Test users are scored
through ``serving.ranking.score_block``, the function behind
``/v1/recommendations?strategy=personalized``.

- ``discovery``: known customers, products new to them (training items excluded).
- ``repeat``: known customers, everything they touch next, bought-before
  products included: ``buy_again`` against times bought x recency and the
  served blend.
- ``new-visitors``: customers first seen after the cutoff, their first two
  events folded in, the rest predicted; against serving's trending.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from app.recommender.offline.baselines import trending_vector
from app.recommender.serving.history import Histories
from app.recommender.serving.ranking import restock_block, score_block
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import metrics, popularity, tuning, views
from app.recommender.training.components import Period
from app.recommender.training.features import Interactions
from app.recommender.training.pipeline import TrainedRecommender, TrainingOptions, fit_embeddings

PROTOCOLS = ("discovery", "repeat", "new-visitors")
VIEW = {"discovery": "discovery", "repeat": "repeat", "new-visitors": "new_visitors"}
REFERENCE = {"discovery": "served", "repeat": "buy_again", "new-visitors": "served"}
Scorer = Callable[[Histories, float], np.ndarray]


@dataclass
class Context:
    """One period's fitted models (the inner training part for validation, the whole training part for test)."""

    served: ServedModel
    interactions: Interactions
    now: float
    item_to_item: dict  # {"ease": ItemToItem, "item_knn": ItemToItem}
    popularity_params: dict  # the protocol's tuned recent-popularity settings
    times_bought_half_life: float | None = None


def _alone(served: ServedModel, name: str, **changes) -> Scorer:
    model = replace(served, **changes) if changes else served
    return lambda histories, now: score_block(model, histories, now, tuning.alone(name))


def _buy_again(served: ServedModel) -> Scorer:
    def score(histories: Histories, now: float) -> np.ndarray:
        scores = restock_block(served, histories, now).astype(np.float64)
        scores[scores <= 0] = -np.inf  # buy_again shows bought products only
        return scores
    return score


def scorers(protocol: str, ctx: Context) -> dict[str, Scorer]:
    served = ctx.served
    items, latest = Period(ctx.interactions, None, served.embeddings, ctx.now).latest()
    recent = popularity.recent_popularity(items, latest, served.n_items, ctx.now, popularity.PopularityParams(**ctx.popularity_params))
    models: dict[str, Scorer] = {"served": lambda histories, now: score_block(served, histories, now)}
    models["recent_popularity"] = _alone(served, "popularity", popularity=recent)
    models["popularity"] = _alone(served, "popularity", popularity=served.embeddings.item_popularity)
    if protocol == "repeat":
        models["buy_again"] = _buy_again(served)
        half_life = ctx.times_bought_half_life
        models["times_bought_recency"] = lambda h, now: tuning.times_bought_recency(h, served.n_items, now, half_life)
        return models
    if protocol == "new-visitors":
        trend = trending_vector(ctx.interactions, served.embeddings.item_index, ctx.now)

        def trending(histories: Histories, now: float, scorer=_alone(served, "popularity", popularity=trend)) -> np.ndarray:
            scores = scorer(histories, now)
            scores[:, trend <= 0] = -np.inf  # serving lists trending products only
            return scores
        models["trending"] = trending
    for name, i2i in ctx.item_to_item.items():
        signal = "ease" if name == "ease" else "knn"
        models[name] = _alone(served, signal, item_to_item={signal: i2i})
    if protocol == "discovery":
        models["lightfm_hybrid_raw"] = _alone(served, "hybrid")
    return models


def per_user(models: dict[str, Scorer], view: views.View, k: int) -> dict[str, dict]:
    results = {}
    for name, score in models.items():
        results[name] = metrics.per_user(lambda block, s=score: s(view.histories.subset(block), view.now), view.relevant, k)
    return results


def tune_baselines(protocol: str, trained: TrainedRecommender, k: int) -> dict:
    """The protocol's baselines tuned on the inner validation slice: settings, and models fitted on the slice.

    ``ease`` and ``item_knn`` are the served model's own item-to-item signals
    (tuned on the discovery slice by the pipeline, alone); recent popularity
    and times bought x recency are tuned on the protocol's own slice.
    """
    details = trained.details
    base = details.served
    tuned_popularity, _ = tuning.tune_popularity(base, details.views[VIEW[protocol]], *details.period.latest(), k)
    result = {"recent_popularity": tuned_popularity, "item_to_item": {}}
    if protocol == "repeat":
        result["times_bought_recency"] = tuning.tune_times_bought_recency(details.views["repeat"], base.n_items, k)
        return result
    for name, signal in (("ease", "ease"), ("item_knn", "knn")):
        if signal in base.item_to_item:
            result["item_to_item"][name] = (details.tuned[name], base.item_to_item[signal])
    return result


def contexts(protocol: str, trained: TrainedRecommender, tuned: dict, train: Interactions, cutoff: float) -> tuple[Context, Context]:
    """The validation context (inner slice) and the test context (the whole training period, the served model's own signals)."""
    details = trained.details
    half_life = tuned["times_bought_recency"].params["half_life_days"] if "times_bought_recency" in tuned else None
    params = tuned["recent_popularity"].params
    validation = Context(details.served, details.period.interactions, details.cutoff,
                         {name: fitted for name, (_, fitted) in tuned["item_to_item"].items()}, params, half_life)
    signals = {"ease": "ease", "item_knn": "knn"}
    refitted = {name: trained.served.item_to_item[signals[name]] for name in tuned["item_to_item"]}
    test = Context(trained.served, train, cutoff, refitted, params, half_life)
    return validation, test


def lightfm_cf(train: Interactions, purchases: Interactions | None, later: Interactions, cutoff: float, options: TrainingOptions,
               k: int) -> dict:
    """LightFM on ids only (no features), on the discovery test view in its own indices."""
    emb, _ = fit_embeddings(train, None, None, options, now=cutoff)
    view = views.discovery(train, purchases, later, emb.item_index, emb.user_index, None, cutoff)
    served = ServedModel(emb, emb.item_popularity, trained_until=cutoff)
    return per_user({"lightfm_cf": _alone(served, "hybrid")}, view, k)["lightfm_cf"]


def test_view(protocol: str, train: Interactions, purchases_before: Interactions | None, purchases_after: Interactions | None,
              later: Interactions, served: ServedModel, user_features: Mapping | None, cutoff: float) -> views.View:
    index, users = served.embeddings.item_index, served.embeddings.user_index
    if protocol == "discovery":
        return views.discovery(train, purchases_before, later, index, users, user_features, cutoff)
    if protocol == "repeat":
        return views.repeat(train, purchases_before, later, index, users, user_features, cutoff)
    return views.new_visitors(later, purchases_after, index, users, user_features, cutoff)
