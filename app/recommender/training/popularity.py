"""Recent popularity: distinct visitors per item over a recent window, or decayed by a half-life.

The strongest simple baseline on shop data (tastes and stock move with the
season), and the signal every blend starts from. Robust by construction:
each visitor counts once per item (with the recency of their latest
interaction), and an item needs ``MIN_SUPPORT`` distinct visitors within
the horizon (the window, or four half-lives) to count at all, so a handful
of views from one browser moves nothing. Items with no recent support keep
a tiny all-time term, so that they are still ordered among themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.recommender.serving.history import SECONDS_PER_DAY
from app.recommender.serving.trending import MIN_SUPPORT

ALL_TIME_TIE_BREAK = 1e-6
# Validation grid: windows and half-lives, in days.
GRID_DAYS = (1.0, 3.0, 7.0, 14.0, 30.0)


@dataclass(frozen=True)
class PopularityParams:
    kind: str  # "window", "half_life" or "all_time"
    days: float | None = None
    min_support: int = MIN_SUPPORT

    def to_dict(self) -> dict:
        return {"kind": self.kind, "days": self.days, "min_support": self.min_support}


def grid() -> list[PopularityParams]:
    return [PopularityParams(kind, days) for kind in ("window", "half_life") for days in GRID_DAYS]


def latest_per_pair(user_rows: np.ndarray, item_rows: np.ndarray, timestamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(item, latest timestamp)`` of every distinct (user, item) pair."""
    if not len(user_rows):
        return np.empty(0, np.int64), np.empty(0)
    key = user_rows.astype(np.int64) * (int(item_rows.max()) + 1) + item_rows
    order = np.lexsort((timestamps, key))
    last = np.r_[key[order][1:] != key[order][:-1], True]
    chosen = order[last]
    return item_rows[chosen], timestamps[chosen]


def recent_popularity(items: np.ndarray, latest: np.ndarray, n_items: int, now: float, params: PopularityParams) -> np.ndarray:
    """Per item: the recent-popularity score (float32) from :func:`latest_per_pair`'s output."""
    all_time = np.bincount(items, minlength=n_items).astype(np.float64)
    tie_break = ALL_TIME_TIE_BREAK * all_time / max(all_time.max(initial=0.0), 1.0)
    if params.kind == "all_time":
        return all_time.astype(np.float32)
    age_days = np.maximum(now - latest, 0.0) / SECONDS_PER_DAY
    if params.kind == "window":
        inside = age_days <= params.days
        score = np.bincount(items[inside], minlength=n_items).astype(np.float64)
        horizon = params.days
    elif params.kind == "half_life":
        score = np.bincount(items, weights=0.5 ** (age_days / params.days), minlength=n_items)
        horizon = 4 * params.days
    else:
        raise ValueError(f"unknown popularity kind {params.kind!r}")
    support = np.bincount(items[age_days <= horizon], minlength=n_items)
    score[support < params.min_support] = 0.0
    return (score + tie_break).astype(np.float32)


def with_cold_prior(popularity: np.ndarray, item_vectors: np.ndarray, cold: np.ndarray, neighbours: int = 10) -> np.ndarray:
    """Cold items (indices ``cold``) take the mean popularity of their ``neighbours`` nearest warm items.

    Nearest by cosine of the LightFM item vectors, which for a cold item come
    from its features alone: a new mug is as popular as the mugs it resembles,
    not as unpopular as an item nobody wanted.
    """
    popularity = np.asarray(popularity, np.float32).copy()
    cold = np.asarray(cold, np.int64)
    warm = np.setdiff1d(np.arange(len(popularity)), cold)
    if not len(cold) or not len(warm):
        return popularity
    unit = item_vectors / np.maximum(np.linalg.norm(item_vectors, axis=1, keepdims=True), 1e-12)
    similarity = unit[cold] @ unit[warm].T
    k = min(neighbours, len(warm))
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    popularity[cold] = popularity[warm][nearest].mean(axis=1)
    return popularity
