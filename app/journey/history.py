"""A profile's journey stage at any moment, rebuilt by the database from the stored orders and events.

Profiles keep only their current traits, so the stage at a moment T is
rebuilt from them and the timestamps of what happened:

- orders placed before T: their count, spend and the last one;
- sessions: today's count minus the sessions started since T, by ingest's
  rule (an event more than SESSION_GAP after the profile's previous one starts
  a session), found with a window function over the events since T;
- the cart at T: the cart events before T replayed as ingest keeps the cart
  (adds, and removes that never take it below zero). Only the profiles
  without an order by then need it (for buyers the cart decides nothing), so
  no order empties it on the way: with S_k the running sum of +quantity and
  -quantity, the count clipped at zero is S_n - min(0, min_k S_k) (Lindley's
  recursion), a window sum and two aggregates.

The stage itself is ``stages.stage_for`` written as one SQL CASE, so a whole
shop's stages come back grouped and counted; nothing is scanned in Python.

Each per-profile aggregate (orders, session starts, cart) is a materialized
CTE: computed once per statement, whatever the planner believes. Without
statistics (a freshly imported shop, before autovacuum's first ANALYZE)
PostgreSQL estimates one row everywhere and would otherwise re-run each
aggregate over the shop's orders and events inside nested loops, once per
profile, or once per profile pair in the journey map's two-moment query:
minutes for a thousand profiles instead of milliseconds.
tests/journey/test_history.py holds the SQL to the Python rules.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Interval, Select, and_, case, func, literal, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.ingest.events import SESSION_GAP
from app.journey.stages import StageThresholds
from app.models import Event, Order, Profile

CART_EVENTS = ("add_to_cart", "remove_from_cart")
MAX_QUANTITY = 1_000_000  # a quantity past this is noise, not a cart

# The item count of a cart event as ingest reads it (app/ingest/events.py:_quantity): a number is
# truncated, a string of digits is read, anything else (or below one) counts as one item.
_QUANTITY = {
    "sqlite": (
        "CASE json_type(events.props, '$.quantity') "
        f"WHEN 'integer' THEN max(min(json_extract(events.props, '$.quantity'), {MAX_QUANTITY}), 1) "
        f"WHEN 'real' THEN max(min(CAST(json_extract(events.props, '$.quantity') AS INTEGER), {MAX_QUANTITY}), 1) "
        "WHEN 'text' THEN CASE WHEN trim(json_extract(events.props, '$.quantity')) GLOB '[0-9]*' "
        "AND trim(json_extract(events.props, '$.quantity')) NOT GLOB '*[^0-9]*' "
        f"THEN max(min(CAST(trim(json_extract(events.props, '$.quantity')) AS INTEGER), {MAX_QUANTITY}), 1) ELSE 1 END "
        "ELSE 1 END"
    ),
    "postgresql": (
        "CASE WHEN json_typeof(events.props -> 'quantity') = 'number' "
        f"THEN greatest(least(trunc((events.props ->> 'quantity')::numeric), {MAX_QUANTITY}), 1)::integer "
        "WHEN json_typeof(events.props -> 'quantity') = 'string' AND (events.props ->> 'quantity') ~ '^\\s*[0-9]{1,9}\\s*$' "
        f"THEN greatest(least(trim(events.props ->> 'quantity')::integer, {MAX_QUANTITY}), 1) ELSE 1 END"
    ),
}


def stage_case(*, orders, spend, last_order_at, cart_items, sessions, moment: datetime,
               thresholds: StageThresholds, previous_order_at=None, dialect: str = "sqlite") -> ColumnElement:
    """``stages.stage_for`` as SQL, over columns that hold the facts at ``moment``.

    ``previous_order_at`` (the order before the last one) tells a won-back customer: the last order
    ended a lapse. ``dialect`` is the session's: the gap between two columns is written for each.
    """
    lapse = timedelta(days=thresholds.lapsed_days)
    loyal = orders >= thresholds.loyal_orders
    if thresholds.loyal_spend is not None:
        loyal = or_(loyal, spend >= thresholds.loyal_spend)
    won_back = []
    if previous_order_at is not None:
        ended_a_lapse = _longer_than(dialect, previous_order_at, last_order_at, lapse)
        won_back = [(and_(orders > 0, previous_order_at.is_not(None), last_order_at.is_not(None), ended_a_lapse), "won_back")]
    return case(
        # A NULL last order (an order without a time cannot happen) is never lapsed, as in stage_for.
        (and_(orders > 0, last_order_at < moment - lapse), "lapsed"),
        *won_back,
        (and_(orders > 0, loyal), "loyal"),
        (orders > 0, "first_time_buyer"),
        (cart_items > 0, "cart_builder"),
        (sessions > 1, "returning_browser"),
        else_="new_visitor",
    )


def current_stage(now: datetime, thresholds: StageThresholds, dialect: str = "sqlite") -> ColumnElement:
    """The stage from the traits kept on each profile, as decisions and segments see it now."""
    return stage_case(
        orders=func.coalesce(Profile.order_count, 0), spend=func.coalesce(Profile.total_spend, 0),
        last_order_at=Profile.last_order_at, cart_items=func.coalesce(Profile.cart_count, 0),
        sessions=func.coalesce(Profile.session_count, 0), moment=now, thresholds=thresholds,
        previous_order_at=Profile.previous_order_at, dialect=dialect,
    )


def live_profiles(shop_id: int) -> list[ColumnElement]:
    """Where-clauses for the shop's profiles that count: merged tombstones are their survivor's history."""
    return [Profile.shop_id == shop_id, Profile.merged_into_id.is_(None)]


def stages_at(dialect: str, shop_id: int, moment: datetime, now: datetime, thresholds: StageThresholds,
              profile_id: int | None = None) -> Select:
    """``(profile_id, stage)`` at ``moment`` for each profile seen before it (one profile with ``profile_id``).

    ``dialect`` is the session's ("sqlite" or "postgresql"): JSON and time
    arithmetic are written for each.
    """
    orders = select(
        Order.profile_id, func.count().label("orders"), func.sum(Order.total).label("spend"),
        func.max(Order.placed_at).label("last_order_at"),
    ).where(Order.shop_id == shop_id, Order.profile_id.is_not(None), Order.placed_at < moment)
    if profile_id is not None:
        orders = orders.where(Order.profile_id == profile_id)
    orders = materialized(orders.group_by(Order.profile_id))
    # The order before the last one (before ``moment``): did the last one end a lapse?
    previous = materialized(
        select(Order.profile_id, func.max(Order.placed_at).label("previous_order_at"))
        .join(orders, orders.c.profile_id == Order.profile_id)
        .where(Order.shop_id == shop_id, Order.placed_at < orders.c.last_order_at)
        .group_by(Order.profile_id)
    )
    starts = _session_starts(dialect, shop_id, moment, now, profile_id)
    carts = _cart_items(dialect, shop_id, moment, profile_id)
    stage = stage_case(
        orders=func.coalesce(orders.c.orders, 0), spend=func.coalesce(orders.c.spend, 0), last_order_at=orders.c.last_order_at,
        cart_items=func.coalesce(carts.c.cart_items, 0),
        sessions=func.coalesce(Profile.session_count, 0) - func.coalesce(starts.c.starts, 0),
        moment=moment, thresholds=thresholds, previous_order_at=previous.c.previous_order_at, dialect=dialect,
    )
    query = (
        select(Profile.id.label("profile_id"), stage.label("stage"))
        .outerjoin(orders, orders.c.profile_id == Profile.id)
        .outerjoin(previous, previous.c.profile_id == Profile.id)
        .outerjoin(starts, starts.c.profile_id == Profile.id)
        .outerjoin(carts, carts.c.profile_id == Profile.id)
        .where(*live_profiles(shop_id), Profile.first_seen_at < moment)
    )
    return query.where(Profile.id == profile_id) if profile_id is not None else query


def _session_starts(dialect: str, shop_id: int, moment: datetime, now: datetime, profile_id: int | None):
    # An event just before ``moment`` decides whether the first one after it continues a session.
    previous = func.lag(Event.occurred_at).over(partition_by=Event.profile_id, order_by=(Event.occurred_at, Event.id))
    timeline = select(Event.profile_id, Event.occurred_at.label("at"), previous.label("previous")).where(
        Event.shop_id == shop_id, Event.occurred_at >= moment - SESSION_GAP, Event.occurred_at < now,
    )
    if profile_id is not None:
        timeline = timeline.where(Event.profile_id == profile_id)
    timeline = timeline.subquery("timeline")
    started = or_(timeline.c.previous.is_(None), _longer_than_session_gap(dialect, timeline.c.previous, timeline.c.at))
    return materialized(
        select(timeline.c.profile_id, func.count().label("starts"))
        .where(timeline.c.at >= moment, started)
        .group_by(timeline.c.profile_id)
    )


def _longer_than_session_gap(dialect: str, earlier, later) -> ColumnElement:
    return _longer_than(dialect, earlier, later, SESSION_GAP)


def _longer_than(dialect: str, earlier, later, span: timedelta) -> ColumnElement:
    """``later - earlier > span`` for two datetime columns."""
    if dialect == "postgresql":
        return later - earlier > literal(span, Interval())
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds and microseconds, exactly (no float days).
    def micros(column):
        return func.strftime("%s", column).cast(BigInteger) * 1_000_000 + func.coalesce(func.substr(column, 21, 6).cast(BigInteger), 0)
    return micros(later) - micros(earlier) > int(span / timedelta(microseconds=1))


def _cart_items(dialect: str, shop_id: int, moment: datetime, profile_id: int | None):
    quantity = literal_column(_QUANTITY[dialect])
    delta = case((Event.type == "add_to_cart", quantity), else_=-quantity)
    steps = select(
        Event.profile_id, delta.label("delta"),
        func.sum(delta).over(partition_by=Event.profile_id, order_by=(Event.occurred_at, Event.id)).label("running"),
    ).where(Event.shop_id == shop_id, Event.type.in_(CART_EVENTS), Event.occurred_at < moment)
    if profile_id is not None:
        steps = steps.where(Event.profile_id == profile_id)
    steps = steps.subquery("cart_steps")
    lowest = func.min(steps.c.running)
    items = func.sum(steps.c.delta) - case((lowest < 0, lowest), else_=0)
    return materialized(select(steps.c.profile_id, items.label("cart_items")).group_by(steps.c.profile_id))


def materialized(query: Select):
    """``query`` as a CTE that PostgreSQL computes once (anonymous: a statement may hold several moments' copies)."""
    return query.cte().prefix_with("MATERIALIZED", dialect="postgresql")


def dialect_of(session) -> str:
    return session.get_bind().dialect.name
