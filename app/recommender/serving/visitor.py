"""What we know about the visitor asking for recommendations, read from the store (read-only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Event, Order, OrderLine, Profile, VisitorId

RECENT_VIEWS = 20


@dataclass
class VisitorContext:
    profile: Profile | None = None
    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, datetime] = field(default_factory=dict)  # product id -> last bought
    order_count: int = 0


def visitor_context(session: Session, shop_id: int, visitor_id: str | None) -> VisitorContext:
    if not visitor_id:
        return VisitorContext()
    profile = session.scalar(
        select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
            VisitorId.shop_id == shop_id, VisitorId.visitor_id == visitor_id
        )
    )
    if profile is None:
        return VisitorContext()
    views = session.execute(
        select(Event.product_id, func.max(Event.occurred_at).label("last"))
        .where(Event.shop_id == shop_id, Event.profile_id == profile.id, Event.type == "product_view", Event.product_id.is_not(None))
        .group_by(Event.product_id)
        .order_by(func.max(Event.occurred_at).desc())
        .limit(RECENT_VIEWS)
    ).all()
    bought = session.execute(
        select(OrderLine.product_id, func.max(Order.placed_at))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop_id, Order.profile_id == profile.id)
        .group_by(OrderLine.product_id)
    ).all()
    order_count = session.scalar(
        select(func.count()).select_from(Order).where(Order.shop_id == shop_id, Order.profile_id == profile.id)
    )
    return VisitorContext(
        profile=profile,
        recent_views=[product_id for product_id, _ in views],
        purchases={product_id: at for product_id, at in bought},
        order_count=order_count or 0,
    )
