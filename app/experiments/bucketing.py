"""Stable assignment of units (customers or visitors) to experiment arms.

The arm is a pure function of (salt, unit): SHA-256, not Python's hash(),
so every worker on every machine and Python version agrees, and a unit keeps
its arm for the experiment's life. Callers pass the customer id once the
shopper has identified (so the arm follows them across devices), the
visitor id before.
"""
from __future__ import annotations

import hashlib

HOLDOUT = "holdout"


def unit_float(salt: str, unit_id: str) -> float:
    """A uniform number in [0, 1) from 53 bits of SHA-256 of ``salt`` and ``unit_id``."""
    digest = hashlib.sha256(f"{salt}\x1f{unit_id}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


def assign(unit_id: str, experiment_key: str, arms: list[tuple[str, float]], holdout: float = 0.0) -> str | None:
    """The arm for this unit: ``"holdout"`` for the holdout share, else an arm by relative weight.

    The holdout is carved first and independently of the arms' split
    (different salt), so changing weights never moves anyone in or out of it.
    """
    if not 0.0 <= holdout < 1.0:
        raise ValueError(f"holdout must be in [0, 1), got {holdout}")
    if any(weight < 0 for _, weight in arms):
        raise ValueError("arm weights must not be negative")
    total = sum(weight for _, weight in arms)
    if not arms or total <= 0:
        return None
    if holdout and unit_float(f"{experiment_key}:holdout", unit_id) < holdout:
        return HOLDOUT
    point = unit_float(experiment_key, unit_id) * total
    running = 0.0
    for name, weight in arms:
        running += weight
        if weight > 0 and point < running:
            return name
    return next(name for name, weight in reversed(arms) if weight > 0)


def in_global_holdout(unit_id: str, shop_key: str, percent: float) -> bool:
    """Whether the unit is in the shop-wide holdout that sees no personalization at all."""
    if not 0.0 <= percent <= 100.0:
        raise ValueError(f"holdout percent must be in [0, 100], got {percent}")
    return unit_float(f"global-holdout:{shop_key}", unit_id) * 100.0 < percent
