"""Shops whose customers restock a product at a steady pace, so the buy_again hazard has a rhythm to learn."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from app.clock import utcnow
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Profile

EVERY_DAYS = 30


def plant_refills(db_session, shop, staple: str, others: list[str], customers: int = 40, seed: int = 7) -> None:
    """``customers`` who have bought ``staple`` about every EVERY_DAYS for the last ten months, up to
    today, and one of ``others`` once (a purchase not repeated: the hazard's negatives)."""
    rng = random.Random(seed)
    orders = []
    for n in range(customers):
        profile = _customer(db_session, shop, f"R{n}")
        days_ago = rng.uniform(0, EVERY_DAYS)
        k = 0
        while days_ago < 300:
            orders.append(_order(profile, f"R{n}-{k}", days_ago, staple))
            days_ago += EVERY_DAYS + rng.uniform(-3, 3)
            k += 1
        orders.append(_order(profile, f"R{n}-once", rng.uniform(20, 250), rng.choice(others)))
    store_new_orders(db_session, shop.id, orders, source="import")
    db_session.commit()


def regular_customer(db_session, shop, customer_id: str, product_id: str, last_days_ago: float, times: int = 6) -> Profile:
    """A customer who bought ``product_id`` ``times`` times, EVERY_DAYS apart, the last ``last_days_ago`` days ago."""
    profile = _customer(db_session, shop, customer_id)
    store_new_orders(db_session, shop.id, [
        _order(profile, f"{customer_id}-{k}", last_days_ago + k * EVERY_DAYS, product_id) for k in range(times)
    ], source="import")
    db_session.commit()
    return profile


def _customer(db_session, shop, customer_id: str) -> Profile:
    now = utcnow()
    profile = Profile(shop_id=shop.id, customer_id=customer_id, first_seen_at=now - timedelta(days=365), last_seen_at=now,
                      session_count=1)
    db_session.add(profile)
    db_session.flush()
    return profile


def _order(profile: Profile, order_id: str, days_ago: float, product_id: str) -> OrderData:
    return OrderData(external_id=order_id, placed_at=utcnow() - timedelta(days=days_ago), customer_id=profile.customer_id,
                     profile_id=profile.id, lines=[OrderLineData(product_id, 1, Decimal("4.00"))])
