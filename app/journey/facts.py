"""Reading a profile's journey facts from the store."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.journey.stages import JourneyFacts
from app.models import Event, Order, Profile


def journey_facts(session: Session, profile: Profile | None, cart_count: int | None = None) -> JourneyFacts:
    """Facts for the stage machine; ``cart_count`` from the page when it knows, else from cart events."""
    if profile is None:
        return JourneyFacts(session_count=0, order_count=0, total_spend=Decimal(0), last_order_at=None, cart_count=cart_count or 0)
    order_count, spend, last_order_at = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.total), 0), func.max(Order.placed_at)).where(
            Order.shop_id == profile.shop_id, Order.profile_id == profile.id
        )
    ).one()
    if cart_count is None:
        cart_count = _cart_count_from_events(session, profile, last_order_at)
    return JourneyFacts(
        session_count=profile.session_count or 0,
        order_count=order_count or 0,
        total_spend=Decimal(str(spend or 0)),
        last_order_at=last_order_at,
        cart_count=cart_count,
    )


def _cart_count_from_events(session: Session, profile: Profile, since) -> int:
    query = select(Event.type, func.count()).where(
        Event.shop_id == profile.shop_id, Event.profile_id == profile.id, Event.type.in_(("add_to_cart", "remove_from_cart"))
    )
    if since is not None:
        query = query.where(Event.occurred_at > since)
    counts = dict(session.execute(query.group_by(Event.type)).all())
    return max(counts.get("add_to_cart", 0) - counts.get("remove_from_cart", 0), 0)
