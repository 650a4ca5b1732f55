"""Day-by-day figures for a shop and period: what the dashboard's charts plot.

One pass over the period's touches, purchases and pop-up sign-ups (never the
full stats report once per day). Days are UTC calendar days.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import GLOBAL_HOLDOUT, Assignment, Event, Profile, VisitorId
from app.stats.attribution import Conversion, attribute

# The report's own readers, so the charts count exactly what the report's totals count.
from app.stats.report import _purchases, _touches


@dataclass
class DayFigures:
    impressions: int = 0
    clicks: int = 0
    # Attributed purchases plus pop-up sign-ups: what a widget is there to earn.
    conversions: int = 0
    revenue: float = 0.0


@dataclass(frozen=True)
class UpliftPoint:
    """Cumulative from the period's start to the end of ``day``: converting visitors / visitors per arm."""

    day: date
    personalized_rate: float | None
    holdout_rate: float | None

    @property
    def uplift(self) -> float | None:
        if self.personalized_rate is None or not self.holdout_rate:
            return None
        return self.personalized_rate / self.holdout_rate - 1


@dataclass
class Timeseries:
    days: list[date]
    overall: list[DayFigures]
    rules: dict[int, list[DayFigures]] = field(default_factory=dict)
    uplift: list[UpliftPoint] = field(default_factory=list)


def days_between(start: datetime, end: datetime) -> list[date]:
    """The UTC days touched by [start, end)."""
    last = (end - timedelta(microseconds=1)).date()
    return [start.date() + timedelta(days=n) for n in range((last - start.date()).days + 1)]


def daily_series(session: Session, shop_id: int, start: datetime, end: datetime) -> Timeseries:
    days = days_between(start, end)
    index = {day: n for n, day in enumerate(days)}
    overall = [DayFigures() for _ in days]
    rules: dict[int, list[DayFigures]] = defaultdict(lambda: [DayFigures() for _ in days])

    def add(rule_id: int, at: datetime, **amounts) -> None:
        n = index.get(at.date())
        if n is None:
            return
        for figures in (overall[n], rules[rule_id][n]):
            for name, amount in amounts.items():
                setattr(figures, name, getattr(figures, name) + amount)

    touches = _touches(session, shop_id, start, end, None)
    for touch in touches:
        add(touch.rule_id, touch.at, **{"clicks" if touch.kind == "click" else "impressions": 1})
    # Purchases up to a view window past the end may be credited to touches in the period,
    # but only those inside the period are plotted: the chart shows when money came in.
    purchases = _purchases(session, shop_id, start, end)
    conversions = [Conversion(profile_id, at, "purchase", total) for profile_id, at, total in purchases]
    for conversion, touch, _how in attribute(touches, conversions):
        add(touch.rule_id, conversion.at, conversions=1, revenue=conversion.value)
    for rule_id, at in _popup_submits(session, shop_id, start, end):
        add(rule_id, at, conversions=1)
    return Timeseries(days, overall, dict(rules), _uplift(session, shop_id, days, start, purchases))


def _popup_submits(session, shop_id, start, end) -> list[tuple[int, datetime]]:
    rule_of = Event.props["rule_id"].as_integer()
    rows = session.execute(select(rule_of, Event.occurred_at).where(
        Event.shop_id == shop_id, Event.type == "popup_submit", Event.occurred_at >= start, Event.occurred_at < end,
    ))
    return [(rule_id, at) for rule_id, at in rows if rule_id is not None]


def _uplift(session, shop_id, days, start, purchases) -> list[UpliftPoint]:
    """Per day, the conversion rate of each arm of the shop-wide holdout, cumulative since ``start``.

    As in the report: an arm's visitors are the profiles assigned to it by
    then (whenever assigned), converting if they bought in the period by then.
    """
    arms = _arm_joins(session, shop_id, datetime.combine(days[-1] + timedelta(days=1), time(), UTC))
    first_purchase: dict[int, datetime] = {}
    for profile_id, at, _total in purchases:
        if at >= start and (profile_id not in first_purchase or at < first_purchase[profile_id]):
            first_purchase[profile_id] = at
    # Sorted moments, so each day is two binary searches however many profiles there are:
    # a profile counts from when it joined, and converts from when it both joined and bought.
    joined_at = {arm: sorted(joined.values()) for arm, joined in arms.items()}
    converted_at = {
        arm: sorted(max(at, first_purchase[profile]) for profile, at in joined.items() if profile in first_purchase)
        for arm, joined in arms.items()
    }
    points = []
    for day in days:
        day_end = datetime.combine(day + timedelta(days=1), time(), UTC)
        rates = {}
        for arm in arms:
            visitors = bisect_left(joined_at[arm], day_end)
            rates[arm] = bisect_left(converted_at[arm], day_end) / visitors if visitors else None
        points.append(UpliftPoint(day, rates["personalized"], rates["holdout"]))
    return points


def _arm_joins(session, shop_id, end) -> dict[str, dict[int, datetime]]:
    """For each arm of the shop-wide holdout, profile -> when it was first assigned (before ``end``)."""
    rows = session.execute(select(Assignment.arm, Assignment.unit_id, Assignment.profile_id, Assignment.assigned_at).where(
        Assignment.shop_id == shop_id, Assignment.experiment_key == GLOBAL_HOLDOUT, Assignment.assigned_at < end,
    )).all()
    # The first decision often precedes the visitor's first event: resolve the profile now, as the report does.
    visitors = {unit[2:] for _, unit, profile, _ in rows if profile is None and unit.startswith("v:")}
    customers = {unit[2:] for _, unit, profile, _ in rows if profile is None and unit.startswith("c:")}
    resolved = {f"v:{v}": p for v, p in _in_chunks(session, select(VisitorId.visitor_id, VisitorId.profile_id).where(
        VisitorId.shop_id == shop_id), VisitorId.visitor_id, visitors)}
    resolved |= {f"c:{c}": p for c, p in _in_chunks(session, select(Profile.customer_id, Profile.id).where(
        Profile.shop_id == shop_id), Profile.customer_id, customers)}
    arms: dict[str, dict[int, datetime]] = {"personalized": {}, "holdout": {}}
    for arm, unit, profile, at in rows:
        profile = profile if profile is not None else resolved.get(unit)
        if profile is None or arm not in arms:
            continue
        joined = arms[arm]
        joined[profile] = min(joined.get(profile, at), at)
    return arms


def _in_chunks(session, query, column, values, size: int = 500):
    values = sorted(values)
    for begin in range(0, len(values), size):
        yield from session.execute(query.where(column.in_(values[begin : begin + size])))
