"""Visitors' histories as the ranking reads them: one visitor at request time, or a block of them offline.

Serving and the offline evaluation build the same :class:`Histories` (parallel
arrays in the model's item indices) and hand it to the same ranking code, so
what is measured is what is served. Items the model does not know are dropped
here: nothing below this module sees an external id.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

SECONDS_PER_DAY = 86400.0
# Buckets of history length (distinct items interacted with) that get their own blend weights.
HISTORY_BUCKETS = (("short", 0, 2), ("medium", 3, 9), ("long", 10, None))
# A visitor the model was not trained on, with a short history (folded in from a couple of events), gets weights of
# its own: measured on such visitors, apart from known customers with a short history, whose trained vectors
# carry more (so what helps newcomers is not forced on them, nor the reverse).
NEW_VISITOR_BUCKET = "new"
BUCKET_NAMES = (*(name for name, _, _ in HISTORY_BUCKETS), NEW_VISITOR_BUCKET)


@dataclass
class VisitorHistory:
    """One visitor in external ids, as :mod:`visitor` reads them from the store.

    ``events``: ``(item_id, weight, unix_time)`` taste interactions (views,
    carts, purchases); ``purchases``: ``(item_id, unix_time, quantity)`` order
    lines; ``recent_views``: newest first, never recommended back by
    ``personalized`` (they belong to ``recently_viewed``).
    """

    user_id: object | None = None
    feature_tokens: Sequence[str] = ()
    events: Sequence[tuple[object, float, float]] = ()
    purchases: Sequence[tuple[object, float, float]] = ()
    recent_views: Sequence[object] = ()


def _ints(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _floats(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


@dataclass
class Histories:
    """A block of visitors' histories in item indices (row ``r`` is one visitor).

    ``user_rows``: each visitor's row in the trained user vectors, ``-1`` for a
    visitor the model was not trained on (folded in from ``feature_tokens``
    and ``session`` items). ``session_*``: items folded into the LightFM
    vector (a known user's are only those newer than the model). ``exclude_*``:
    items never returned for that row (recent views, the caller's exclusions).
    """

    n_rows: int
    event_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    event_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    event_weights: np.ndarray = field(default_factory=lambda: np.empty(0))
    event_times: np.ndarray = field(default_factory=lambda: np.empty(0))
    purchase_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    purchase_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    purchase_times: np.ndarray = field(default_factory=lambda: np.empty(0))
    purchase_quantities: np.ndarray = field(default_factory=lambda: np.empty(0))
    user_rows: np.ndarray | None = None
    feature_tokens: list[Sequence[str]] | None = None
    session_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    session_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    exclude_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    exclude_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    # history_lengths(), once computed; subsets take their rows' share (the blend search subsets one view thousands of times).
    lengths: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        for name in ("event_rows", "event_items", "purchase_rows", "purchase_items", "session_rows", "session_items",
                     "exclude_rows", "exclude_items"):
            setattr(self, name, _ints(getattr(self, name)))
        for name in ("event_weights", "event_times", "purchase_times", "purchase_quantities"):
            setattr(self, name, _floats(getattr(self, name)))
        self.user_rows = np.full(self.n_rows, -1, np.int64) if self.user_rows is None else _ints(self.user_rows)
        if self.feature_tokens is None:
            self.feature_tokens = [()] * self.n_rows

    def is_blank(self) -> bool:
        """One visitor the model was not trained on, with no events, purchases or session yet."""
        return (self.n_rows == 1 and self.user_rows[0] < 0
                and not (len(self.event_rows) or len(self.purchase_rows) or len(self.session_rows)))

    def without_exclusions(self) -> Histories:
        return Histories(**{**self.__dict__, "exclude_rows": np.empty(0, np.int64), "exclude_items": np.empty(0, np.int64)})

    def history_lengths(self) -> np.ndarray:
        """Distinct items each row has interacted with (events and purchases)."""
        if self.lengths is None:
            rows = np.concatenate([self.event_rows, self.purchase_rows])
            items = np.concatenate([self.event_items, self.purchase_items])
            if not len(rows):
                self.lengths = np.zeros(self.n_rows, np.int64)
            else:
                pairs = np.unique(rows * (int(items.max()) + 1) + items)
                self.lengths = np.bincount(pairs // (int(items.max()) + 1), minlength=self.n_rows)
        return self.lengths

    def buckets(self) -> np.ndarray:
        """The history bucket name of each row (see ``HISTORY_BUCKETS`` and ``NEW_VISITOR_BUCKET``)."""
        lengths = self.history_lengths()
        names = np.empty(self.n_rows, dtype=object)
        for name, low, high in HISTORY_BUCKETS:
            names[(lengths >= low) & ((lengths <= high) if high is not None else True)] = name
        names[(self.user_rows < 0) & (names == HISTORY_BUCKETS[0][0])] = NEW_VISITOR_BUCKET
        return names

    def decayed_matrix(self, n_items: int, now: float, half_life_days: float | None) -> sp.csr_matrix:
        """Rows x items: ``min(1, sum of weight * 0.5 ** (age / half_life))`` over each row's events.

        Capped at 1 so an item seen fifty times counts like one bought today:
        how recent an interest is matters more than how often it was shown.
        """
        values = self._decayed_weights(now, half_life_days)
        matrix = sp.csr_matrix((values.astype(np.float32), (self.event_rows, self.event_items)), shape=(self.n_rows, n_items))
        matrix.sum_duplicates()
        np.minimum(matrix.data, 1.0, out=matrix.data)
        return matrix

    def decayed_items(self, now: float, half_life_days: float | None) -> tuple[np.ndarray, np.ndarray]:
        """A one-row block's ``decayed_matrix`` row as ``(items, values)``, without building a sparse matrix.

        At request time a history has a few dozen events: scipy's constructors cost more than the sums.
        """
        if self.n_rows != 1:
            raise ValueError("decayed_items is for one visitor; use decayed_matrix for a block")
        items, position = np.unique(self.event_items, return_inverse=True)
        summed = np.bincount(position, weights=self._decayed_weights(now, half_life_days).astype(np.float32), minlength=len(items))
        return items, np.minimum(summed, 1.0)

    def _decayed_weights(self, now: float, half_life_days: float | None) -> np.ndarray:
        if not half_life_days:
            return self.event_weights.copy()
        age = np.maximum(now - self.event_times, 0.0)
        return self.event_weights * 0.5 ** (age / (half_life_days * SECONDS_PER_DAY))

    def before(self, moment: float) -> Histories:
        """The same rows with only what happened before ``moment`` (events, purchases; sessions and exclusions kept)."""
        events = self.event_times < moment
        bought = self.purchase_times < moment
        return Histories(
            n_rows=self.n_rows,
            event_rows=self.event_rows[events], event_items=self.event_items[events],
            event_weights=self.event_weights[events], event_times=self.event_times[events],
            purchase_rows=self.purchase_rows[bought], purchase_items=self.purchase_items[bought],
            purchase_times=self.purchase_times[bought], purchase_quantities=self.purchase_quantities[bought],
            user_rows=self.user_rows, feature_tokens=self.feature_tokens,
            session_rows=self.session_rows, session_items=self.session_items,
            exclude_rows=self.exclude_rows, exclude_items=self.exclude_items,
        )

    def subset(self, rows: np.ndarray) -> Histories:
        """The histories of ``rows`` only, renumbered 0..len(rows)-1 in that order."""
        rows = _ints(rows)
        position = np.full(self.n_rows, -1, np.int64)
        position[rows] = np.arange(len(rows))

        def pick(row_array, *arrays):
            keep = position[row_array] >= 0 if len(row_array) else np.zeros(0, bool)
            return (position[row_array[keep]], *(array[keep] for array in arrays))

        event = pick(self.event_rows, self.event_items, self.event_weights, self.event_times)
        purchase = pick(self.purchase_rows, self.purchase_items, self.purchase_times, self.purchase_quantities)
        session = pick(self.session_rows, self.session_items)
        exclude = pick(self.exclude_rows, self.exclude_items)
        return Histories(
            n_rows=len(rows),
            event_rows=event[0], event_items=event[1], event_weights=event[2], event_times=event[3],
            purchase_rows=purchase[0], purchase_items=purchase[1], purchase_times=purchase[2], purchase_quantities=purchase[3],
            user_rows=self.user_rows[rows], feature_tokens=[self.feature_tokens[r] for r in rows],
            session_rows=session[0], session_items=session[1], exclude_rows=exclude[0], exclude_items=exclude[1],
            lengths=self.history_lengths()[rows],
        )


def from_visitor(
    visitor: VisitorHistory, item_index: dict, user_index: dict, trained_until: float | None, exclude_item_ids: Sequence = ()
) -> Histories:
    """One visitor as a one-row block.

    A visitor the model was trained on keeps their trained vector and folds in
    only what they did after training (``trained_until``); anyone else is
    folded in from their feature tokens and everything they did.
    """
    known = visitor.user_id is not None and visitor.user_id in user_index
    events = [(item_index[item], weight, at) for item, weight, at in visitor.events if item in item_index]
    purchases = [(item_index[item], at, quantity) for item, at, quantity in visitor.purchases if item in item_index]
    session = [index for index, _, at in events if not known or trained_until is None or at > trained_until]
    excluded = {item_index[item] for item in [*visitor.recent_views, *exclude_item_ids] if item in item_index}
    return Histories(
        n_rows=1,
        event_rows=np.zeros(len(events)), event_items=[e[0] for e in events],
        event_weights=[e[1] for e in events], event_times=[e[2] for e in events],
        purchase_rows=np.zeros(len(purchases)), purchase_items=[p[0] for p in purchases],
        purchase_times=[p[1] for p in purchases], purchase_quantities=[p[2] for p in purchases],
        user_rows=[user_index[visitor.user_id] if known else -1],
        feature_tokens=[tuple(visitor.feature_tokens)],
        session_rows=np.zeros(len(session)), session_items=session,
        exclude_rows=np.zeros(len(excluded)), exclude_items=sorted(excluded),
    )
