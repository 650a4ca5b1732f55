"""What we know about the visitor asking for a page or recommendations, read from the store (read-only)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Float, Integer, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Event, Order, OrderLine
from app.models.types import UTCDateTime, epoch_seconds
from app.recommender.serving import tokens, visitor_memo
from app.recommender.serving.history import VisitorHistory
from app.recommender.serving.profile_read import ProfileRow, read_profile
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
class HistoryRead:
    """What a page view reads of a visitor's history."""

    recent_views: list[str] = field(default_factory=list)  # newest first, distinct
    purchases: dict[str, float] = field(default_factory=dict)  # product id -> last bought (Unix seconds)
    order_count: int = 0
    events: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, weight, unix time), newest first
    order_lines: list[tuple[str, float, float]] = field(default_factory=list)  # (product id, unix time, quantity)


# (rule id, event type) -> latest: what widgets a visitor was shown or converted on (frequency caps).
WidgetEvents = dict[tuple[int, str], datetime]


class VisitorContext:
    """The visitor's profile, read with the page view, and their history, read on first use.

    A page view whose results are remembered for this history (visitor_memo.py) never reads it; the
    widgets shown (frequency caps), which change with nearly every page view, are then read alone.
    """

    def __init__(self, profile: ProfileRow | None = None, read_history: Callable[[bool], tuple[HistoryRead, WidgetEvents | None]] | None = None,
                 read_widget_events: Callable[[], WidgetEvents] | None = None):
        """``read_history(with_widget_events)``: the history, and the widgets shown when asked for (else None)."""
        # The profile's columns as a read-only row (attribute access like the model's, profile_read.py):
        # building an ORM instance cost more than the query.
        self.profile = profile
        self.memo_key = visitor_memo.visitor_key(profile)
        self._read_history = read_history
        self._read_widget_events = read_widget_events
        self._history: HistoryRead | None = None if read_history else HistoryRead()
        self._widget_events: WidgetEvents | None = None if read_widget_events else {}

    def _loaded(self) -> HistoryRead:
        if self._history is None:
            self._history, widget_events = self._read_history(self._widget_events is None)
            if widget_events is not None:
                self._widget_events = widget_events
        return self._history

    @property
    def recent_views(self) -> list[str]:
        return self._loaded().recent_views

    @property
    def purchases(self) -> dict[str, float]:
        return self._loaded().purchases

    @property
    def order_count(self) -> int:
        return self._loaded().order_count

    @property
    def events(self) -> list[tuple[str, float, float]]:
        return self._loaded().events

    @property
    def order_lines(self) -> list[tuple[str, float, float]]:
        return self._loaded().order_lines

    @property
    def widget_events(self) -> WidgetEvents:
        if self._widget_events is None:
            if visitor_memo.knows(self.memo_key):
                self._widget_events = self._read_widget_events()  # the rest is likely remembered: these alone
            else:
                self._loaded()  # the rest will be needed too: one read for all of it
        return self._widget_events

    def remembered(self, what, compute):
        """``compute()`` once per state of this visitor's history (visitor_memo.py); ``what``: the rest of its inputs."""
        return visitor_memo.remembered(self.memo_key, what, compute)

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
    """The visitor's profile, read now; their history, read when first used: indexed reads, each bounded.

    Nothing of the history is read for a page view whose results are all remembered for it
    (visitor_memo.py), or that shows nothing personal (the shop-wide holdout).
    """
    if not visitor_id:
        return VisitorContext()
    # Core execution on the session's connection (the profile through the driver: profile_read.py):
    # the ORM's statement handling cost more than these reads.
    connection = session.connection()
    profile = read_profile(connection, shop_id, visitor_id)
    if profile is None:
        return VisitorContext()
    parameters = {"shop_id": shop_id, "profile_id": profile.id}

    def read_history(with_widgets: bool) -> tuple[HistoryRead, WidgetEvents | None]:
        return _history(connection.execute(_ACTIVITY if with_widgets else _TASTE_AND_ORDERS, {
            **parameters, "since": utcnow() - timedelta(days=HISTORY_DAYS),
        }).all(), with_widgets)

    def read_widget_events() -> WidgetEvents:
        return _widget_events(connection.execute(_WIDGETS, parameters).all())

    return VisitorContext(profile, read_history, read_widget_events)


def _history(rows, with_widgets: bool) -> tuple[HistoryRead, WidgetEvents | None]:
    events, lines, widget_rows, order_count = [], [], [], 0
    # Times come as Unix seconds, computed by the database (models/types.epoch_seconds).
    for row in rows:
        kind, product_id, number, at, quantity = row
        if kind == "line":
            lines.append((product_id, at, float(quantity or 1)))
        elif kind == "orders":
            order_count = number or 0
        elif kind in WIDGET_EVENTS:
            widget_rows.append(row)
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
    history = HistoryRead(
        recent_views=list(recent_views),
        purchases=purchases,
        order_count=order_count,
        events=[(product_id, weight_for(kind), at) for product_id, kind, at in events],
        order_lines=lines,
    )
    return history, (_widget_events(widget_rows) if with_widgets else None)


def _widget_events(rows) -> WidgetEvents:
    return {(number, kind): datetime.fromtimestamp(at, UTC) for kind, _, number, at, _ in rows if number is not None}


def _activity_statement():
    """One read of a visitor's history, a UNION ALL of four bounded parts on the (shop, profile, time) indexes:
    their latest taste events, their latest order lines, their order count, and the latest impression and
    conversion per widget (frequency caps). Built once: constructing it cost more than running it.
    Returned with the same read without the widgets, and the widgets' part alone.
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
    return union_all(select(*taste.c), select(*lines.c), orders, widgets), union_all(select(*taste.c), select(*lines.c), orders), widgets


# Built once: constructing a statement cost more than running it on the hot path.
# The whole history; without the widgets shown (read alone before); the widgets shown alone.
_ACTIVITY, _TASTE_AND_ORDERS, _WIDGETS = _activity_statement()
