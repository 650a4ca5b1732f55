"""The shop-wide holdout is a setting: the merchant sets it, reads what it trades off and how long the test needs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.merchant_auth.accounts import create_user
from app.models import Shop
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import merchant_signs_in
from tests.helpers.traffic import visits_and_buyers

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False, sales=0)  # the demo's 0% holdout
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    # 28 days of traffic: 2,800 visitors, 140 of them bought (5%).
    visits_and_buyers(db_session, shop, visitors=2800, buyers=140, days=28, now=utcnow() - timedelta(hours=1))
    return shop


def test_the_merchant_sets_the_holdout_and_sees_how_long_the_test_needs(browser, live_server, shop, db_session):
    context, page = merchant_signs_in(browser, live_server, EMAIL, PASSWORD)
    page.click("nav >> text=Shop settings")
    estimate = page.locator("#holdout-estimate")
    assert "100 visitors a day" in estimate.inner_text() and "5.0%" in estimate.inner_text()
    page.fill("input[name=holdout_percent]", "10")
    page.click("#holdout-form button[type=submit]")
    page.locator(".flash >> text=Saved").wait_for()
    assert page.locator("input[name=holdout_percent]").input_value() == "10"
    assert "10% of shoppers" in page.locator("#holdout-estimate").inner_text()
    context.close()
    db_session.expire_all()
    assert db_session.scalar(select(Shop).where(Shop.id == shop.id)).settings["holdout_percent"] == 10
