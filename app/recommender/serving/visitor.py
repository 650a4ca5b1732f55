"""What we know about the visitor asking for recommendations, read from the store (read-only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Event, Order, OrderLine, Profile, VisitorId
from app.recommender.serving import tokens
from app.recommender.serving.history import VisitorHistory
from app.recommender.serving.users import profile_tokens, user_key

RECENT_VIEWS = 20
# The ranking reads this much of a visitor's past: enough for the decayed
# item-to-item history and the repeat-purchase intervals, bounded per request.
HISTORY_EVENTS = 200
HISTORY_ORDER_LINES = 500
HISTORY_DAYS = 730
TASTE_EVENTS = ("product_view", "add_to_cart", "widget_click")


@dataclass
class VisitorContext:
    profile: Profile | None = None
    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, datetime] = field(default_factory=dict)  # product id -> last bought
    order_count: int = 0
    events: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, weight, unix time), newest first
    order_lines: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, unix time, quantity)

    def history(self) -> VisitorHistory:
        """This visitor as the ranking reads them (purchases count as taste events too, as in training)."""
        purchase_weight = tokens.weight_for("purchase")
        return VisitorHistory(
            user_id=user_key(self.profile.id) if self.profile is not None else None,
            feature_tokens=profile_tokens(self.profile, self.order_count),
            events=[*self.events, *((item, purchase_weight, at) for item, at, _ in self.order_lines)],
            purchases=self.order_lines,
            recent_views=self.recent_views,
        )


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
    since = utcnow() - timedelta(days=HISTORY_DAYS)
    events = session.execute(
        select(Event.product_id, Event.type, Event.occurred_at)
        .where(Event.shop_id == shop_id, Event.profile_id == profile.id, Event.type.in_(TASTE_EVENTS),
               Event.product_id.is_not(None), Event.occurred_at >= since)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(HISTORY_EVENTS)
    ).all()
    lines = session.execute(
        select(OrderLine.product_id, Order.placed_at, OrderLine.quantity)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop_id, Order.profile_id == profile.id, Order.placed_at >= since)
        .order_by(Order.placed_at.desc(), OrderLine.id.desc())
        .limit(HISTORY_ORDER_LINES)
    ).all()
    recent_views: dict[str, None] = {}
    for product_id, kind, _ in events:
        if kind == "product_view" and len(recent_views) < RECENT_VIEWS:
            recent_views.setdefault(product_id, None)
    purchases: dict[str, datetime] = {}
    for product_id, placed_at, _ in lines:
        purchases.setdefault(product_id, placed_at)
    order_count = session.scalar(
        select(func.count()).select_from(Order).where(Order.shop_id == shop_id, Order.profile_id == profile.id)
    )
    return VisitorContext(
        profile=profile,
        recent_views=list(recent_views),
        purchases=purchases,
        order_count=order_count or 0,
        events=[(product_id, tokens.weight_for(kind), at.timestamp()) for product_id, kind, at in events],
        order_lines=[(product_id, placed_at.timestamp(), float(quantity or 1)) for product_id, placed_at, quantity in lines],
    )
