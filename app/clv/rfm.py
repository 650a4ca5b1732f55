"""From orders to the per-customer summaries the models are fitted on.

The papers count one transaction per customer and calendar day (two orders on
one day are one transaction worth their sum), and measure from each customer's
first transaction:

- ``x`` (frequency): repeat transactions, i.e. transaction days after the first;
- ``t_x`` (recency): time from the first to the last transaction;
- ``T`` (age): time from the first transaction to the end of the calibration period;
- monetary value: the mean value of the repeat transactions (the first one is
  left out, as in the Gamma-Gamma papers: it is often atypical, and it is
  what made the customer a customer).

Times are in ``unit`` ("weeks", as in the papers, or "days"): a parameter such
as BG/NBD's alpha is only meaningful with the unit it was fitted in.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

UNIT_DAYS = {"days": 1.0, "weeks": 7.0}

# (customer id, when, amount): an order as the models see it.
Purchase = tuple[Hashable, "date | datetime", float]


def day_of(moment: date | datetime) -> date:
    """The calendar day of a purchase (UTC for aware datetimes)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.date()
    return moment


def unit_days(unit: str) -> float:
    try:
        return UNIT_DAYS[unit]
    except KeyError:
        raise ValueError(f"unknown time unit {unit!r}; use one of {', '.join(UNIT_DAYS)}") from None


def daily_transactions(purchases: Iterable[Purchase]) -> dict[Hashable, dict[date, float]]:
    """Per customer, the value bought on each calendar day (one transaction per customer and day)."""
    days: dict[Hashable, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for customer_id, moment, amount in purchases:
        days[customer_id][day_of(moment)] += float(amount)
    return days


@dataclass(frozen=True)
class RFM:
    """Per-customer calibration summary; arrays aligned with ``customer_ids``."""

    customer_ids: list
    frequency: np.ndarray  # x
    recency: np.ndarray  # t_x
    age: np.ndarray  # T
    monetary_value: np.ndarray  # mean repeat-transaction value; 0 where x == 0
    first_purchase: list[date]
    calibration_end: date
    unit: str

    def __len__(self) -> int:
        return len(self.customer_ids)

    @property
    def repeat_customers(self) -> np.ndarray:
        return self.frequency > 0


def rfm_summary(
    transactions: dict[Hashable, dict[date, float]], calibration_end: date | datetime, unit: str = "weeks"
) -> RFM:
    """Summarise the customers whose first transaction is on or before ``calibration_end`` (inclusive)."""
    scale, end = unit_days(unit), day_of(calibration_end)
    ids, firsts, x, t_x, age, money = [], [], [], [], [], []
    for customer_id in sorted(transactions, key=str):
        days = sorted(day for day in transactions[customer_id] if day <= end)
        if not days:
            continue
        first, repeats = days[0], days[1:]
        ids.append(customer_id)
        firsts.append(first)
        x.append(len(repeats))
        t_x.append((days[-1] - first).days / scale)
        age.append((end - first).days / scale)
        values = [transactions[customer_id][day] for day in repeats]
        money.append(sum(values) / len(values) if values else 0.0)
    return RFM(ids, np.array(x, dtype=float), np.array(t_x, dtype=float), np.array(age, dtype=float),
               np.array(money, dtype=float), firsts, end, unit)


def holdout_actuals(
    transactions: dict[Hashable, dict[date, float]], customer_ids: list, calibration_end: date | datetime,
    holdout_end: date | datetime,
) -> tuple[np.ndarray, np.ndarray]:
    """Per customer, transactions and their total value in (calibration_end, holdout_end] (days inclusive)."""
    start, end = day_of(calibration_end), day_of(holdout_end)
    counts, values = np.zeros(len(customer_ids)), np.zeros(len(customer_ids))
    for index, customer_id in enumerate(customer_ids):
        for day, value in transactions.get(customer_id, {}).items():
            if start < day <= end:
                counts[index] += 1
                values[index] += value
    return counts, values


@dataclass(frozen=True)
class HistoricalValue:
    """What a customer has been worth so far (every order, not one per day)."""

    revenue: float
    orders: int
    first_order_at: datetime
    last_order_at: datetime

    @property
    def average_order_value(self) -> float:
        return self.revenue / self.orders if self.orders else 0.0

    def tenure_days(self, now: datetime) -> float:
        """Days since the first order."""
        return max((now - self.first_order_at).total_seconds() / 86400, 0.0)


def historical_values(orders: Iterable[tuple[Hashable, datetime, float]]) -> dict[Hashable, HistoricalValue]:
    totals: dict[Hashable, list] = {}
    for customer_id, placed_at, amount in orders:
        seen = totals.get(customer_id)
        if seen is None:
            totals[customer_id] = [float(amount), 1, placed_at, placed_at]
        else:
            seen[0] += float(amount)
            seen[1] += 1
            seen[2], seen[3] = min(seen[2], placed_at), max(seen[3], placed_at)
    return {customer_id: HistoricalValue(*values) for customer_id, values in totals.items()}
