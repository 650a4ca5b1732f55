"""One training run: choose every signal's settings and the blend on a validation slice, then refit on everything.

1. Carve the last ``validation_fraction`` of time off; fit LightFM on the rest,
   its number of epochs chosen on the slice as it goes (training/epochs.py).
2. On that slice, through the served ranking (serving/ranking.py): tune
   recent popularity and the item-to-item signal (EASE up to
   ``EASE_MAX_ITEMS`` items, item kNN above), fit the repeat hazard, then
   choose the blend by forward selection with the one-standard-error rule,
   per history bucket, and the repeat share on the repeat view
   (training/blend_weight.py).
3. Refit everything on all interactions with the chosen settings; append
   cold items (features only, popularity from their neighbours).

This is what the DB-facing training calls (train_shop.py) and what the
offline evaluation calls on the training part of its split, so what is
evaluated is what is served.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from app.recommender.serving import embeddings as model
from app.recommender.serving.blend import BlendWeights
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import baselines, blend_weight, lightfm_model, popularity, tuning, views
from app.recommender.training.components import Period, affinity_scorer, categories_of, fit_served, with_cold_items
from app.recommender.training.epochs import STEP_EPOCHS, EpochChoice, choose_epochs
from app.recommender.training.features import Interactions, TrainingData, build_training_data
from app.recommender.training.item_to_item import EASE_MAX_ITEMS, EaseParams, KnnParams
from app.recommender.training.metrics import summary
from app.recommender.training.repeat_model import RepeatSettings, fit_repeat_model
from app.recommender.training.splits import temporal_split

DEFAULT_VALIDATION_FRACTION = 0.15
# Without a validation slice (too little history to split): what a shop starts with.
FALLBACK_POPULARITY = popularity.PopularityParams("half_life", 7.0)
FALLBACK_ITEM_TO_ITEM = {"ease": vars(EaseParams(200.0, None, 14.0)), "knn": vars(KnnParams(50, 20.0, None, 14.0))}
FALLBACK_BLEND = {"popularity": 0.5, "hybrid": 0.5}
REPORT_USERS = 2000

Progress = Callable[[str], None]


@dataclass
class TrainingOptions:
    hyperparameters: lightfm_model.HyperParameters = field(default_factory=lightfm_model.HyperParameters)
    k: int = 10
    validation_fraction: float = DEFAULT_VALIDATION_FRACTION
    # Defaults measured in docs/quality.md (round 2 of the LightFM grid).
    half_life_days: float | None = 90.0  # recency decay of LightFM's interaction weights; None: no decay
    compress_weights: bool = True
    identity_weight: float = 3.0  # see features.build_training_data
    seed: int = 0
    max_validation_users: int = blend_weight.MAX_USERS  # sampled for the blend search and the validation report
    history_days: float | None = 730.0  # train_shop reads this much history (None: all)
    repeat: RepeatSettings = field(default_factory=RepeatSettings)


def options_from_config(config: Mapping, **changes) -> TrainingOptions:
    """Training options with the deployment's settings (``TRAINING_HISTORY_DAYS``; 0 reads all history)."""
    days = config.get("TRAINING_HISTORY_DAYS", 730)
    return TrainingOptions(history_days=float(days) if days else None, **changes)


@dataclass
class Validation:
    """Everything chosen and measured on the validation slice (the offline evaluation tunes its baselines on it too)."""

    cutoff: float
    period: Period
    served: ServedModel  # fitted on the slice's training part, with the chosen weights
    views: dict[str, views.View]
    tuned: dict[str, tuning.Tuned]
    settings: dict
    report: dict


@dataclass
class TrainedRecommender:
    served: ServedModel
    data: TrainingData
    validation: dict  # the report shown on the model page: validation metrics of served vs baselines
    details: Validation | None = None

    @property
    def embeddings(self) -> model.Embeddings:
        return self.served.embeddings


def fit_embeddings(
    interactions: Interactions,
    item_features: Mapping[object, Sequence[str]] | None,
    user_features: Mapping[object, Sequence[str]] | None,
    options: TrainingOptions,
    now: float | None = None,
) -> tuple[model.Embeddings, TrainingData]:
    """Build the data set, fit LightFM, return its embeddings (with all-time popularity) and the training data."""
    data = training_data(interactions, item_features, user_features, options, now)
    fitted = lightfm_model.fit(data, options.hyperparameters, seed=options.seed)
    return _embeddings(fitted, data, options.hyperparameters), data


def training_data(interactions: Interactions, item_features: Mapping | None, user_features: Mapping | None,
                  options: TrainingOptions, now: float | None) -> TrainingData:
    return build_training_data(
        interactions, item_features, user_features, now=now, half_life_days=options.half_life_days,
        compress=options.compress_weights, identity_weight=options.identity_weight,
    )


def _embeddings(fitted, data: TrainingData, hyperparameters: lightfm_model.HyperParameters) -> model.Embeddings:
    emb = lightfm_model.embeddings_from_model(fitted, data, {"hyperparameters": hyperparameters.to_dict()})
    emb.item_popularity = baselines.popularity(data.interactions)
    return emb


def fit_validation_embeddings(data: TrainingData, view: views.View, rows: np.ndarray, options: TrainingOptions,
                              cutoff: float) -> EpochChoice:
    """LightFM on the validation slice's training part, its epochs chosen on ``view``'s ``rows`` (training/epochs.py)."""
    hp = options.hyperparameters

    def checkpoints():
        for epochs, fitted in lightfm_model.fit_in_steps(data, hp, options.seed, STEP_EPOCHS):
            yield epochs, _embeddings(fitted, data, replace(hp, epochs=epochs))

    def precision(emb: model.Embeddings) -> np.ndarray:
        hybrid = ServedModel(emb, np.zeros(len(emb.item_ids), np.float32), trained_until=cutoff)
        return tuning.evaluate(hybrid, view, tuning.alone("hybrid"), options.k, rows, with_auc=False)["precision_at_k"]

    return choose_epochs(checkpoints(), precision)


def _before(part: Interactions | None, moment: float, after: bool = False) -> Interactions | None:
    if part is None:
        return None
    return part.subset(part.timestamps >= moment if after else part.timestamps < moment)


def validate(
    interactions: Interactions, purchases: Interactions | None, item_features: Mapping | None, user_features: Mapping | None,
    options: TrainingOptions, say: Progress, on_epochs_chosen: Callable[[int], None] | None = None,
) -> Validation | None:
    """Choose every setting on the last ``validation_fraction`` of time; None when the history cannot be split.

    ``on_epochs_chosen(epochs)`` is called as soon as LightFM's epochs are
    known, before the other signals are tuned (the final fit needs nothing else).
    """
    try:
        split = temporal_split(interactions, options.validation_fraction)
    except ValueError:
        return None
    if not len(split.later):
        return None
    started = time.perf_counter()
    data = training_data(split.train, item_features, user_features, options, split.cutoff)
    index, users = data.item_index, data.user_index
    limit, before, after = options.max_validation_users, _before(purchases, split.cutoff), _before(purchases, split.cutoff, after=True)
    discovery = views.discovery(split.train, before, split.later, index, users, user_features, split.cutoff, limit)
    newcomers = views.new_visitors(split.later, after, index, users, user_features, split.cutoff, limit=limit)
    repeat = views.repeat(split.train, before, split.later, index, users, user_features, split.cutoff, limit)
    if not discovery.relevant.shape[0]:
        return None
    k, sample = options.k, blend_weight.sample_rows(discovery.relevant.shape[0], options.max_validation_users, options.seed)
    visitors = views.concat(discovery, newcomers)
    epochs = fit_validation_embeddings(data, visitors, blend_weight.sample_rows(visitors.relevant.shape[0], limit, options.seed),
                                       options, split.cutoff)
    emb = epochs.checkpoint
    say(f"validation model fitted in {time.perf_counter() - started:.1f}s, {epochs.epochs} epochs chosen: {epochs.steps}")
    if on_epochs_chosen is not None:
        on_epochs_chosen(epochs.epochs)
    period = Period(split.train, before, emb, split.cutoff)
    base = ServedModel(emb, np.zeros(len(emb.item_ids), np.float32), trained_until=split.cutoff)
    tuned_popularity, vectors = tuning.tune_popularity(base, discovery, *period.latest(), k, sample)
    base.popularity = vectors[popularity.PopularityParams(**tuned_popularity.params)]
    tuned = {"recent_popularity": tuned_popularity}
    if len(emb.item_ids) <= EASE_MAX_ITEMS:
        both = tuning.tune_item_to_item(base, discovery, period.training_matrix, k, sample)
        (tuned["ease"], ease), (tuned["item_knn"], knn) = both["ease"], both["item_knn"]
        i2i = {"ease": ease, "knn": knn}
    else:
        tuned["item_knn"], knn = tuning.tune_knn(base, discovery, period.training_matrix, k, sample)
        i2i = {"knn": knn}
    others = ", ".join(f"{name} {t.params}" for name, t in tuned.items() if name != "recent_popularity")
    say(f"recent popularity {tuned_popularity.params}, {others}")
    served = ServedModel(emb, base.popularity, item_to_item=i2i, trained_until=split.cutoff)
    if period.purchases is not None and len(period.purchases):
        categories = categories_of(emb.item_ids, item_features)
        served.repeat = fit_repeat_model(period.histories(), len(emb.item_ids), split.cutoff, categories,
                                         affinity_scorer(served), options.repeat)
    choice = blend_weight.choose_blend(served, visitors, k, options.max_validation_users, options.seed)
    with_repeat = blend_weight.add_repeat(served, repeat, choice.weights, k, options.max_validation_users, options.seed)
    served.blend = with_repeat.weights
    say(f"blend {served.blend.to_document()}")
    settings = {
        "epochs": epochs.to_document(),
        "popularity": tuned_popularity.params,
        "item_to_item": {name: tuned["ease" if name == "ease" else "item_knn"].params for name in i2i},
        "repeat": vars(options.repeat) if served.repeat is not None else None,
        "blend_steps": choice.steps + with_repeat.steps,
    }
    report = validation_report(served, discovery, k, sample)
    return Validation(split.cutoff, period, served, {"discovery": discovery, "new_visitors": newcomers, "repeat": repeat},
                      tuned, settings, report)


def validation_report(served: ServedModel, view: views.View, k: int, rows: np.ndarray) -> dict:
    """Validation means of the served blend, recent popularity and all-time popularity, on the same sampled users.

    At most ``REPORT_USERS`` of them: the AUC sorts every user's whole catalog.
    """
    rows = rows[:REPORT_USERS]
    all_time = ServedModel(served.embeddings, served.embeddings.item_popularity, trained_until=served.trained_until)
    rounded = lambda result: {name: round(value, 5) if isinstance(value, float) else value for name, value in result.items()}  # noqa: E731
    return {
        "protocol": "discovery",
        "k": k,
        "served": rounded(summary(tuning.evaluate(served, view, None, k, rows))),
        "recent_popularity": rounded(summary(tuning.evaluate(served, view, tuning.alone("popularity"), k, rows))),
        "popularity": rounded(summary(tuning.evaluate(all_time, view, tuning.alone("popularity"), k, rows))),
        "blend": served.blend.to_document(),
    }


def train_recommender(
    interactions: Interactions,
    item_features: Mapping[object, Sequence[str]] | None = None,
    user_features: Mapping[object, Sequence[str]] | None = None,
    options: TrainingOptions | None = None,
    *,
    purchases: Interactions | None = None,
    now: float | None = None,
    add_cold_items: bool = True,
    progress: Progress | None = None,
) -> TrainedRecommender:
    """Train the served model (see the module docstring). ``purchases``: order lines, quantities as weights."""
    options = options or TrainingOptions()
    say = progress or (lambda message: None)
    now = float(interactions.timestamps.max()) if now is None else now

    def final_fit(epochs: int | None) -> tuple[model.Embeddings, TrainingData, float]:
        # No progress reports from here: ``progress`` may write through the caller's database session,
        # which belongs to the calling thread.
        chosen = options if epochs is None else replace(options, hyperparameters=replace(options.hyperparameters, epochs=epochs))
        started = time.perf_counter()
        emb, data = fit_embeddings(interactions, item_features, user_features, chosen, now=now)
        return emb, data, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="final-fit") as background, \
            threadpool_limits(limits=1, user_api="blas"):
        # The final LightFM fit needs only the number of epochs, so it starts as soon as the validation
        # slice has chosen it and runs while the other signals are tuned: LightFM's threads and this
        # single-threaded numpy work share the cores instead of taking turns. One BLAS thread here, or
        # OpenBLAS's spinning threads fight LightFM's for the cores (an EASE inverse took 4 s instead of 0.12 s).
        final: list[Future] = []
        validation = validate(interactions, purchases, item_features, user_features, options, say,
                              on_epochs_chosen=lambda epochs: final.append(background.submit(final_fit, epochs)))
        emb, data, seconds = final[0].result() if final else final_fit(None)
    say(f"final model fitted in {seconds:.1f}s" + (" (beside the tuning)" if final else ""))
    if validation is not None:
        popularity_params = popularity.PopularityParams(**validation.settings["popularity"])
        i2i = dict(validation.settings["item_to_item"])
        weights, settings = validation.served.blend, validation.settings
        options = replace(options, hyperparameters=replace(options.hyperparameters, epochs=settings["epochs"]["chosen"]))
    else:
        popularity_params, i2i = FALLBACK_POPULARITY, FALLBACK_ITEM_TO_ITEM
        weights, settings = BlendWeights(dict(FALLBACK_BLEND)), {"fallback": "too little history to validate"}
    categories = categories_of(emb.item_ids, item_features)
    if len(emb.item_ids) > EASE_MAX_ITEMS:  # the catalog outgrew a dense inverse since the validation slice
        i2i.pop("ease", None)
    served = fit_served(Period(interactions, purchases, emb, now), popularity_params, i2i, options.repeat, categories)
    served.blend = weights
    if "repeat" in weights.signals() and served.repeat is None:  # the full history has no repeat to learn from after all
        served.blend = BlendWeights({n: w for n, w in weights.default.items() if n != "repeat"},
                                    {b: {n: w for n, w in bw.items() if n != "repeat"} for b, bw in weights.by_bucket.items()})
    served.settings = settings
    report = validation.report if validation is not None else {}
    emb.metadata.update({"validation": report, "k": options.k, "half_life_days": options.half_life_days})
    if add_cold_items and item_features:
        served = with_cold_items(served, {item: tokens for item, tokens in item_features.items() if item not in emb.item_index})
    return TrainedRecommender(served, data, report, validation)


def interaction_matrix(part: Interactions, data: TrainingData) -> sp.csr_matrix:
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
