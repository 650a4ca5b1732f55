"""What we know about the visitor asking for a page or recommendations, read from the store (read-only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
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
WIDGET_EVENTS = ("widget_impression", "popup_submit")


@dataclass
class VisitorContext:
    profile: Profile | None = None
    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, datetime] = field(default_factory=dict)  # product id -> last bought
    order_count: int = 0
    events: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, weight, unix time), newest first
    order_lines: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, unix time, quantity)
    # (rule id, event type) -> latest: what widgets this visitor was shown or converted on (frequency caps).
    widget_events: dict[tuple[int, str], datetime] = field(default_factory=dict)

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
    """The visitor's profile, then what a page view needs of their history: indexed reads, each bounded."""
    if not visitor_id:
        return VisitorContext()
    profile = session.scalar(_PROFILE, {"shop_id": shop_id, "visitor_id": visitor_id})
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
    # The stored orders, as training counts them (Shopify's own count on the profile may be higher).
    order_count = session.scalar(
        select(func.count()).select_from(Order).where(Order.shop_id == shop_id, Order.profile_id == profile.id)
    )
    widget_events: dict[tuple[int, str], datetime] = {}
    for kind, rule_id, at in session.execute(_WIDGETS, {"shop_id": shop_id, "profile_id": profile.id}):
        if rule_id is not None:
            widget_events[(rule_id, kind)] = at
    return VisitorContext(
        profile=profile,
        recent_views=list(recent_views),
        purchases=purchases,
        order_count=order_count or 0,
        events=[(product_id, tokens.weight_for(kind), at.timestamp()) for product_id, kind, at in events],
        order_lines=[(product_id, placed_at.timestamp(), float(quantity or 1)) for product_id, placed_at, quantity in lines],
        widget_events=widget_events,
    )


def _widgets_statement():
    """The latest impression and conversion per widget (frequency caps), on the (shop, profile, time) index."""
    rule_id = Event.props["rule_id"].as_integer()
    return (
        select(Event.type, rule_id, func.max(Event.occurred_at))
        .where(Event.shop_id == bindparam("shop_id"), Event.profile_id == bindparam("profile_id"), Event.type.in_(WIDGET_EVENTS))
        .group_by(Event.type, rule_id)
    )


def _profile_statement():
    return select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
        VisitorId.shop_id == bindparam("shop_id"), VisitorId.visitor_id == bindparam("visitor_id")
    )


# Built once: constructing a statement cost more than running it on the hot path.
_WIDGETS = _widgets_statement()
_PROFILE = _profile_statement()
