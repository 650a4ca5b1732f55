"""Journey stages, from the facts of a profile's history.

    new_visitor -> returning_browser -> cart_builder -> first_time_buyer -> loyal
                                                            \\-> lapsed (no order for D days)
                                                                   -> won_back (bought again after the lapse)
                                                                   -> first_time_buyer / loyal (at the next order)

A plain function of plain facts, so it is tested without a database and the
same rules serve the decision endpoint, segments and reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

STAGES = ("new_visitor", "returning_browser", "cart_builder", "first_time_buyer", "loyal", "lapsed", "won_back")


@dataclass(frozen=True)
class StageThresholds:
    loyal_orders: int = 3
    loyal_spend: Decimal | None = None
    lapsed_days: int = 120

    @classmethod
    def from_settings(cls, settings: dict | None) -> StageThresholds:
        raw = (settings or {}).get("journey") or {}
        spend = raw.get("loyal_spend")
        return cls(
            loyal_orders=int(raw.get("loyal_orders", cls.loyal_orders)),
            loyal_spend=Decimal(str(spend)) if spend is not None else None,
            lapsed_days=int(raw.get("lapsed_days", cls.lapsed_days)),
        )


@dataclass(frozen=True)
class JourneyFacts:
    session_count: int
    order_count: int
    total_spend: Decimal
    last_order_at: datetime | None
    cart_count: int
    previous_order_at: datetime | None = None  # the order before the last one


def stage_for(facts: JourneyFacts, now: datetime, thresholds: StageThresholds = StageThresholds()) -> str:
    if facts.order_count > 0:
        lapse = timedelta(days=thresholds.lapsed_days)
        if facts.last_order_at is not None and now - facts.last_order_at > lapse:
            return "lapsed"
        # The latest order ended a lapse: won back, until the next order (or a new lapse).
        if facts.previous_order_at is not None and facts.last_order_at is not None and facts.last_order_at - facts.previous_order_at > lapse:
            return "won_back"
        if facts.order_count >= thresholds.loyal_orders or (
            thresholds.loyal_spend is not None and facts.total_spend >= thresholds.loyal_spend
        ):
            return "loyal"
        return "first_time_buyer"
    if facts.cart_count > 0:
        return "cart_builder"
    if facts.session_count > 1:
        return "returning_browser"
    return "new_visitor"
