"""Predicted lifetime value in real Chromium: fitted on the demo order history, a merchant builds the
"top 10% predicted CLV" and "p_alive < 0.3" audiences in the segment editor and sees them counted live."""
from __future__ import annotations

import os
import re
from datetime import timedelta
from itertools import islice

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.clv.refresh import refresh_shop_clv
from app.demo.seed import DEMO_DOMAIN, DEMO_NAME, DEMO_SETTINGS, ORDERS_FILE
from app.importers import orders as order_import
from app.importers.reading import read_rows
from app.merchant_auth.accounts import create_user
from app.models import Order, Profile
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # e.g. docs/screenshots, to refresh the pictures in the README


@pytest.fixture
def fitted_demo(db_session):
    """The demo shop's first 60,000 order lines (Dec 2010 to Feb 2011), with CLV refitted three months after the last
    of them, as the periodic refit would see a shop whose buyers have gone quiet: some of them now probably for good."""
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB", settings=dict(DEMO_SETTINGS), box=box_for(current_app, IDENTITY_SECRETS))
    order_import.import_orders(db_session, shop.id, islice(read_rows(ORDERS_FILE, "csv", order_import.REQUIRED_CSV_COLUMNS), 60_000))
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    latest = db_session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop.id))
    refresh_shop_clv(db_session, shop.id, now=latest + timedelta(days=90))
    db_session.commit()
    return shop


def profiles(db_session, shop, condition) -> int:
    return db_session.scalar(select(func.count()).select_from(Profile).where(Profile.shop_id == shop.id, condition))


def test_top_clv_and_likely_lapsed_audiences_are_counted_live_from_the_fitted_demo_history(browser, live_server, fitted_demo, db_session):
    top = profiles(db_session, fitted_demo, Profile.clv_percentile >= 90)
    lapsing = profiles(db_session, fitted_demo, Profile.p_alive < 0.3)
    assert top > 10 and lapsing > 10, (top, lapsing)

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/settings/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")

    page.goto(f"{live_server}/settings/segments/new")
    count = page.locator("#segment-count-value")
    page.fill("input[name=name]", "Top 10% predicted CLV")
    page.select_option("select[name='conditions.0.field']", "clv_percentile")
    page.select_option("select[name='conditions.0.op']", "gte")
    page.fill("input[name='conditions.0.value']", "90")
    page.wait_for_function("([el, n]) => el.textContent === n", arg=[count.element_handle(), str(top)])

    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/settings-clv-segment.png", full_page=True)

    # The win-back audience: customers the model thinks have probably stopped buying.
    page.fill("input[name=name]", "Likely lapsed (p_alive < 0.3)")
    page.select_option("select[name='conditions.0.field']", "p_alive")
    page.select_option("select[name='conditions.0.op']", "lt")
    page.fill("input[name='conditions.0.value']", "0.3")
    page.wait_for_function("([el, n]) => el.textContent === n", arg=[count.element_handle(), str(lapsing)])
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/settings/segments/\d+$"))
    assert page.locator("h1").inner_text() == "Likely lapsed (p_alive < 0.3)"
    assert count.inner_text() == str(lapsing), "the saved segment counts the same shoppers"
    context.close()
