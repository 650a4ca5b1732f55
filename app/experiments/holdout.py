"""The shop-wide holdout: the share of shoppers who see no personalization at all, the yardstick of total uplift."""
from __future__ import annotations

DEFAULT_HOLDOUT_PERCENT = 5.0
# Past half, the "holdout" would be the experience most shoppers get: the settings refuse more.
MAX_HOLDOUT_PERCENT = 50.0


def holdout_percent(settings: dict | None) -> float:
    """The shop's holdout in percent (stored in its settings; 5% unless the merchant chose otherwise)."""
    value = (settings or {}).get("holdout_percent", DEFAULT_HOLDOUT_PERCENT)
    try:
        # Read as stored (up to everyone): a value from before the cap, or set for a test, keeps its meaning.
        return min(max(float(value), 0.0), 100.0)
    except (TypeError, ValueError):
        return DEFAULT_HOLDOUT_PERCENT
