"""A synthetic shop with planted structure, small enough for unit tests (seconds).

- Customers belong to one of ``groups`` tastes and buy mostly (85%) within it;
  items carry their group as a category, so features say something.
- Each customer restocks one "staple" of their group every ``staple_days``
  (quantity 1), so repeat purchase has a rhythm to find.
- Popularity is flat across groups: it cannot find the taste structure.
- Some customers appear only near the end (new visitors of the test period)
  or just before the cutoff (new visitors of the validation slice).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from app.recommender.training.features import Interactions

DAY = 86400.0
START = 1_600_000_000.0


@dataclass
class Shop:
    interactions: Interactions
    purchases: Interactions
    items: dict[str, list[str]]
    users: dict[str, list[str]]
    item_group: dict[str, int]
    user_group: dict[str, int]


def build(seed: int = 7, groups: int = 6, items_per_group: int = 30, customers: int = 240, per_customer: int = 16,
          days: int = 120, staple_days: float = 10.0, late_customers: int = 80, planted_features: bool = True) -> Shop:
    rng = np.random.default_rng(seed)
    n_items = groups * items_per_group
    item_group = np.repeat(np.arange(groups), items_per_group)
    category = item_group if planted_features else rng.permutation(item_group)
    items = {f"p{i}": ["word:thing", f"category:group {category[i]}"] for i in range(n_items)}
    rows: list[tuple] = []  # (user, item, weight, time, quantity)

    def buy(user: str, group: int, count: int, start: float, end: float) -> None:
        own = rng.choice(np.flatnonzero(item_group == group), size=int(round(count * 0.85)), replace=False)
        other = rng.choice(n_items, size=count - len(own), replace=False)
        for item in np.concatenate([own, other]):
            rows.append((user, f"p{item}", 1.0, float(rng.uniform(start, end)), 1.0))

    users, user_group = {}, {}
    for n in range(customers):
        user, group = f"c{n}", n % groups
        users[user], user_group[user] = [f"segment:s{group}"], group
        buy(user, group, per_customer, START, START + days * DAY)
        staple = f"p{group * items_per_group + (n // groups) % items_per_group}"
        at = START + rng.uniform(0, staple_days) * DAY
        while at < START + days * DAY:
            rows.append((user, staple, 1.0, at, 1.0))
            at += staple_days * DAY * rng.uniform(0.8, 1.2)
    for n in range(late_customers):  # first seen late: half in the validation slice, half in the test period
        user, group = f"late{n}", n % groups
        users[user], user_group[user] = [f"segment:s{group}"], group
        start = START + days * DAY * (0.72 if n % 2 else 0.9)
        buy(user, group, 10, start, start + 0.08 * days * DAY)
    rows.sort(key=lambda row: row[3])
    interactions = Interactions.from_tuples([row[:4] for row in rows])
    purchases = Interactions(interactions.user_ids, interactions.item_ids, np.array([row[4] for row in rows]), interactions.timestamps)
    return Shop(interactions, purchases, items, users, {f"p{i}": int(item_group[i]) for i in range(n_items)}, user_group)


def write_csvs(shop: Shop, directory) -> None:
    with open(directory / "interactions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "item_id", "timestamp", "weight", "quantity"])
        for user, item, weight, at, quantity in zip(shop.interactions.user_ids, shop.interactions.item_ids, shop.interactions.weights,
                                                     shop.interactions.timestamps, shop.purchases.weights):
            writer.writerow([user, item, int(at), weight, int(quantity)])
    with open(directory / "items.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "title", "category"])
        for item, tokens in shop.items.items():
            writer.writerow([item, f"Thing number {item[1:]}", tokens[1].removeprefix("category:")])
    with open(directory / "users.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "segment"])
        for user, tokens in shop.users.items():
            writer.writerow([user, tokens[0].removeprefix("segment:")])
