"""Day-by-day widget figures and cumulative holdout conversion rates, from real events, orders and assignments."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import GLOBAL_HOLDOUT, Assignment, VisitorId
from app.stats.timeseries import daily_series, days_between
from tests.ingest.helpers import event
from tests.rules_helpers import make_rule


def track(db_session, shop, at, *events):
    """Events as the script sends them, received at ``at``."""
    ingest_batch(db_session, shop.id, [dict(e, ts=at.isoformat()) for e in events], sent_at=None, received_at=at)
    db_session.commit()


def profile_of(db_session, shop, visitor):
    return db_session.scalar(select(VisitorId.profile_id).where(VisitorId.shop_id == shop.id, VisitorId.visitor_id == visitor))


def order(db_session, shop, visitor, at, total):
    store_new_orders(db_session, shop.id, [OrderData(f"O-{visitor}-{at.isoformat()}", at, None, profile_of(db_session, shop, visitor),
                                                     total=Decimal(total))], "storefront")
    db_session.commit()


def assign(db_session, shop, visitor, arm, at, resolved=True):
    db_session.add(Assignment(shop_id=shop.id, experiment_key=GLOBAL_HOLDOUT, unit_id=f"v:{visitor}", arm=arm, assigned_at=at,
                              profile_id=profile_of(db_session, shop, visitor) if resolved else None))
    db_session.commit()


@pytest.fixture
def day0():
    return datetime.combine(utcnow().date() - timedelta(days=3), time(), UTC)


def build_history(db_session, shop, day0):
    """Three days: clicks and views that earn purchases, a pop-up sign-up, an unattributed order, both holdout arms."""
    slider = make_rule(db_session, shop, "slider", name="Picked for you")
    popup = make_rule(db_session, shop, "popup", name="Exit offer")
    shown = {"rule_id": slider.id, "decision_id": "dc_1", "widget": "slider"}
    track(db_session, shop, day0 + timedelta(hours=9), *[event("page_view", f"v{n}") for n in range(1, 7)])
    track(db_session, shop, day0 + timedelta(hours=10), *[event("widget_impression", v, props=shown) for v in ("v1", "v2")],
          *[event("widget_click", v, props=shown, product_id="P1") for v in ("v1", "v2")])
    track(db_session, shop, day0 + timedelta(hours=22), event("widget_impression", "v3", props=shown))
    order(db_session, shop, "v1", day0 + timedelta(hours=10, minutes=20), "20.00")  # click-through, day 0
    order(db_session, shop, "v3", day0 + timedelta(days=1, hours=2), "15.50")  # view-through, day 1
    track(db_session, shop, day0 + timedelta(days=1, hours=5), event("popup_submit", "v4", props={"rule_id": popup.id, "decision_id": "dc_2"}))
    order(db_session, shop, "v5", day0 + timedelta(days=2, hours=3), "99.00")  # held out: no widget, credited to none
    for visitor in ("v1", "v2", "v3"):
        assign(db_session, shop, visitor, "personalized", day0 + timedelta(hours=8))
    assign(db_session, shop, "v4", "personalized", day0 + timedelta(hours=8), resolved=False)
    assign(db_session, shop, "v5", "holdout", day0 + timedelta(hours=8))
    assign(db_session, shop, "v6", "holdout", day0 + timedelta(days=2, hours=1))
    return slider, popup


def test_days_between_covers_the_utc_days_of_a_half_open_period():
    start = datetime(2026, 1, 30, tzinfo=UTC)
    assert [d.isoformat() for d in days_between(start, start + timedelta(days=3))] == ["2026-01-30", "2026-01-31", "2026-02-01"]
    assert len(days_between(start, start + timedelta(hours=1))) == 1


def test_daily_figures_per_rule_and_overall(db_session, make_shop, day0):
    shop, _ = make_shop("A")
    slider, popup = build_history(db_session, shop, day0)
    other, _ = make_shop("B")
    build_history(db_session, other, day0)  # another shop's identical history counts nowhere here

    series = daily_series(db_session, shop.id, day0, day0 + timedelta(days=3))
    assert len(series.days) == 3 and series.days[0] == day0.date()
    assert [(d.impressions, d.clicks, d.conversions, d.revenue) for d in series.overall] == [(3, 2, 1, 20.0), (0, 0, 2, 15.5), (0, 0, 0, 0.0)]
    assert [(d.impressions, d.clicks, d.conversions, d.revenue) for d in series.rules[slider.id]] == [(3, 2, 1, 20.0), (0, 0, 1, 15.5), (0, 0, 0, 0.0)]
    assert [d.conversions for d in series.rules[popup.id]] == [0, 1, 0]


def test_uplift_is_the_cumulative_conversion_rate_of_each_holdout_arm(db_session, make_shop, day0):
    shop, _ = make_shop("A")
    build_history(db_session, shop, day0)
    series = daily_series(db_session, shop.id, day0, day0 + timedelta(days=3))
    # personalized: v1 bought day 0, v3 day 1, of 4 (v4 resolved from its visitor id);
    # holdout: v5 bought day 2, v6 joined day 2.
    assert [(p.personalized_rate, p.holdout_rate) for p in series.uplift] == [(0.25, 0.0), (0.5, 0.0), (0.5, 0.5)]
    assert [p.uplift for p in series.uplift] == [None, None, 0.0]


def test_a_shop_without_data_gets_zero_days(db_session, make_shop, day0):
    shop, _ = make_shop("Empty")
    series = daily_series(db_session, shop.id, day0, day0 + timedelta(days=2))
    assert [d.impressions for d in series.overall] == [0, 0] and series.rules == {}
    assert [(p.personalized_rate, p.holdout_rate) for p in series.uplift] == [(None, None), (None, None)]
