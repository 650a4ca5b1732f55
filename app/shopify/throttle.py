"""Shopify's GraphQL cost limit, as a leaky bucket we can see into.

Every GraphQL Admin API answer carries `extensions.cost`:

    {"requestedQueryCost": 101, "actualQueryCost": 46,
     "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1954, "restoreRate": 100.0}}

A query runs only when the bucket holds its requested cost, and the bucket refills
at `restoreRate` points a second. So before each query we estimate what the bucket
holds now and sleep for exactly the points that are missing, instead of sending a
query that would come back THROTTLED. Plain Python: the clock is passed in.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CostThrottle:
    maximum: float | None = None
    available: float | None = None
    restore_rate: float | None = None
    seen_at: float = 0.0

    def record(self, cost: dict | None, now: float) -> None:
        """Remember the bucket as the last answer described it."""
        status = (cost or {}).get("throttleStatus") if isinstance(cost, dict) else None
        if not isinstance(status, dict):
            return
        try:
            self.maximum = float(status["maximumAvailable"])
            self.available = float(status["currentlyAvailable"])
            self.restore_rate = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return
        self.seen_at = now

    def estimated_available(self, now: float) -> float | None:
        if self.available is None or not self.restore_rate:
            return None
        refilled = self.available + self.restore_rate * max(0.0, now - self.seen_at)
        return min(self.maximum or refilled, refilled)

    def wait_before(self, cost: float | None, now: float) -> float:
        """Seconds to sleep before a query of this requested cost can run (0 when it can run now)."""
        available = self.estimated_available(now)
        if cost is None or available is None or cost <= available:
            return 0.0
        # A query dearer than the whole bucket can never run; Shopify refuses it
        # (MAX_COST_EXCEEDED) without charging, so there is nothing to wait for.
        if self.maximum is not None and cost > self.maximum:
            return 0.0
        return (cost - available) / self.restore_rate


def requested_cost(cost: dict | None) -> float | None:
    try:
        return float((cost or {})["requestedQueryCost"])
    except (KeyError, TypeError, ValueError):
        return None
