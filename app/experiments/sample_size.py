"""How many visitors, and so how many days, a holdout test needs before it can tell an uplift from noise.

The two-proportion test the stats report runs (app/experiments/stats.py),
planned the usual way (Fleiss; Chow, Shao & Wang, "Sample Size Calculations
in Clinical Research", 4.2) for unequal arms: with the holdout a share ``h``
of N visitors, the control rate p0 and the personalized rate p1 = p0 (1 + u),

    N = (z_{1-a/2} + z_{1-b})^2 (p0 q0 / h + p1 q1 / (1 - h)) / (p1 - p0)^2
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

ALPHA = 0.05  # two-sided, as the report's 95% intervals
POWER = 0.8


@dataclass(frozen=True)
class HoldoutPlan:
    holdout_percent: float
    relative_uplift: float
    visitors_needed: int | None  # None: a 0% holdout can never conclude
    days_needed: int | None  # None: no traffic to estimate from, or it never concludes


def visitors_needed(base_rate: float, relative_uplift: float, holdout_share: float, alpha: float = ALPHA, power: float = POWER) -> int | None:
    """Visitors in both arms together for the test to detect ``relative_uplift`` over ``base_rate``."""
    if not 0 < holdout_share < 1 or not 0 < base_rate < 1 or relative_uplift <= 0:
        return None
    treated = min(base_rate * (1 + relative_uplift), 1 - 1e-9)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    variance = base_rate * (1 - base_rate) / holdout_share + treated * (1 - treated) / (1 - holdout_share)
    return math.ceil(z * z * variance / (treated - base_rate) ** 2)


def plan(holdout_percent: float, relative_uplift: float, conversion_rate: float | None, visitors_per_day: float) -> HoldoutPlan:
    """The visitors and days a holdout of this size needs at the shop's own conversion rate and traffic."""
    needed = visitors_needed(conversion_rate or 0.0, relative_uplift, holdout_percent / 100)
    days = math.ceil(needed / visitors_per_day) if needed is not None and visitors_per_day > 0 else None
    return HoldoutPlan(holdout_percent, relative_uplift, needed, days)
