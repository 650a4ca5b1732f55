"""Correcting browser clocks.

A browser's clock can be minutes or years off. The batch says when the
browser sent it (``sent_at``, by the browser's clock); we know when it arrived
(by ours). The difference is the skew, and every event time in the batch is
shifted by it. Network latency makes the correction slightly late, never early,
which is the safe side for ordering.
"""
from __future__ import annotations

from datetime import datetime, timedelta

# Beyond this, a client timestamp is considered nonsense rather than skewed:
# events older than that cannot have been queued in a browser.
MAX_EVENT_AGE = timedelta(days=7)


def skew(sent_at: datetime | None, received_at: datetime) -> timedelta:
    if sent_at is None:
        return timedelta(0)
    return received_at - sent_at


def corrected_time(client_ts: datetime | None, clock_skew: timedelta, received_at: datetime) -> datetime:
    if client_ts is None:
        return received_at
    try:
        corrected = client_ts + clock_skew
    except OverflowError:  # a skew that would leave the calendar is no clock we can correct
        return received_at
    if corrected > received_at or received_at - corrected > MAX_EVENT_AGE:
        return received_at
    return corrected
