"""Predicted customer lifetime value: expected discounted revenue over a horizon.

    CLV = sum over months m = 1..H of  E[M] * (E[Y(m)] - E[Y(m-1)]) / (1 + d)^m

where E[Y(m)] is BG/NBD's expected number of transactions in the next m
months (given the customer's history), E[M] the Gamma-Gamma expected spend
per transaction, and d the monthly discount rate: revenue expected in month m
is worth 1/(1+d)^m today. The default d = 1% a month is about 12.7% a year, a
typical cost of capital for a small retailer; d = 0 gives plain expected
revenue. A month is 365.25/12 days.
"""
from __future__ import annotations

import numpy as np

from app.clv import bgnbd
from app.clv.rfm import unit_days

DEFAULT_HORIZON_MONTHS = 12
DEFAULT_MONTHLY_DISCOUNT_RATE = 0.01
MONTH_DAYS = 365.25 / 12


def expected_discounted_revenue(
    model: bgnbd.BGNBD, x, t_x, T, spend_per_transaction,
    horizon_months: int = DEFAULT_HORIZON_MONTHS, monthly_discount_rate: float = DEFAULT_MONTHLY_DISCOUNT_RATE,
) -> np.ndarray:
    """Per customer: expected revenue in the next ``horizon_months``, discounted monthly (see the module doc)."""
    if horizon_months < 1:
        raise ValueError("horizon_months must be at least 1")
    if monthly_discount_rate < 0:
        raise ValueError("monthly_discount_rate must be >= 0")
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    month = MONTH_DAYS / unit_days(model.unit)
    previous = np.zeros(np.shape(x))
    value = np.zeros(np.shape(x))
    for m in range(1, horizon_months + 1):
        cumulative = bgnbd.expected_transactions(model, m * month, x, t_x, T)
        value += (cumulative - previous) / (1.0 + monthly_discount_rate) ** m
        previous = cumulative
    return value * np.asarray(spend_per_transaction, dtype=float)
