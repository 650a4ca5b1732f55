"""Results computed from one visitor's history, kept between their page views (in this process).

A known customer's recommendations cost more than the rest of their page view
(reading a few hundred events and order lines, then ranking the catalog), and
most of their page views come with the history of the one before. So each
result is remembered under what it was computed from:

- the profile as read with the page view: its id, when it was first seen (so a
  row id the database hands out again after an erasure never matches), its
  ``history_version`` (one more with every write that changes what the ranking
  reads: taste events, conversions, orders, merges; models/profile.py), its
  customer id and the traits the model reads (country, device, medium);
- a time bucket of ``BUCKET_SECONDS`` (starting at an offset of the visitor's
  own): the ranking decays with time, and any write that does not count in
  ``history_version`` (a retention purge) is seen within a bucket;
- and, from the caller, the rest of its inputs (the shop's config and catalog
  versions, the model version, the request).

The version is read from the database with the profile, so every worker on
every machine agrees on when a result is stale, with no broadcast.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

BUCKET_SECONDS = 300
_SPREAD = 2_654_435_761  # Knuth's multiplicative hash: consecutive profile ids get offsets far apart
DEFAULT_VISITORS = 10_000  # ~4 KB a remembered slider: ~40 MB a worker at most

_visitors: OrderedDict[tuple, dict] = OrderedDict()
_lock = threading.Lock()
_capacity = DEFAULT_VISITORS


def configure(visitors: int) -> None:
    """Remember results for at most ``visitors`` visitors (the least recently seen go first); 0: none."""
    global _capacity
    with _lock:
        _capacity = max(0, visitors)
        _visitors.clear()


def visitor_key(profile) -> tuple | None:
    """What identifies a visitor's history as of this read; None for a visitor without a profile."""
    if profile is None or _capacity == 0:
        return None
    return (
        profile.shop_id, profile.id, profile.first_seen_at, profile.history_version,
        profile.customer_id, profile.country, profile.device, profile.traffic_medium,
        # Each visitor's buckets start at their own offset: results computed at one moment (a busy hour's
        # first minutes) do not all expire at once and make every page view of the next second a miss.
        int((time.time() + profile.id * _SPREAD % BUCKET_SECONDS) // BUCKET_SECONDS),
    )


def knows(key: tuple | None) -> bool:
    """Whether anything is remembered for this visitor's history (their page view will likely not read it)."""
    return key is not None and key in _visitors


def remembered(key: tuple | None, what: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it returned before for the same visitor history and ``what``."""
    if key is None:
        return compute()
    with _lock:
        results = _visitors.get(key)
        if results is not None:
            _visitors.move_to_end(key)
            if what in results:
                return results[what]
    value = compute()
    with _lock:
        results = _visitors.get(key)
        if results is None:
            results = _visitors[key] = {}
            while len(_visitors) > _capacity:
                _visitors.popitem(last=False)
        results[what] = value
    return value


def clear() -> None:
    """Forget everything (tests reuse row ids across emptied databases)."""
    with _lock:
        _visitors.clear()
