"""Going on without Redis for a while after it failed: a page view must not wait on it at every request."""
from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class RedisOutage:
    """After a failure, Redis is left alone for ``retry_seconds`` (the caller uses its in-process fallback),
    then tried again."""

    def __init__(self, what: str, fallback: str, retry_seconds: float = 10.0):
        self.what, self.fallback, self.retry_seconds = what, fallback, retry_seconds
        self._until = 0.0

    def reachable(self) -> bool:
        return time.monotonic() >= self._until

    def failed(self) -> None:
        log.warning("%s unreachable; %s for %.0f s", self.what, self.fallback, self.retry_seconds, exc_info=True)
        self._until = time.monotonic() + self.retry_seconds
