"""The last trending products each shop was served, kept in memory for when the database is unreachable.

Not a cache of answers (those are computed fresh, or from version-keyed
caches): a fallback. While PostgreSQL is away a slider still shows what was
trending a minute ago rather than nothing. Only trending without a visitor is
kept, so nothing personal is ever served to another shopper. Per process and
possibly a minute stale, which is fine for an outage.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from app.recommender.serving.recommend import Recommendations

REFRESH_SECONDS = 60
MAX_SHOPS = 1024


class LastKnownTrending:
    def __init__(self, refresh_seconds: float = REFRESH_SECONDS, max_entries: int = MAX_SHOPS):
        self._refresh_seconds = refresh_seconds
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str | None], tuple[float, Recommendations]] = OrderedDict()
        self._lock = threading.Lock()

    def refresh(self, shop_key: str, category: str | None, compute: Callable[[], Recommendations]) -> None:
        """Keep ``compute()`` (trending for no one in particular) if what we hold is older than a minute."""
        entry = (shop_key, category)
        with self._lock:
            held = self._entries.get(entry)
        if held is not None and held[1].items and time.monotonic() - held[0] < self._refresh_seconds:
            return
        answer = compute()
        if not answer.items and held is not None:
            return  # recommend() answers nothing when the database failed midway: keep what we had
        with self._lock:
            self._entries[entry] = (time.monotonic(), answer)
            self._entries.move_to_end(entry)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def answer(self, shop_key: str, category: str | None, limit: int, leave_out: str | None = None) -> Recommendations:
        """What was trending when last asked (without the product on the page); empty if never asked."""
        with self._lock:
            held = self._entries.get((shop_key, category))
        if held is None:
            return Recommendations("trending", None, [])
        remembered = held[1]
        items = [item for item in remembered.items if item["id"] != leave_out][:limit]
        return Recommendations("trending", remembered.model_version, items)


last_known_trending = LastKnownTrending()
