"""A profile's journey facts, from the traits kept on it (no history scan per request)."""
from __future__ import annotations

from decimal import Decimal

from app.journey.stages import JourneyFacts
from app.models import Profile


def journey_facts(profile: Profile | None, cart_count: int | None = None) -> JourneyFacts:
    """Facts for the stage machine; ``cart_count`` from the page when it knows better than our events."""
    if profile is None:
        return JourneyFacts(session_count=0, order_count=0, total_spend=Decimal(0), last_order_at=None, cart_count=cart_count or 0)
    return JourneyFacts(
        session_count=profile.session_count or 0,
        order_count=profile.order_count or 0,
        total_spend=Decimal(str(profile.total_spend or 0)),
        last_order_at=profile.last_order_at,
        previous_order_at=profile.previous_order_at,
        cart_count=profile.cart_count if cart_count is None else cart_count,
    )
