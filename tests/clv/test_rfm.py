"""From orders to (x, t_x, T, monetary value): one transaction per customer and day, repeat spend only."""
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest

from app.clv.rfm import (
    daily_transactions,
    day_of,
    historical_values,
    holdout_actuals,
    rfm_summary,
)

END = date(2025, 3, 31)


def summary_of(purchases, unit="days", end=END):
    return rfm_summary(daily_transactions(purchases), end, unit)


def test_orders_on_one_day_are_one_transaction_worth_their_sum():
    summary = summary_of([("A", date(2025, 1, 1), 10), ("A", date(2025, 1, 8), 5), ("A", date(2025, 1, 8), 7),
                          ("A", date(2025, 1, 15), 30)])
    assert summary.customer_ids == ["A"]
    assert summary.frequency[0] == 2, "two repeat days, however many orders on them"
    assert summary.monetary_value[0] == pytest.approx((12 + 30) / 2), "the first purchase is not in the repeat mean"
    assert (summary.recency[0], summary.age[0]) == (14, (END - date(2025, 1, 1)).days)


def test_weeks_divide_days_by_seven_and_one_time_buyers_have_no_repeat_spend():
    days = summary_of([("A", date(2025, 1, 1), 10), ("A", date(2025, 1, 22), 20), ("B", date(2025, 3, 3), 99)])
    weeks = summary_of([("A", date(2025, 1, 1), 10), ("A", date(2025, 1, 22), 20), ("B", date(2025, 3, 3), 99)], "weeks")
    np.testing.assert_allclose(weeks.recency, days.recency / 7)
    np.testing.assert_allclose(weeks.age, days.age / 7)
    assert list(days.frequency) == [1, 0] and list(days.monetary_value) == [20, 0]
    assert weeks.recency[0] == 3
    with pytest.raises(ValueError, match="unit"):
        summary_of([("A", date(2025, 1, 1), 1)], "fortnights")


def test_the_calibration_end_day_is_included_and_later_customers_are_left_out():
    purchases = [("A", date(2025, 1, 1), 10), ("A", END, 10), ("A", END + timedelta(days=1), 10), ("B", END + timedelta(days=1), 5)]
    summary = summary_of(purchases)
    assert summary.customer_ids == ["A"] and summary.frequency[0] == 1 and summary.recency[0] == summary.age[0]
    counts, values = holdout_actuals(daily_transactions(purchases), ["A", "Z"], END, END + timedelta(days=30))
    assert list(counts) == [1, 0] and list(values) == [10, 0]


def test_days_are_utc_calendar_days():
    evening_in_new_york = datetime(2025, 1, 1, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert day_of(evening_in_new_york) == date(2025, 1, 2)
    assert day_of(date(2025, 1, 1)) == date(2025, 1, 1)


def test_historical_values_count_every_order():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    history = historical_values([("A", start, 10.0), ("A", start, 30.0), ("A", start + timedelta(days=10), 20.0)])["A"]
    assert (history.revenue, history.orders, history.average_order_value) == (60.0, 3, 20.0)
    assert history.first_order_at == start and history.last_order_at == start + timedelta(days=10)
    assert history.tenure_days(start + timedelta(days=40)) == 40
