"""What we know about the visitor asking for a page or recommendations, read from the store (read-only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Float, Integer, Row, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Event, Order, OrderLine, Profile, VisitorId
from app.models.types import UTCDateTime, epoch_seconds
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
    # The profile's columns as a read-only row (attribute access like the model's): the hot path reads it
    # through Core, since building an ORM instance cost more than the query.
    profile: Row | None = None
    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, float] = field(default_factory=dict)  # product id -> last bought (Unix seconds)
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
    # Core execution on the session's connection: the ORM's statement handling cost more than these reads.
    connection = session.connection()
    profile = connection.execute(_PROFILE, {"shop_id": shop_id, "visitor_id": visitor_id}).first()
    if profile is None:
        return VisitorContext()
    since = utcnow() - timedelta(days=HISTORY_DAYS)
    events, lines, widget_events, order_count = [], [], {}, 0
    # Times come as Unix seconds, computed by the database (models/types.epoch_seconds).
    rows = connection.execute(_ACTIVITY, {"shop_id": shop_id, "profile_id": profile.id, "since": since}).all()
    for kind, product_id, number, at, quantity in rows:
        if kind == "line":
            lines.append((product_id, at, float(quantity or 1)))
        elif kind == "orders":
            order_count = number or 0
        elif kind in WIDGET_EVENTS:
            if number is not None:
                widget_events[(number, kind)] = datetime.fromtimestamp(at, UTC)
        else:
            events.append((product_id, kind, at))
    # Each part comes newest first from its own ORDER BY, but a UNION ALL does not promise to keep
    # the parts' order: sort again (a few hundred rows at most).
    events.sort(key=lambda row: row[2], reverse=True)
    lines.sort(key=lambda row: row[1], reverse=True)
    recent_views: dict[str, None] = {}
    for product_id, kind, _ in events:
        if kind == "product_view" and len(recent_views) < RECENT_VIEWS:
            recent_views.setdefault(product_id, None)
    purchases: dict[str, float] = {}
    for product_id, placed_at, _ in lines:
        purchases.setdefault(product_id, placed_at)
    weight_for = tokens.weight_for
    return VisitorContext(
        profile=profile,
        recent_views=list(recent_views),
        purchases=purchases,
        order_count=order_count,
        events=[(product_id, weight_for(kind), at) for product_id, kind, at in events],
        order_lines=lines,
        widget_events=widget_events,
    )


def _activity_statement():
    """One read of a visitor's history, a UNION ALL of four bounded parts on the (shop, profile, time) indexes:
    their latest taste events, their latest order lines, their order count, and the latest impression and
    conversion per widget (frequency caps). Built once: constructing it cost more than running it.
    """
    shop_id, profile_id, since = bindparam("shop_id"), bindparam("profile_id"), bindparam("since", type_=UTCDateTime)
    # Typed NULLs: PostgreSQL reads a bare NULL parameter as text, which a UNION cannot match with numbers.
    no_number, no_quantity, no_time = cast(null(), Integer), cast(null(), Float), cast(null(), Float)
    taste = (
        select(Event.type.label("kind"), Event.product_id, no_number.label("number"), epoch_seconds(Event.occurred_at).label("at"),
               no_quantity.label("quantity"))
        .where(Event.shop_id == shop_id, Event.profile_id == profile_id, Event.type.in_(TASTE_EVENTS),
               Event.product_id.is_not(None), Event.occurred_at >= since)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(HISTORY_EVENTS)
        .subquery("taste")
    )
    lines = (
        select(literal("line").label("kind"), OrderLine.product_id, no_number.label("number"), epoch_seconds(Order.placed_at).label("at"),
               OrderLine.quantity.cast(Float).label("quantity"))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop_id, Order.profile_id == profile_id, Order.placed_at >= since)
        .order_by(Order.placed_at.desc(), OrderLine.id.desc())
        .limit(HISTORY_ORDER_LINES)
        .subquery("lines")
    )
    # The stored orders, as training counts them (Shopify's own count on the profile may be higher).
    orders = select(literal("orders"), cast(null(), String), func.count(), no_time, no_quantity).where(
        Order.shop_id == shop_id, Order.profile_id == profile_id
    )
    rule_id = Event.props["rule_id"].as_integer()
    widgets = (
        select(Event.type, cast(null(), String), rule_id, epoch_seconds(func.max(Event.occurred_at)), no_quantity)
        .where(Event.shop_id == shop_id, Event.profile_id == profile_id, Event.type.in_(WIDGET_EVENTS))
        .group_by(Event.type, rule_id)
    )
    return union_all(select(*taste.c), select(*lines.c), orders, widgets)


def _profile_statement():
    return select(*Profile.__table__.columns).join(VisitorId, VisitorId.profile_id == Profile.id).where(
        VisitorId.shop_id == bindparam("shop_id"), VisitorId.visitor_id == bindparam("visitor_id")
    )


# Built once: constructing a statement cost more than running it on the hot path.
_ACTIVITY = _activity_statement()
_PROFILE = _profile_statement()
