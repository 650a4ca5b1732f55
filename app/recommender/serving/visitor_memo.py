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
every machine agrees on when a result is stale, with no broadcast. With
``REDIS_URL`` results are also shared through Redis, for the bucket's length:
a customer's next page view usually lands on another worker, or another
machine, than the one before. An unreachable Redis costs a short timeout, then
this process remembers alone for a while.
"""
from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import redis

from app.redis_outage import RedisOutage

BUCKET_SECONDS = 300
_SPREAD = 2_654_435_761  # Knuth's multiplicative hash: consecutive profile ids get offsets far apart
DEFAULT_VISITORS = 10_000  # ~4 KB a remembered slider: ~40 MB a worker at most

_MISSING = object()
_visitors: OrderedDict[tuple, dict] = OrderedDict()
_lock = threading.Lock()
_capacity = DEFAULT_VISITORS
_shared: SharedResults | None = None


def configure(visitors: int, redis_url: str = "") -> None:
    """Remember results for at most ``visitors`` visitors (the least recently seen go first); 0: none.
    ``redis_url``: share them with every worker through this Redis."""
    global _capacity, _shared
    with _lock:
        _capacity = max(0, visitors)
        _visitors.clear()
        _shared = SharedResults(redis_url) if redis_url and _capacity else None


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
    """``compute()``, or what it returned before for the same visitor history and ``what`` (here, or
    on another worker through Redis)."""
    if key is None:
        return compute()
    with _lock:
        results = _visitors.get(key)
        if results is not None:
            _visitors.move_to_end(key)
            if what in results:
                return results[what]
    shared = _shared
    if shared is None:
        value = compute()
    else:
        shared_key = shared.key_for(key, what)
        value = shared.get(shared_key, _MISSING)
        if value is _MISSING:
            value = compute()
            shared.put(shared_key, value)
    with _lock:
        results = _visitors.get(key)
        if results is None:
            results = _visitors[key] = {}
            while len(_visitors) > _capacity:
                _visitors.popitem(last=False)
        results[what] = value
    return value


def clear() -> None:
    """Forget everything this process remembers (tests reuse row ids across emptied databases)."""
    with _lock:
        _visitors.clear()


class SharedResults:
    """Results in Redis, each for one bucket's length (its key's bucket has passed by then anyway).

    Values are pickled: they are this process's own objects, read back only by the app's processes from
    the app's own Redis (as the task queue's are).
    """

    PREFIX = "p13n:memo:"
    TIMEOUT_SECONDS = 0.05  # a page view waits this long at most for a Redis that stopped answering
    RETRY_SECONDS = 10.0

    def __init__(self, url: str):
        self._redis = redis.Redis.from_url(url, socket_timeout=self.TIMEOUT_SECONDS, socket_connect_timeout=self.TIMEOUT_SECONDS)
        self._outage = RedisOutage("remembered results' Redis", "this process remembers alone", self.RETRY_SECONDS)

    def key_for(self, key: tuple, what: Hashable) -> str:
        # repr: the key's parts are numbers, strings, None and datetimes, whose repr is stable across processes.
        return self.PREFIX + hashlib.blake2b(repr((key, what)).encode(), digest_size=16).hexdigest()

    def get(self, key: str, missing: Any) -> Any:
        if not self._outage.reachable():
            return missing
        try:
            stored = self._redis.get(key)
        except redis.RedisError:
            self._outage.failed()
            return missing
        return missing if stored is None else pickle.loads(stored)  # noqa: S301 - our own values, our own Redis

    def put(self, key: str, value: Any) -> None:
        if not self._outage.reachable():
            return
        try:
            self._redis.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), ex=BUCKET_SECONDS)
        except redis.RedisError:
            self._outage.failed()
