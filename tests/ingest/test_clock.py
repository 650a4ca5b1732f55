from datetime import UTC, datetime, timedelta

from app.ingest.clock import MAX_EVENT_AGE, corrected_time, skew

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_browser_clock_an_hour_slow_is_corrected():
    browser_sent = NOW - timedelta(hours=1)
    event_at_browser = browser_sent - timedelta(seconds=5)
    assert corrected_time(event_at_browser, skew(browser_sent, NOW), NOW) == NOW - timedelta(seconds=5)


def test_a_browser_clock_in_the_future_is_corrected():
    browser_sent = NOW + timedelta(days=400)
    assert corrected_time(browser_sent - timedelta(seconds=2), skew(browser_sent, NOW), NOW) == NOW - timedelta(seconds=2)


def test_without_send_time_the_client_time_is_kept_but_never_in_the_future():
    assert corrected_time(NOW - timedelta(minutes=3), skew(None, NOW), NOW) == NOW - timedelta(minutes=3)
    assert corrected_time(NOW + timedelta(minutes=3), skew(None, NOW), NOW) == NOW


def test_nonsense_times_fall_back_to_the_receive_time():
    assert corrected_time(NOW - MAX_EVENT_AGE - timedelta(seconds=1), timedelta(0), NOW) == NOW
    assert corrected_time(None, timedelta(0), NOW) == NOW


def test_a_skew_that_would_leave_the_calendar_falls_back_to_the_receive_time():
    far = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
    assert corrected_time(far, skew(datetime.min.replace(tzinfo=UTC), NOW), NOW) == NOW
    assert corrected_time(datetime.min.replace(tzinfo=UTC), skew(far, NOW), NOW) == NOW
