"""The script through an outage and through rate limits: it waits as told, and every event arrives once."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.models import Event
from app.shops import create_shop
from tests.helpers.apps import another_app, dispose
from tests.helpers.servers import served_over_http

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><title>Busy shopper</title>
<script>
// What the script asked of /v1/events, seen from the page: when each call started and was answered.
var calls = [], realFetch = window.fetch;
window.fetch = function (url) {{
  var call = {{url: String(url), start: performance.now()}};
  calls.push(call);
  return realFetch.apply(this, arguments).then(function (response) {{
    call.end = performance.now();
    call.status = response.status;
    call.retryAfter = parseFloat(response.headers.get('Retry-After')) || 0;
    return response;
  }});
}};
</script>
<script async src="{api}/s/{key}.js"></script></head><body><p>Merchant content</p>
<script>
var emitted = 0;
var ticker = setInterval(function () {{
  if (!window.p13n || !window.p13n.loaded) return;
  p13n('track', 'product_view', {{product_id: 'P-' + emitted}});
  emitted += 1;
  if (emitted >= {count}) clearInterval(ticker);
}}, {every_ms});
</script></body></html>"""
# Emitted everything, nothing waiting to be sent or retried.
DRAINED = "emitted >= {count} && JSON.parse(localStorage.getItem('p13n_retry') || '[]').length == 0"


def events_calls(page) -> list[dict]:
    return page.evaluate("calls.filter(function (call) { return call.url.indexOf('/v1/events') >= 0; })")


def sent_while_told_to_wait(calls: list[dict]) -> list[dict]:
    """Calls started after an answer with Retry-After arrived and before that time had passed."""
    return [
        call for told in calls if told.get("retryAfter")
        for call in calls if told["end"] < call["start"] < told["end"] + told["retryAfter"] * 1000
    ]


def run_until_drained(page, db_session, count: int, deadline_seconds: float) -> list[str]:
    """Let the page work (route handlers run only while Playwright is called) until all ``count`` events are stored."""
    deadline = time.monotonic() + deadline_seconds
    stored: list[str] = []
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        db_session.rollback()
        stored = list(db_session.scalars(select(Event.product_id).where(Event.type == "product_view")))
        if len(stored) >= count and page.evaluate(DRAINED.format(count=count)):
            break
    return stored


def test_events_sent_through_a_10_second_outage_arrive_once_each(browser, app, db_session):
    shop, _ = create_shop(db_session, "Outage shop", None)
    db_session.commit()
    count, outage = 60, {}

    def events_route(route):
        outage.setdefault("from", time.monotonic())
        if time.monotonic() < outage["from"] + 10:  # the database is away: what the server answers then
            route.fulfill(status=503, headers={"Retry-After": "2"}, content_type="application/json", body='{"error": "unavailable"}')
        else:
            route.continue_()

    with served_over_http(app) as api:
        context = browser.new_context()
        page = context.new_page()
        page.route("**/v1/events", events_route)
        page.route("**/shop.html", lambda route: route.fulfill(
            content_type="text/html", body=PAGE.format(api=api, key=shop.public_key, count=count, every_ms=200)))
        page.goto(f"{api}/shop.html")
        stored = run_until_drained(page, db_session, count, deadline_seconds=120)
        calls = events_calls(page)
        context.close()
    assert any(call.get("status") == 503 for call in calls), "the outage happened"
    assert sorted(stored) == sorted(f"P-{n}" for n in range(count)), "every event once, none lost"
    assert sent_while_told_to_wait(calls) == []


def test_a_429_from_the_real_limiter_delays_events_and_loses_none(browser, app, db_session):
    shop, _ = create_shop(db_session, "Busy shop", None)
    db_session.commit()
    limited = another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_EVENTS="2/5second")
    count = 40
    with served_over_http(limited) as api:
        context = browser.new_context()
        page = context.new_page()
        page.route("**/shop.html", lambda route: route.fulfill(
            content_type="text/html", body=PAGE.format(api=api, key=shop.public_key, count=count, every_ms=150)))
        page.goto(f"{api}/shop.html")
        stored = run_until_drained(page, db_session, count, deadline_seconds=120)
        calls = events_calls(page)
        context.close()
    dispose(limited)
    assert any(call.get("status") == 429 for call in calls), "the limit was met"
    assert sorted(stored) == sorted(f"P-{n}" for n in range(count)), "every event once, none lost"
    assert sent_while_told_to_wait(calls) == []
