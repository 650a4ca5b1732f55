"""Customers drawn from the BG/NBD and Gamma-Gamma models themselves, so a fit can be checked against the truth."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from app.ingest.orders import OrderData, store_new_orders
from app.models import Profile


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


def stock_shop(db_session, shop, purchases: list[tuple[str, date, float]]) -> dict[str, Profile]:
    """A profile per customer and their purchases as imported orders (10:00 UTC); the profiles by customer id."""
    seen = datetime.combine(min(day for _, day, _ in purchases), time(9), UTC)
    profiles = {
        customer: Profile(shop_id=shop.id, customer_id=customer, first_seen_at=seen, last_seen_at=seen)
        for customer in sorted({customer for customer, _, _ in purchases})
    }
    db_session.add_all(profiles.values())
    db_session.flush()
    orders = [
        OrderData(f"{customer}-{n}", datetime.combine(day, time(10), UTC), customer, profiles[customer].id,
                  total=Decimal(str(amount)))
        for n, (customer, day, amount) in enumerate(purchases)
    ]
    store_new_orders(db_session, shop.id, orders, source="import")
    db_session.commit()
    return profiles
