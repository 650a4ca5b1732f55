"""A shop's recent traffic, as the storefront script would have reported it."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import VisitorId
from tests.helpers.events import event


def visits_and_buyers(db_session, shop, visitors: int, buyers: int, days: int, now: datetime) -> None:
    """``visitors`` page views spread evenly over the last ``days`` (up to ``now``); the last ``buyers`` of them ordered."""
    batch = []
    for n in range(visitors):
        at = now - timedelta(days=days) + timedelta(seconds=3600 + (days * 86400 - 7200) * n / visitors)
        batch.append(event("page_view", f"traffic-{n}", ts=at.isoformat()))
    for start in range(0, len(batch), 500):
        ingest_batch(db_session, shop.id, batch[start : start + 500], sent_at=None, received_at=now, correct_clock=False)
    profiles = dict(db_session.execute(select(VisitorId.visitor_id, VisitorId.profile_id).where(VisitorId.shop_id == shop.id)).all())
    store_new_orders(db_session, shop.id, [
        OrderData(f"T{n}", now - timedelta(minutes=30), None, profiles[f"traffic-{n}"], total=Decimal(30),
                  lines=[OrderLineData("P01", 1, Decimal(30))])
        for n in range(visitors - buyers, visitors)
    ], "storefront")
    db_session.commit()
