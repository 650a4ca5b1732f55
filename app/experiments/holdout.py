"""The shop-wide holdout: the share of shoppers who see no personalization at all, the yardstick of total uplift."""
from __future__ import annotations

DEFAULT_HOLDOUT_PERCENT = 5.0
# Past half, the "holdout" would be the experience most shoppers get.
MAX_HOLDOUT_PERCENT = 50.0


def holdout_percent(settings: dict | None) -> float:
    """The shop's holdout in percent (stored in its settings; 5% unless the merchant chose otherwise)."""
    value = (settings or {}).get("holdout_percent", DEFAULT_HOLDOUT_PERCENT)
    try:
        return min(max(float(value), 0.0), MAX_HOLDOUT_PERCENT)
    except (TypeError, ValueError):
        return DEFAULT_HOLDOUT_PERCENT
