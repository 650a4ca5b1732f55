"""Fitting the repeat-purchase hazard (serving/repeat.py) on the shop's own history.

A discrete-time hazard model: take every (customer, product) pair bought
before ``end - horizon``, describe it as of that moment (serving's
``pair_features``), label it 1 when the customer bought the product again in
the following ``horizon`` days, and fit a logistic regression (L2, L-BFGS).
The product rates and seasons that serving multiplies into the features are
then recomputed as of ``end``, so the model describes pairs as they are now
with what the last horizon taught it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from app.recommender.serving.history import SECONDS_PER_DAY, Histories
from app.recommender.serving.repeat import FEATURES, PairHistory, RepeatModel, pair_features, pair_history
from app.recommender.training.metrics import block_rows

ScoreRows = Callable[[Histories, float], np.ndarray]  # (histories, now) -> rows x items item-to-item z-scores


@dataclass(frozen=True)
class RepeatSettings:
    horizon_days: float = 30.0
    max_age_days: float = 365.0  # older purchases are discovery again, not restocks
    strength: float = 0.5  # pseudo-repeats toward the product's rate
    prior_exposure_days: float = 180.0  # pseudo-exposure toward the category's / shop's rate
    season_days: float = 30.0
    l2: float = 1.0
    max_fit_pairs: int = 50_000  # (customer, product) pairs, by sampled customers, to fit the coefficients (bounded time)
    seed: int = 0


def product_rates(pairs: PairHistory, now: float, n_items: int, categories: np.ndarray | None, prior_days: float) -> np.ndarray:
    """Repeat purchases per day of ownership per product, shrunk toward its category's, shrunk toward the shop's.

    Exposure runs from each customer's first purchase to ``now`` (censored:
    a customer who has not bought again yet still counts their waiting time).
    """
    tenure = np.maximum(now / SECONDS_PER_DAY - pairs.first_day, 1.0)
    repeats = np.bincount(pairs.items, weights=pairs.times - 1.0, minlength=n_items)
    exposure = np.bincount(pairs.items, weights=tenure, minlength=n_items)
    shop_rate = max(repeats.sum(), 1e-3) / max(exposure.sum(), 1.0)
    prior = np.full(n_items, shop_rate)
    if categories is not None and (categories >= 0).any():
        known = categories >= 0
        n_categories = int(categories.max()) + 1
        category_repeats = np.bincount(categories[known], weights=repeats[known], minlength=n_categories)
        category_exposure = np.bincount(categories[known], weights=exposure[known], minlength=n_categories)
        category_rate = (category_repeats + shop_rate * prior_days) / (category_exposure + prior_days)
        prior[known] = category_rate[categories[known]]
    return (repeats + prior * prior_days) / (exposure + prior_days)


def seasons(pairs: PairHistory, now: float, n_items: int, days: float) -> np.ndarray:
    """``log((customers who bought it in the last days + 1) / (its usual number per that many days + 1))``."""
    recent = (now - pairs.last_time) / SECONDS_PER_DAY <= days
    buyers_recent = np.bincount(pairs.items[recent], minlength=n_items)
    buyers = np.bincount(pairs.items, minlength=n_items)
    span = max(now / SECONDS_PER_DAY - (pairs.first_day.min() if len(pairs.first_day) else 0.0), days)
    return np.log((buyers_recent + 1.0) / (buyers * days / span + 1.0))


def affinity_of_pairs(pairs: PairHistory, histories: Histories, now: float, score_rows: ScoreRows | None, n_items: int) -> np.ndarray:
    """Each pair's item-to-item z-score as of ``now`` (0 without an item-to-item signal), computed in row blocks."""
    result = np.zeros(len(pairs.rows))
    if score_rows is None or not len(pairs.rows):
        return result
    rows = np.unique(pairs.rows)
    size = block_rows(n_items)
    for start in range(0, len(rows), size):
        block = rows[start : start + size]
        scores = score_rows(histories.subset(block), now)
        position = np.searchsorted(block, pairs.rows)
        inside = (position < len(block)) & (block[np.minimum(position, len(block) - 1)] == pairs.rows)
        result[inside] = scores[position[inside], pairs.items[inside]]
    return result


def fit_repeat_model(
    histories: Histories, n_items: int, end: float, categories: np.ndarray | None = None,
    score_rows: ScoreRows | None = None, settings: RepeatSettings = RepeatSettings(),
) -> RepeatModel | None:
    """The hazard model fitted on ``histories``' purchases; None when they hold no repeat to learn from."""
    cut = end - settings.horizon_days * SECONDS_PER_DAY
    pairs = pair_history(histories, before=cut)
    pairs = _fresh(pairs, cut, settings.max_age_days)
    if not len(pairs.rows):
        return None
    if len(pairs.rows) > settings.max_fit_pairs:
        customers = np.unique(pairs.rows)
        chosen = np.random.default_rng(settings.seed).random(len(customers)) < settings.max_fit_pairs / len(pairs.rows)
        pairs = _select(pairs, chosen[np.searchsorted(customers, pairs.rows)])
    rates = product_rates(pairs, cut, n_items, categories, settings.prior_exposure_days)
    season = seasons(pairs, cut, n_items, settings.season_days)
    affinity = affinity_of_pairs(pairs, histories.before(cut), cut, score_rows, n_items)
    features = pair_features(pairs, cut, rates, season, settings.strength, affinity)
    later = (histories.purchase_times >= cut) & (histories.purchase_times < end)
    bought = set(zip(histories.purchase_rows[later].tolist(), histories.purchase_items[later].tolist()))
    labels = np.fromiter(((r, i) in bought for r, i in zip(pairs.rows.tolist(), pairs.items.tolist())), dtype=float, count=len(pairs.rows))
    if labels.min() == labels.max():
        return None
    coefficients, intercept, means, scales = _logistic(features, labels, settings.l2)
    fitted = RepeatModel(coefficients, intercept, means, scales, rates, season, settings.strength, settings.horizon_days,
                         settings.max_age_days)
    cells = len(np.unique(pairs.rows)) * n_items
    signal_scale = float(np.sqrt(np.sum(fitted.probability(features) ** 2) / max(cells, 1)))
    everything = _fresh(pair_history(histories, before=end), end, settings.max_age_days)
    return RepeatModel(
        coefficients=coefficients, intercept=intercept, feature_means=means, feature_scales=scales, signal_scale=signal_scale,
        product_rate=product_rates(everything, end, n_items, categories, settings.prior_exposure_days),
        season=seasons(everything, end, n_items, settings.season_days),
        strength=settings.strength, horizon_days=settings.horizon_days, max_age_days=settings.max_age_days,
    )


def _fresh(pairs: PairHistory, now: float, max_age_days: float) -> PairHistory:
    return _select(pairs, (now - pairs.last_time) / SECONDS_PER_DAY <= max_age_days)


def _select(pairs: PairHistory, mask: np.ndarray) -> PairHistory:
    return PairHistory(*(getattr(pairs, name)[mask] for name in PairHistory.__dataclass_fields__))


def _logistic(features: np.ndarray, labels: np.ndarray, l2: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    means = features.mean(axis=0)
    scales = features.std(axis=0)
    scales = np.where(scales > 1e-9, scales, 1.0)
    design = (features - means) / scales

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = params[:-1], params[-1]
        margin = design @ weights + bias
        # -log likelihood, numerically stable: log(1 + e^m) - y m
        value = np.logaddexp(0.0, margin).sum() - labels @ margin + l2 * weights @ weights
        residual = 1.0 / (1.0 + np.exp(-margin)) - labels
        return value, np.r_[design.T @ residual + 2 * l2 * weights, residual.sum()]

    start = np.zeros(len(FEATURES) + 1)
    start[-1] = np.log(max(labels.mean(), 1e-6) / max(1 - labels.mean(), 1e-6))
    fitted = minimize(loss, start, jac=True, method="L-BFGS-B").x
    return fitted[:-1], float(fitted[-1]), means, scales
