"""Which visitors count as bots for popularity: those that view products faster than a person can.

Nothing at ingest marks a bot (the user agent is not stored), so the
recommender classes traffic by behaviour: a profile with more than
``MAX_PRODUCT_VIEWS_PER_DAY`` product views per day over a window is a
crawler, a scraper or a load test, and its views move no popularity,
trending or training signal. Popularity also counts distinct visitors
with a minimum support (trending.MIN_SUPPORT), so a handful of views from
one browser moves nothing either way.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import Select, func, select, union

from app.models import Event

MAX_PRODUCT_VIEWS_PER_DAY = 300


def bot_profiles(shop_id: int, windows: Sequence[tuple[datetime, datetime]]) -> Select:
    """The profile ids classed as bots in any of ``windows`` (``(since, until]``): faster than the limit over that window.

    Several windows (a day, three days, a week...) so that a burst is caught
    in the short ones and a steady crawl in the long ones.
    """
    parts = []
    for since, until in windows:
        days = max((until - since).total_seconds() / 86400.0, 1.0)
        parts.append(
            select(Event.profile_id)
            .where(Event.shop_id == shop_id, Event.type == "product_view", Event.occurred_at > since, Event.occurred_at <= until)
            .group_by(Event.profile_id)
            .having(func.count() > MAX_PRODUCT_VIEWS_PER_DAY * days)
        )
    return select(union(*parts).subquery().c.profile_id)


def bot_users(users: np.ndarray, kinds: np.ndarray, timestamps: np.ndarray) -> set:
    """The same rule over rows read for training: users with more product views on some UTC day than allowed."""
    views = kinds == "product_view"
    if not views.any():
        return set()
    days = np.floor(timestamps[views] / 86400.0).astype(np.int64)
    pairs, counts = np.unique(np.stack([_codes(users[views]), days], axis=1), axis=0, return_counts=True)
    heavy = set(pairs[counts > MAX_PRODUCT_VIEWS_PER_DAY, 0].tolist())
    distinct = list(dict.fromkeys(users[views]))
    return {distinct[code] for code in heavy}


def _codes(values: np.ndarray) -> np.ndarray:
    index: dict = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
