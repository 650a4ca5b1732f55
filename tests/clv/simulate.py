"""Customers drawn from the BG/NBD and Gamma-Gamma models themselves, so a fit can be checked against the truth."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np


def simulate_purchases(
    customers: int, days: int, r: float, alpha: float, a: float, b: float, p: float = 6.0, q: float = 4.0,
    gamma: float = 15.0, start: date = date(2025, 1, 1), cohort_days: int = 90, seed: int = 0,
) -> list[tuple[str, date, float]]:
    """(customer, day, amount): first purchases spread over ``cohort_days``, then BG/NBD buying for ``days``.

    Rates are per day. A customer buys at rate lambda ~ Gamma(r, alpha)
    and, after each repeat purchase, leaves with probability p_drop ~ Beta(a, b);
    each purchase is Gamma(p, nu) with nu ~ Gamma(q, gamma).
    """
    rng = np.random.default_rng(seed)
    purchases = []
    for n in range(customers):
        rate = rng.gamma(r, 1.0 / alpha)
        drop = rng.beta(a, b)
        nu = rng.gamma(q, 1.0 / gamma)
        moment, first = float(rng.integers(0, cohort_days)), True
        while moment < days:
            purchases.append((f"C{n}", start + timedelta(days=int(moment)), round(float(rng.gamma(p, 1.0 / nu)), 2)))
            if not first and rng.random() < drop:  # BG/NBD: dropping out follows a repeat purchase, not the first
                break
            first = False
            moment += rng.exponential(1.0 / rate) if rate > 0 else days
    return purchases
