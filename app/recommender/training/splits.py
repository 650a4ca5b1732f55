"""Train/test splits of interaction rows: temporal (warm) and held-out items (cold start)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.recommender.training.features import Interactions


@dataclass
class Split:
    train: Interactions
    test: Interactions
    cutoff: float | None = None  # temporal: first timestamp of the test period
    held_out_items: np.ndarray | None = None  # cold start: item ids never in train
    later: Interactions | None = None  # temporal: every row from the cutoff on (new users and items too)


def temporal_split(interactions: Interactions, test_fraction: float = 0.2) -> Split:
    """Everything before the ``1 - test_fraction`` quantile of timestamps trains; the rest tests.

    One global cutoff (not per user), so nothing from the future leaks into
    training. The test part keeps only what a warm evaluation can score:
    users and items that occur in train. Pairs already in train stay in
    ``test`` here; the metrics exclude training positives from the ranking.
    """
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be between 0 and 1")
    if len(interactions) == 0:
        raise ValueError("no interactions to split")
    cutoff = float(np.quantile(interactions.timestamps, 1 - test_fraction))
    is_test = interactions.timestamps >= cutoff
    if is_test.all():  # every timestamp equal to the quantile: nothing would train
        raise ValueError("cannot split in time: the timestamps do not vary")
    train = interactions.subset(~is_test)
    test = interactions.subset(is_test)
    return Split(train, test.subset(known_in(test, train)), cutoff=cutoff, later=test)


def known_in(part: Interactions, reference: Interactions) -> np.ndarray:
    """Rows of ``part`` whose user and item both occur in ``reference`` (set lookups: ids are Python objects)."""
    users, items = set(reference.user_ids.tolist()), set(reference.item_ids.tolist())
    return np.fromiter((u in users and i in items for u, i in zip(part.user_ids.tolist(), part.item_ids.tolist())),
                       dtype=bool, count=len(part))


def cold_item_split(interactions: Interactions, item_fraction: float = 0.2, seed: int = 0) -> Split:
    """Hold a random ``item_fraction`` of the items out of training entirely (LightFM paper's cold start).

    Train: every interaction with the other items. Test: the interactions
    with held-out items, of users who occur in train (so that users keep
    their trained representation and only the items are new).
    """
    items = np.unique(interactions.item_ids)
    rng = np.random.default_rng(seed)
    n_held = max(1, int(round(item_fraction * len(items))))
    held = rng.choice(items, size=n_held, replace=False)
    held_set = set(held.tolist())
    is_held = np.fromiter((item in held_set for item in interactions.item_ids.tolist()), dtype=bool, count=len(interactions))
    train = interactions.subset(~is_held)
    test = interactions.subset(is_held)
    trained_users = set(train.user_ids.tolist())
    test = test.subset(np.fromiter((user in trained_users for user in test.user_ids.tolist()), dtype=bool, count=len(test)))
    return Split(train, test, held_out_items=held)
