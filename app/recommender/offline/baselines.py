"""Offline versions of what serving computes from the store: trending, as serving/trending.py scores it."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from app.recommender.serving.history import SECONDS_PER_DAY
from app.recommender.serving.trending import WINDOWS_DAYS, trending_scores
from app.recommender.training.features import Interactions

TRENDING_KINDS = frozenset(("product_view", "add_to_cart", "purchase"))


def trending_vector(interactions: Interactions, item_index: Mapping, now: float, kinds: np.ndarray | None = None) -> np.ndarray:
    """Per item: serving's trending score as of ``now`` (0 for items that do not trend).

    Distinct users per item in each of serving's windows, combined by
    ``trending.trending_scores`` (the same decay, kind weights and minimum
    support). ``kinds``: each row's event kind; without them every row is a purchase.
    """
    items = interactions.codes("item", item_index)
    age_days = (now - interactions.timestamps) / SECONDS_PER_DAY
    kinds = np.full(len(interactions), "purchase", dtype=object) if kinds is None else kinds
    counted = np.fromiter((kind in TRENDING_KINDS for kind in kinds.tolist()), dtype=bool, count=len(kinds))
    users = interactions.user_ids
    counts, support_sets = [], {}
    for window, (start, end) in enumerate(WINDOWS_DAYS):
        inside = (items >= 0) & (age_days >= start) & (age_days < end) & counted
        distinct: dict = {}
        for item, kind, user in zip(items[inside].tolist(), kinds[inside].tolist(), users[inside].tolist()):
            distinct.setdefault((item, kind), set()).add(user)
            support_sets.setdefault((item, kind == "purchase"), set()).add(user)
        counts += [(item, window, kind, len(people)) for (item, kind), people in distinct.items()]
    support: dict = {}
    for (item, _), people in support_sets.items():  # the larger of viewers and buyers, as serving counts it
        support[item] = max(support.get(item, 0), len(people))
    scores = trending_scores(counts, support)
    vector = np.zeros(len(item_index), np.float32)
    for item, score in scores.items():
        vector[item] = score
    return vector
