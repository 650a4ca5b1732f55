"""A shop's recent traffic and conversion rate: what a holdout test's length is estimated from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.models import Event, Order

TRAFFIC_DAYS = 28


@dataclass(frozen=True)
class Traffic:
    days: int
    visitors: int  # distinct profiles with a page view in the period
    buyers: int  # of them, those who placed an order in the period

    @property
    def visitors_per_day(self) -> float:
        return self.visitors / self.days if self.days else 0.0

    @property
    def conversion_rate(self) -> float | None:
        """Converting visitors / visitors, the rate the stats report compares between arms."""
        return self.buyers / self.visitors if self.visitors else None


def recent_traffic(session: Session, shop_id: int, now: datetime, days: int = TRAFFIC_DAYS) -> Traffic:
    start = now - timedelta(days=days)
    visitors = (
        select(Event.profile_id)
        .where(Event.shop_id == shop_id, Event.type == "page_view", Event.occurred_at >= start, Event.occurred_at < now)
        .distinct()
    )
    visitor_count = session.scalar(select(func.count()).select_from(visitors.subquery())) or 0
    buyers = session.scalar(
        select(func.count(distinct(Order.profile_id))).where(
            Order.shop_id == shop_id, Order.placed_at >= start, Order.placed_at < now, Order.profile_id.in_(visitors)
        )
    ) or 0
    return Traffic(days, visitor_count, buyers)
