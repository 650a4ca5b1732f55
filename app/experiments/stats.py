"""Comparing an arm with its control: conversion rate and revenue per visitor, uplift with a 95% interval.

Fed by aggregates the database can give: visitors n, converting visitors c,
revenue sum s and sum of squares q (per visitor).

- Relative conversion uplift: the delta method on the log of the rate ratio,
  ``Var(log r) = (1-p1)/(n1 p1) + (1-p0)/(n0 p0)``; exponentiated, so the
  interval is asymmetric as a ratio's should be.
- Revenue per visitor: Welch's normal interval for the difference of means,
  reported also relative to the control mean.
- p-value: the pooled two-proportion z-test.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

MIN_VISITORS = 100
MIN_CONVERSIONS = 10


@dataclass(frozen=True)
class ArmResult:
    visitors: int
    conversions: int
    revenue: float = 0.0
    revenue_sq: float = 0.0

    @property
    def rate(self) -> float | None:
        return self.conversions / self.visitors if self.visitors else None

    @property
    def revenue_per_visitor(self) -> float | None:
        return self.revenue / self.visitors if self.visitors else None

    def revenue_variance(self) -> float | None:
        if self.visitors < 2:
            return None
        mean = self.revenue / self.visitors
        return max((self.revenue_sq - self.visitors * mean * mean) / (self.visitors - 1), 0.0)


def compare(treatment: ArmResult, control: ArmResult, confidence: float = 0.95) -> dict:
    z = norm.ppf(0.5 + confidence / 2)
    result = {
        "treatment_rate": treatment.rate, "control_rate": control.rate,
        "treatment_revenue_per_visitor": treatment.revenue_per_visitor,
        "control_revenue_per_visitor": control.revenue_per_visitor,
        "conversion_uplift": None, "conversion_uplift_interval": None, "p_value": None,
        "revenue_uplift": None, "revenue_difference_interval": None,
    }
    p1, p0 = treatment.rate, control.rate
    if p1 is not None and p0 is not None and treatment.conversions and control.conversions:
        ratio = p1 / p0
        se = math.sqrt((1 - p1) / (treatment.visitors * p1) + (1 - p0) / (control.visitors * p0))
        result["conversion_uplift"] = ratio - 1
        result["conversion_uplift_interval"] = [math.exp(math.log(ratio) - z * se) - 1, math.exp(math.log(ratio) + z * se) - 1]
    if p1 is not None and p0 is not None:
        pooled = (treatment.conversions + control.conversions) / (treatment.visitors + control.visitors)
        se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / treatment.visitors + 1 / control.visitors))
        result["p_value"] = float(2 * norm.sf(abs(p1 - p0) / se_pooled)) if se_pooled > 0 else None
    v1, v0 = treatment.revenue_variance(), control.revenue_variance()
    m1, m0 = treatment.revenue_per_visitor, control.revenue_per_visitor
    if v1 is not None and v0 is not None:
        difference = m1 - m0
        se = math.sqrt(v1 / treatment.visitors + v0 / control.visitors)
        result["revenue_difference_interval"] = [difference - z * se, difference + z * se]
        result["revenue_uplift"] = difference / m0 if m0 else None
    result["note"] = _note(treatment, control, result)
    return result


def _note(treatment: ArmResult, control: ArmResult, result: dict) -> str:
    small = [
        name for name, arm in (("this arm", treatment), ("the control", control))
        if arm.visitors < MIN_VISITORS or arm.conversions < MIN_CONVERSIONS
    ]
    if small:
        return (f"Not enough data yet: {' and '.join(small)} need at least {MIN_VISITORS} visitors "
                f"and {MIN_CONVERSIONS} conversions to conclude.")
    low, high = result["conversion_uplift_interval"]
    span = f"95% CI {low:+.1%} to {high:+.1%}"
    if low <= 0 <= high:
        return f"No significant difference yet: conversion {result['conversion_uplift']:+.1%} ({span})."
    direction = "up" if result["conversion_uplift"] > 0 else "down"
    return f"Conversion {direction} {abs(result['conversion_uplift']):.1%} ({span})."
