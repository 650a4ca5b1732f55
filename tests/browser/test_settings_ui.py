"""The merchant's side in real Chromium: sign in, create an exit pop-up, preview it, see it work on the store
for a new visitor and not for a repeat buyer, then find its impression on the dashboard."""
from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.merchant_auth.accounts import create_user
from app.models import Event, Profile, Rule
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import leave_through_the_top, visitor_page, wait_for
from tests.helpers.events import event

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # e.g. docs/screenshots, to refresh the pictures in the README


@pytest.fixture
def store(db_session):
    """The demo store with a catalog and sales but no widgets yet: the merchant builds the pop-up."""
    shop = build_demo_store(db_session, with_demo_rules=False, sales=30)
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def repeat_buyer(db_session, shop, visitor_id: str) -> None:
    ingest_batch(db_session, shop.id, [event(visitor_id=visitor_id), event("identify", visitor_id, customer_id="C-REPEAT")],
                 sent_at=None, received_at=utcnow())
    buyer = db_session.scalar(select(Profile).where(Profile.customer_id == "C-REPEAT"))
    store_new_orders(db_session, shop.id, [
        OrderData(f"R{n}", utcnow() - timedelta(days=10 * n + 1), "C-REPEAT", buyer.id, lines=[OrderLineData("P01", 1, Decimal(4))])
        for n in range(2)
    ], "import")
    db_session.commit()


def exit_after_dwell(page) -> None:
    """Leave through the top after the pop-up's 1 s minimum dwell; again a few times on a slow machine
    (an exit before the dwell is ignored, not counted), until a pop-up shows or 5 s have passed."""
    page.wait_for_timeout(1300)
    for _ in range(10):
        leave_through_the_top(page)
        page.wait_for_timeout(500)
        if page.locator("[role=dialog]").count():
            return


def test_a_merchant_builds_previews_and_measures_an_exit_pop_up(browser, live_server, store, db_session):
    merchant = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = merchant.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    page.goto(f"{live_server}/settings/")
    assert page.url.startswith(f"{live_server}/settings/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")

    page.click("nav >> text=Widgets")
    page.click("text=New pop-up")
    page.fill("input[name=name]", "Exit coupon for first-time visitors")
    page.check("input[name=enabled][type=checkbox]")
    page.fill("input[name='content.headline']", "Wait! 15% off your first order")
    page.fill("textarea[name='content.body']", "Use this code at checkout.")
    page.fill("input[name='content.coupon']", "FIRST15")
    page.fill("input[name='content.trigger.min_dwell_seconds']", "1")
    page.check("input[name='targeting.stages'][value=new_visitor]")

    # Preview before saving: the store page in an iframe, with the unsaved pop-up open at once.
    page.click("#preview-changes")
    draft = page.frame_locator("#preview-frame")
    draft.locator("#p13n-h").wait_for()
    assert draft.locator("#p13n-h").inner_text() == "Wait! 15% off your first order"
    assert db_session.scalar(select(Rule).where(Rule.shop_id == store.id)) is None, "a preview saves nothing"
    page.click("button:has-text('Save')")
    page.locator(".flash >> text=Saved").wait_for()
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == store.id))
    assert rule.enabled and rule.content["coupon"] == "FIRST15" and rule.targeting["stages"] == ["new_visitor"]

    # The saved version's preview.
    preview = page.frame_locator("#preview-frame")
    preview.locator("#p13n-h").wait_for()
    assert preview.locator("#p13n-h").inner_text() == "Wait! 15% off your first order"
    assert "FIRST15" in preview.locator("[role=dialog]").inner_text()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/settings-editor.png", full_page=False)
    assert wait_for(db_session, select(Event).where(Event.shop_id == store.id), timeout=0.5) == [], "a preview records nothing"

    # A new visitor on the store sees it on exit intent.
    context, shopper = visitor_page(browser)
    shopper.set_viewport_size({"width": 1200, "height": 900})
    with shopper.expect_response(lambda response: "/v1/decide" in response.url) as decided:
        shopper.goto(f"{live_server}/store/collections/all")
    assert [popup["rule_id"] for popup in decided.value.json()["popups"]] == [rule.id]
    exit_after_dwell(shopper)
    shopper.locator("[role=dialog]").wait_for()
    assert shopper.locator("#p13n-h").inner_text() == "Wait! 15% off your first order"
    assert "FIRST15" in shopper.locator("[role=dialog]").inner_text()
    context.close()
    impressions = wait_for(db_session, select(Event).where(Event.type == "widget_impression"))
    assert [event.props["rule_id"] for event in impressions] == [rule.id]

    # A repeat buyer does not.
    repeat_buyer(db_session, store, "repeat-buyer-browser")
    context, shopper = visitor_page(browser, "repeat-buyer-browser")
    shopper.set_viewport_size({"width": 1200, "height": 900})
    with shopper.expect_response(lambda response: "/v1/decide" in response.url) as decided:
        shopper.goto(f"{live_server}/store/collections/all")
    assert decided.value.json()["popups"] == [], "the decision for a repeat buyer arms no pop-up"
    exit_after_dwell(shopper)
    assert shopper.locator("[role=dialog]").count() == 0
    context.close()

    # The dashboard counts the one impression.
    page.click("nav >> text=Dashboard")
    row = page.locator(f"#rule-{rule.id}")
    row.wait_for()
    assert row.locator("td").nth(2).inner_text() == "1"
    assert page.locator("#total-impressions").inner_text() == "1"
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/settings-dashboard.png", full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p], problems
    merchant.close()
