"""How profiles moved between journey stages over the last days: stage then -> stage now, per profile.

Profiles keep only their current traits, so the stage at a past moment is
rebuilt from them and the timestamps of what happened since:

- orders (count, spend, last order) are recounted from the orders placed before then;
- sessions are today's count minus the sessions that started since then,
  with the session rule ingest uses (an event more than SESSION_GAP after the
  profile's previous one starts a session);
- the cart is replayed from the cart events and orders before then (an order empties it).

Both ends go through ``stage_for``, so "lapsed" also follows the clock: a
profile that did nothing can still move from first-time buyer to lapsed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ingest.events import SESSION_GAP
from app.journey import traits
from app.journey.stages import STAGES, JourneyFacts, StageThresholds, stage_for
from app.models import Event, Order, Profile

CART_EVENTS = ("add_to_cart", "remove_from_cart")


@dataclass
class StageMoves:
    then: datetime
    now: datetime
    # (stage then, or None for profiles first seen since then) -> stage now -> profiles
    moves: dict[str | None, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def count(self, before: str | None, after: str) -> int:
        return self.moves.get(before, {}).get(after, 0)

    def now_counts(self) -> dict[str, int]:
        return {stage: sum(row.get(stage, 0) for row in self.moves.values()) for stage in STAGES}

    def then_counts(self) -> dict[str | None, int]:
        return {before: sum(row.values()) for before, row in self.moves.items()}


def stage_moves(session: Session, shop_id: int, now: datetime, days: int = 7,
                thresholds: StageThresholds = StageThresholds()) -> StageMoves:
    then = now - timedelta(days=days)
    profiles = session.execute(select(
        Profile.id, Profile.first_seen_at, Profile.session_count, Profile.order_count, Profile.total_spend,
        Profile.last_order_at, Profile.cart_count, Profile.previous_order_at,
    ).where(Profile.shop_id == shop_id, Profile.merged_into_id.is_(None))).all()
    orders = _orders_before(session, shop_id, then)
    sessions_since = _sessions_started(session, shop_id, then, now)
    carts = _carts_at(session, shop_id, then, orders)
    result = StageMoves(then, now)
    for profile_id, first_seen, sessions, order_count, spend, last_order, cart, previous_order in profiles:
        current = JourneyFacts(sessions or 0, order_count or 0, Decimal(str(spend or 0)), last_order, cart or 0, previous_order)
        after = stage_for(current, now, thresholds)
        before = None
        if first_seen is not None and first_seen < then:
            placed = orders.get(profile_id, [])
            latest = sorted((at for at, _ in placed), reverse=True)
            past = JourneyFacts(
                session_count=max((sessions or 0) - sessions_since.get(profile_id, 0), 0),
                order_count=len(placed),
                total_spend=sum((total for _, total in placed), Decimal(0)),
                last_order_at=latest[0] if latest else None,
                cart_count=carts.get(profile_id, 0),
                previous_order_at=latest[1] if len(latest) > 1 else None,
            )
            before = stage_for(past, then, thresholds)
        result.moves[before][after] += 1
    return result


def _orders_before(session, shop_id, then) -> dict[int, list[tuple[datetime, Decimal]]]:
    placed: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for profile_id, at, total in session.execute(select(Order.profile_id, Order.placed_at, Order.total).where(
        Order.shop_id == shop_id, Order.profile_id.is_not(None), Order.placed_at < then,
    )):
        placed[profile_id].append((at, Decimal(str(total or 0))))
    return placed


def _sessions_started(session, shop_id, then, now) -> dict[int, int]:
    # An event just before ``then`` decides whether the first one after it continues a session.
    rows = session.execute(select(Event.profile_id, Event.occurred_at).where(
        Event.shop_id == shop_id, Event.occurred_at >= then - SESSION_GAP, Event.occurred_at < now,
    ).order_by(Event.profile_id, Event.occurred_at))
    started: dict[int, int] = defaultdict(int)
    previous: dict[int, datetime] = {}
    for profile_id, at in rows:
        last = previous.get(profile_id)
        if at >= then and (last is None or at - last > SESSION_GAP):
            started[profile_id] += 1
        previous[profile_id] = at
    return started


def _carts_at(session, shop_id, then, orders) -> dict[int, int]:
    """Items in each profile's cart at ``then``, replayed as ingest keeps them (traits.apply_event)."""
    rows = session.execute(select(Event.profile_id, Event.occurred_at, Event.type, Event.props).where(
        Event.shop_id == shop_id, Event.type.in_(CART_EVENTS), Event.occurred_at < then,
    ).order_by(Event.profile_id, Event.occurred_at, Event.id))
    timeline: dict[int, list] = defaultdict(list)
    for profile_id, at, kind, props in rows:
        timeline[profile_id].append((at, kind, _quantity(props or {})))
    carts = {}
    for profile_id, steps in timeline.items():
        steps += [(at, "order", 0) for at, _ in orders.get(profile_id, [])]
        state: dict = {}
        for at, kind, quantity in sorted(steps, key=lambda step: step[0]):
            if kind == "order":
                traits.apply_orders(state, [(at, Decimal(0))])
            else:
                traits.apply_event(state, kind, None, quantity, None)
        carts[profile_id] = state.get("cart_count") or 0
    return carts


def _quantity(props: dict) -> int:
    # As ingest reads it: a missing or odd quantity counts as one item.
    try:
        return max(int(props.get("quantity", 1)), 1)
    except (TypeError, ValueError):
        return 1
