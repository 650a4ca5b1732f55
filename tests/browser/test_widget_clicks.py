"""Clicks in blocks and pop-ups are recorded with their decision and counted on the dashboard."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.merchant_auth.accounts import create_user
from app.models import Event, Rule
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import leave_until_the_pop_up_opens, merchant_signs_in, visitor_page, wait_for
from tests.helpers.rules import make_rule

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session)  # the demo's widgets, with its exit pop-up and its coupon
    make_rule(db_session, shop, "block", name="New arrivals", slot="home-hero", priority=99,
              content={"html": '<p>Just in: <a href="/store/collections/all">new arrivals</a>.</p>', "min_height": 60})
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def click_through(page, rule_id: int) -> str:
    return page.locator(f"#rule-{rule_id} td").nth(3).inner_text()


def test_a_block_link_a_coupon_copy_and_a_dismissal_reach_the_dashboard(browser, live_server, shop, db_session):
    block = db_session.scalar(select(Rule).where(Rule.name == "New arrivals"))
    popup = db_session.scalar(select(Rule).where(Rule.kind == "popup"))
    context, page = visitor_page(browser)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server}/store/")
    page.locator("[data-p13n-slot=home-hero] [data-p13n-widget] a").click()
    page.wait_for_url("**/store/collections/all")
    page.wait_for_timeout(3000)  # the demo pop-up's minimum dwell
    dialog = leave_until_the_pop_up_opens(page)
    dialog.locator("button:has-text('Copy')").click()
    dialog.locator("button[aria-label=Close]").click()
    dialog.wait_for(state="detached")
    page.evaluate("p13n('flush')")
    clicks = wait_for(db_session, select(Event).where(Event.type == "widget_click"), lambda found: len(found) >= 3)
    context.close()
    recorded = sorted((c.props["rule_id"], c.props["widget"], c.props["action"], c.props["decision_id"][:3]) for c in clicks)
    assert recorded == sorted([(block.id, "block", "link", "dc_"), (popup.id, "popup", "coupon_copy", "dc_"), (popup.id, "popup", "dismiss", "dc_")])

    merchant, dashboard = merchant_signs_in(browser, live_server, EMAIL, PASSWORD)
    assert click_through(dashboard, block.id) == "100.0%"
    assert click_through(dashboard, popup.id) == "100.0%", "the copy is a click; closing it is not"
    assert dashboard.locator(f"#rule-{popup.id} .dismissals").inner_text() == "1 closed"
    merchant.close()
