"""Evaluation views of a temporal split: whose history is folded in, what they may be shown, what counts as a hit.

One builder per protocol, shared by the validation slice (choosing the
blend) and the offline evaluation (``flask evaluate --protocol``):

- ``discovery``: known users with something new after the cutoff; their
  history is everything before it and none of it may be recommended.
- ``repeat``: known users with anything after the cutoff, bought-before
  products included; nothing is excluded by the protocol.
- ``new_visitors``: users first seen after the cutoff; their first
  ``NEW_VISITOR_EVENTS`` events are folded in (as a new visitor with two
  views is served), the rest are the targets.

Histories are built as serving builds them (serving/history.py): a known
user keeps their trained vector, a new one is folded in from features and
session.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.recommender.serving.history import Histories
from app.recommender.training.features import Interactions

NEW_VISITOR_EVENTS = 2


@dataclass
class View:
    name: str
    user_ids: list
    histories: Histories
    relevant: sp.csr_matrix  # rows x items
    now: float


def _index(values: np.ndarray, index: Mapping) -> np.ndarray:
    return np.fromiter((index.get(value, -1) for value in values.tolist()), dtype=np.int64, count=len(values))


def build_histories(
    user_ids: Sequence, events: Interactions, purchases: Interactions | None, item_index: Mapping, user_index: Mapping,
    user_tokens: Mapping | None, *, exclude_history: bool,
) -> Histories:
    """The histories of ``user_ids`` (rows, in order) from ``events`` and ``purchases`` (quantities as weights)."""
    user_rows = np.fromiter((user_index.get(user, -1) for user in user_ids), dtype=np.int64, count=len(user_ids))
    rows_of = _row_finder(user_ids, user_rows, user_index)
    event_rows, event_items = rows_of(events), events.codes("item", item_index)
    keep = (event_rows >= 0) & (event_items >= 0)
    event_rows, event_items = event_rows[keep], event_items[keep]
    if purchases is not None and len(purchases):
        purchase_rows, purchase_items = rows_of(purchases), purchases.codes("item", item_index)
        bought = (purchase_rows >= 0) & (purchase_items >= 0)
        purchase = (purchase_rows[bought], purchase_items[bought], purchases.timestamps[bought], purchases.weights[bought])
    else:
        purchase = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0))
    unknown = user_rows[event_rows] < 0
    excluded_rows = np.concatenate([event_rows, purchase[0]]) if exclude_history else np.empty(0, np.int64)
    excluded_items = np.concatenate([event_items, purchase[1]]) if exclude_history else np.empty(0, np.int64)
    return Histories(
        n_rows=len(user_ids),
        event_rows=event_rows, event_items=event_items, event_weights=events.weights[keep], event_times=events.timestamps[keep],
        purchase_rows=purchase[0], purchase_items=purchase[1], purchase_times=purchase[2], purchase_quantities=purchase[3],
        user_rows=user_rows,
        feature_tokens=[tuple((user_tokens or {}).get(user, ())) for user in user_ids],
        session_rows=event_rows[unknown], session_items=event_items[unknown],
        exclude_rows=excluded_rows, exclude_items=excluded_items,
    )


def _row_finder(user_ids: Sequence, user_rows: np.ndarray, user_index: Mapping):
    """``part -> each row's position in user_ids`` (-1: not one of them).

    When every user is a trained one, through the part's cached user codes
    (an array lookup); otherwise one dict lookup per row.
    """
    if len(user_ids) and (user_rows >= 0).all():
        position = np.full(len(user_index) + 1, -1, np.int64)  # the extra last slot answers code -1 (an unknown user)
        position[user_rows] = np.arange(len(user_ids))
        return lambda part: position[part.codes("user", user_index)]
    rows_of = {user: row for row, user in enumerate(user_ids)}
    return lambda part: _index(part.user_ids, rows_of)


def relevant_matrix(user_ids: Sequence, targets: Interactions, item_index: Mapping, n_items: int) -> sp.csr_matrix:
    rows_of = {user: row for row, user in enumerate(user_ids)}
    rows, items = _index(targets.user_ids, rows_of), targets.codes("item", item_index)
    keep = (rows >= 0) & (items >= 0)
    matrix = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (rows[keep], items[keep])), shape=(len(user_ids), n_items))
    matrix.data[:] = 1.0
    return matrix


def _without(relevant: sp.csr_matrix, histories: Histories) -> sp.csr_matrix:
    """``relevant`` minus each row's excluded items (what a protocol does not count)."""
    excluded = sp.csr_matrix(
        (np.ones(len(histories.exclude_rows), np.float32), (histories.exclude_rows, histories.exclude_items)), shape=relevant.shape
    )
    result = (relevant - relevant.multiply(excluded > 0)).tocsr()
    result.eliminate_zeros()
    return result


def _with_targets(name: str, users: list, histories: Histories, relevant: sp.csr_matrix, now: float) -> View:
    keep = np.flatnonzero(relevant.getnnz(axis=1) > 0)
    return View(name, [users[row] for row in keep], histories.subset(keep), relevant[keep], now)


def concat(first: View, second: View) -> View:
    """Both views' rows in one (their histories must use the same item indices); ``now`` of the first."""
    def shifted(histories: Histories, offset: int) -> dict:
        return {name: getattr(histories, name) + (offset if name.endswith("_rows") and name != "user_rows" else 0)
                for name in ("event_rows", "event_items", "event_weights", "event_times", "purchase_rows", "purchase_items",
                             "purchase_times", "purchase_quantities", "session_rows", "session_items", "exclude_rows", "exclude_items")}

    a, b = shifted(first.histories, 0), shifted(second.histories, first.histories.n_rows)
    histories = Histories(
        n_rows=first.histories.n_rows + second.histories.n_rows,
        **{name: np.concatenate([a[name], b[name]]) for name in a},
        user_rows=np.concatenate([first.histories.user_rows, second.histories.user_rows]),
        feature_tokens=list(first.histories.feature_tokens) + list(second.histories.feature_tokens),
    )
    return View(f"{first.name}+{second.name}", first.user_ids + second.user_ids, histories,
                sp.vstack([first.relevant, second.relevant]).tocsr(), first.now)


def _sample(users: list, limit: int | None, seed: int = 0) -> list:
    """At most ``limit`` of ``users`` (a seeded random choice, order kept): bounds a view's memory however big the shop."""
    if limit is None or len(users) <= limit:
        return users
    chosen = np.sort(np.random.default_rng(seed).choice(len(users), limit, replace=False))
    return [users[n] for n in chosen]


def discovery(before: Interactions, purchases_before: Interactions | None, after: Interactions, item_index: Mapping,
              user_index: Mapping, user_tokens: Mapping | None, now: float, limit: int | None = None) -> View:
    """``limit``: at most that many users, sampled among those active after the cutoff (those with nothing new then drop)."""
    users = _sample([user for user in dict.fromkeys(after.user_ids) if user in user_index], limit)
    histories = build_histories(users, before, purchases_before, item_index, user_index, user_tokens, exclude_history=True)
    relevant = _without(relevant_matrix(users, after, item_index, len(item_index)), histories)
    return _with_targets("discovery", users, histories, relevant, now)


def repeat(before: Interactions, purchases_before: Interactions | None, after: Interactions, item_index: Mapping,
           user_index: Mapping, user_tokens: Mapping | None, now: float, limit: int | None = None) -> View:
    users = _sample([user for user in dict.fromkeys(after.user_ids) if user in user_index], limit)
    histories = build_histories(users, before, purchases_before, item_index, user_index, user_tokens, exclude_history=False)
    return _with_targets("repeat", users, histories, relevant_matrix(users, after, item_index, len(item_index)), now)


def new_visitors(after: Interactions, purchases_after: Interactions | None, item_index: Mapping, known_users: Mapping,
                 user_tokens: Mapping | None, now: float, events: int = NEW_VISITOR_EVENTS, limit: int | None = None) -> View:
    """Users absent before the cutoff: their first ``events`` events (by time) are the history, the rest the targets.

    ``now`` is the latest folded event; purchases count only from before a visitor's last folded event
    (lines of the same order as the folded events are targets, not history).
    """
    order = np.lexsort((np.arange(len(after)), after.timestamps))
    ranked = after.subset(order)
    seen: dict = {}
    position = np.empty(len(ranked), np.int64)
    for n, user in enumerate(ranked.user_ids):
        position[n] = seen.get(user, 0)
        seen[user] = position[n] + 1
    new = np.fromiter((user not in known_users for user in ranked.user_ids), dtype=bool, count=len(ranked))
    folded = ranked.subset(new & (position < events))
    later = ranked.subset(new & (position >= events))
    users = _sample(list(dict.fromkeys(later.user_ids)), limit)
    first_time = {user: at for user, at in zip(folded.user_ids, folded.timestamps)}
    cutoff = max((first_time[user] for user in users if user in first_time), default=now)
    purchases = None
    if purchases_after is not None:
        purchases = purchases_after.subset(np.fromiter(
            (at < first_time.get(user, -np.inf) for user, at in zip(purchases_after.user_ids, purchases_after.timestamps)),
            dtype=bool, count=len(purchases_after)))
    histories = build_histories(users, folded, purchases, item_index, {}, user_tokens, exclude_history=True)
    relevant = _without(relevant_matrix(users, later, item_index, len(item_index)), histories)
    view = _with_targets("new_visitors", users, histories, relevant, cutoff)
    has_history = view.histories.history_lengths() > 0
    return View(view.name, [u for u, keep in zip(view.user_ids, has_history) if keep], view.histories.subset(np.flatnonzero(has_history)),
                view.relevant[np.flatnonzero(has_history)], view.now)
