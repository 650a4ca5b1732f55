"""Day-by-day widget figures and cumulative holdout conversion rates, from real events, orders and assignments."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.stats.timeseries import daily_series, days_between
from tests.helpers.stats_history import build_history


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
