"""Repeat purchase: the hazard that a customer buys a product they bought before *now*.

Per customer and product, from their order lines:

- ``n`` purchase days, first and last purchase, quantities;
- a **censored, shrunk purchase rate** ``rate = (s + n - 1) / (s / product_rate + tenure)``:
  ``n - 1`` repeats over the whole time since the first purchase, the time
  since the last one included (right-censoring: not having re-bought yet is
  evidence too), shrunk by ``s`` pseudo-observations toward the product's rate,
  itself shrunk toward its category's and the shop's (training/repeat_model.py);
- the **expected interval normalised by quantity**: ``interval = 1 / rate * last_quantity / usual_quantity``
  (a double pack lasts twice as long), and how due the product is,
  ``due = (age + 1) / interval``, with its square so that the hazard can rise
  toward the usual interval and fall again long after it;
- the product's season (buyers in the last 30 days against its usual pace),
  the customer's orders since they last bought it, the product's share of
  their orders, and how well it fits what they bought lately (item-to-item).

A logistic model of "bought within the next ``horizon_days``", fitted at
training time on the shop's own history, turns these into a probability.
Products not bought for more than ``max_age_days`` are not candidates (an
upper age limit: after that long it is discovery again, not a restock).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from app.recommender.serving.history import SECONDS_PER_DAY, Histories

FEATURE_CLIP = 8.0  # standard deviations
FEATURES = (
    "log_times", "log_age", "log_tenure", "log_rate", "log_due", "log_due_squared", "log_product_rate",
    "season", "log_orders_since", "share", "log_quantity_cover", "affinity",
)


@dataclass
class RepeatModel:
    """What serving needs to score repeat purchases (arrays are per item of the model)."""

    coefficients: np.ndarray  # per feature, on standardised features
    intercept: float
    feature_means: np.ndarray
    feature_scales: np.ndarray
    product_rate: np.ndarray  # shrunk repeat purchases per day of ownership
    season: np.ndarray  # log((buyers last 30 days + 1) / (usual 30-day buyers + 1)) at training time
    strength: float  # pseudo-observations toward the product rate
    horizon_days: float
    max_age_days: float
    # The blend reads probability / signal_scale (the root mean square over all customer x product cells at fit time),
    # not a per-visitor z-score: a customer whose purchases are long past must not get a full-strength restock signal.
    signal_scale: float = 1.0

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"repeat_coefficients": self.coefficients, "repeat_means": self.feature_means,
                "repeat_scales": self.feature_scales, "repeat_product_rate": self.product_rate, "repeat_season": self.season}

    def to_document(self) -> dict:
        return {"intercept": self.intercept, "strength": self.strength, "horizon_days": self.horizon_days,
                "max_age_days": self.max_age_days, "signal_scale": self.signal_scale, "features": list(FEATURES)}

    @classmethod
    def from_saved(cls, document: dict, arrays) -> RepeatModel:
        if list(document.get("features", [])) != list(FEATURES):
            raise ValueError("repeat model saved with other features; retrain")
        return cls(
            coefficients=np.asarray(arrays["repeat_coefficients"], np.float64), intercept=float(document["intercept"]),
            feature_means=np.asarray(arrays["repeat_means"], np.float64), feature_scales=np.asarray(arrays["repeat_scales"], np.float64),
            product_rate=np.asarray(arrays["repeat_product_rate"], np.float64), season=np.asarray(arrays["repeat_season"], np.float64),
            strength=float(document["strength"]), horizon_days=float(document["horizon_days"]), max_age_days=float(document["max_age_days"]),
            signal_scale=float(document.get("signal_scale", 1.0)),
        )

    def probability(self, features: np.ndarray) -> np.ndarray:
        # Clipped: a pair far outside what training saw (a purchase years old) must not extrapolate without bound.
        z = np.clip((features - self.feature_means) / self.feature_scales, -FEATURE_CLIP, FEATURE_CLIP)
        return expit(z @ self.coefficients + self.intercept)


@dataclass
class PairHistory:
    """Per (row, item) pair that was bought: how often, when, how much; and per row its order days."""

    rows: np.ndarray
    items: np.ndarray
    times: np.ndarray  # purchase days
    first_day: np.ndarray
    last_time: np.ndarray  # unix seconds of the last purchase
    last_quantity: np.ndarray
    mean_quantity: np.ndarray
    orders_since: np.ndarray  # the row's order days after this pair's last purchase
    row_order_days: np.ndarray  # per pair: the row's number of order days


def pair_history(histories: Histories, before: float | None = None) -> PairHistory:
    """Collapse the purchase lines (before ``before``, if given) into one record per bought (row, item)."""
    rows, items, times, quantities = (histories.purchase_rows, histories.purchase_items, histories.purchase_times,
                                      histories.purchase_quantities)
    if before is not None:
        keep = times < before
        rows, items, times, quantities = rows[keep], items[keep], times[keep], quantities[keep]
    empty = np.empty(0)
    if not len(rows):
        return PairHistory(*(empty.astype(np.int64),) * 2, *(empty,) * 7)
    days = np.floor(times / SECONDS_PER_DAY).astype(np.int64)
    n_items = int(items.max()) + 1
    pair = rows * n_items + items
    # One record per (pair, day): a day's lines are one purchase.
    order = np.lexsort((times, days, pair))
    pair, days, times, quantities = pair[order], days[order], times[order], np.maximum(quantities[order], 1e-9)
    day_start = np.flatnonzero(np.r_[True, (pair[1:] != pair[:-1]) | (days[1:] != days[:-1])])
    day_quantity = np.add.reduceat(quantities, day_start)
    day_last_time = np.maximum.reduceat(times, day_start)
    day_pair, day_days = pair[day_start], days[day_start]
    starts = np.flatnonzero(np.r_[True, day_pair[1:] != day_pair[:-1]])
    counts = np.diff(np.r_[starts, len(day_pair)])
    ends = starts + counts - 1
    pair_rows, pair_items = day_pair[starts] // n_items, day_pair[starts] % n_items
    # The row's order days, sorted, to count those after each pair's last purchase.
    row_day_key = np.unique((pair // n_items) * (1 << 32) + days)
    row_total = np.bincount(row_day_key >> 32, minlength=int(rows.max()) + 1)
    after = np.searchsorted(row_day_key, pair_rows * (1 << 32) + day_days[ends], side="right")
    row_end = np.searchsorted(row_day_key, (pair_rows + 1) * (1 << 32), side="left")
    return PairHistory(
        rows=pair_rows, items=pair_items, times=counts.astype(np.float64), first_day=day_days[starts].astype(np.float64),
        last_time=day_last_time[ends], last_quantity=day_quantity[ends],
        mean_quantity=np.add.reduceat(day_quantity, starts) / counts,
        orders_since=(row_end - after).astype(np.float64), row_order_days=row_total[pair_rows].astype(np.float64),
    )


def pair_features(
    pairs: PairHistory, now: float, product_rate: np.ndarray, season: np.ndarray, strength: float, affinity: np.ndarray
) -> np.ndarray:
    """The ``FEATURES`` of every pair as of ``now`` (``affinity``: per pair, the item-to-item z-score)."""
    n = pairs.times
    timing = pair_timing(pairs, now, product_rate, strength)
    due = np.log(timing.due)
    return np.column_stack([
        np.log1p(n), np.log1p(timing.age), np.log1p(timing.tenure), np.log(timing.rate), due, due**2, np.log(timing.prior),
        season[pairs.items], np.log1p(pairs.orders_since), np.log1p(n) - np.log1p(pairs.row_order_days), np.log(timing.cover),
        affinity,
    ])


@dataclass
class PairTiming:
    """Per pair, in days: how long since the last purchase and how long a purchase usually lasts (see the module doc)."""

    age: np.ndarray
    tenure: np.ndarray  # since the first purchase
    prior: np.ndarray  # the product's shrunk rate
    rate: np.ndarray  # the censored, shrunk purchase rate
    cover: np.ndarray  # the last purchase's quantity against the usual one
    interval: np.ndarray  # the expected interval, ``cover / rate``

    @property
    def due(self) -> np.ndarray:
        """``(age + 1) / interval``: 1 or more once the expected interval has passed."""
        return (self.age + 1.0) / self.interval


def pair_timing(pairs: PairHistory, now: float, product_rate: np.ndarray, strength: float) -> PairTiming:
    n = pairs.times
    tenure = np.maximum(now / SECONDS_PER_DAY - pairs.first_day, 1.0)
    prior = np.maximum(product_rate[pairs.items], 1e-6)
    rate = (strength + n - 1.0) / (strength / prior + tenure)
    cover = pairs.last_quantity / np.maximum(pairs.mean_quantity, 1e-9)
    return PairTiming(age=np.maximum(now - pairs.last_time, 0.0) / SECONDS_PER_DAY, tenure=tenure, prior=prior, rate=rate,
                      cover=cover, interval=cover / rate)


def repeat_scores(model: RepeatModel, histories: Histories, now: float, n_items: int, affinity_z: np.ndarray | None) -> np.ndarray:
    """Rows x items: the probability of buying each bought product again within the horizon; 0 elsewhere.

    ``affinity_z``: the item-to-item signal of these rows, standardised per row (None: no such signal).
    """
    scores = np.zeros((histories.n_rows, n_items), np.float32)
    pairs = pair_history(histories)
    if not len(pairs.rows):
        return scores
    fresh = (now - pairs.last_time) / SECONDS_PER_DAY <= model.max_age_days
    affinity = affinity_z[pairs.rows, pairs.items] if affinity_z is not None else np.zeros(len(pairs.rows))
    probability = model.probability(
        pair_features(pairs, now, model.product_rate, model.season, model.strength, affinity)
    )
    scores[pairs.rows[fresh], pairs.items[fresh]] = probability[fresh]
    return scores
