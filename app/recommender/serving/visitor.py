"""What we know about the visitor asking for a page or recommendations, read from the store (read-only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, String, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import Event, Order, OrderLine, Profile, VisitorId
from app.models.types import UTCDateTime

RECENT_VIEWS = 20


@dataclass
class VisitorContext:
    profile: Profile | None = None
    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, datetime] = field(default_factory=dict)  # product id -> last bought
    order_count: int = 0
    # (rule id, event type) -> latest: what widgets this visitor was shown or converted on (frequency caps).
    widget_events: dict[tuple[int, str], datetime] = field(default_factory=dict)


WIDGET_EVENTS = ("widget_impression", "popup_submit")


def visitor_context(session: Session, shop_id: int, visitor_id: str | None) -> VisitorContext:
    """The visitor's profile, then everything a page view needs of their history in one indexed read."""
    if not visitor_id:
        return VisitorContext()
    profile = session.scalar(_PROFILE, {"shop_id": shop_id, "visitor_id": visitor_id})
    if profile is None:
        return VisitorContext()
    context = VisitorContext(profile=profile)
    views: dict[str, datetime] = {}
    for kind, product_id, rule_id, at in session.execute(_ACTIVITY, {"shop_id": shop_id, "profile_id": profile.id}):
        if kind == "product_view" and product_id is not None:
            views[product_id] = max(at, views.get(product_id, at))
        elif kind == "purchase":
            context.purchases[product_id] = at
        elif kind == "orders":
            context.order_count = rule_id or 0
        elif rule_id is not None:
            key = (rule_id, kind)
            context.widget_events[key] = max(at, context.widget_events.get(key, at))
    context.recent_views = sorted(views, key=lambda product: views[product], reverse=True)[:RECENT_VIEWS]
    return context


def _activity_statement():
    """Latest view per product, impression/conversion per widget, purchase per product and the order count: one UNION ALL.

    Both halves use the (shop, profile, time) indexes of events and orders. Built once: constructing
    a statement of this size cost more than running it.
    """
    shop_id, profile_id = bindparam("shop_id"), bindparam("profile_id")
    rule_id = Event.props["rule_id"].as_integer()
    events = (
        select(Event.type, Event.product_id, rule_id, func.max(Event.occurred_at))
        .where(Event.shop_id == shop_id, Event.profile_id == profile_id, Event.type.in_(("product_view", *WIDGET_EVENTS)))
        .group_by(Event.type, Event.product_id, rule_id)
    )
    bought = (
        select(literal("purchase"), OrderLine.product_id, literal(None, Integer), func.max(Order.placed_at))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop_id, Order.profile_id == profile_id)
        .group_by(OrderLine.product_id)
    )
    # The stored orders, as training counts them (Shopify's own count on the profile may be higher).
    orders = select(literal("orders"), literal(None, String), func.count(), literal(None, UTCDateTime)).where(
        Order.shop_id == shop_id, Order.profile_id == profile_id
    )
    return union_all(events, bought, orders)


def _profile_statement():
    return select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
        VisitorId.shop_id == bindparam("shop_id"), VisitorId.visitor_id == bindparam("visitor_id")
    )


_ACTIVITY = _activity_statement()
_PROFILE = _profile_statement()
