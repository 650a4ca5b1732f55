"""The journey map in real Chromium: drawn from the demo history, readable on a 390-pixel phone, and a click
on a band opens the segment of those shoppers with the same live count."""
from __future__ import annotations

import os
import re
from itertools import islice

import pytest
from flask import current_app

from app.demo.seed import DEMO_DOMAIN, DEMO_NAME, DEMO_SETTINGS, ORDERS_FILE
from app.importers import orders as order_import
from app.importers.reading import read_rows
from app.merchant_auth.accounts import create_user
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # e.g. docs/screenshots, to refresh the pictures in the README
PERIOD = "from=2011-01-01&to=2011-02-15&stall=30"


@pytest.fixture
def demo_history(db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB",
                          settings={**DEMO_SETTINGS, "journey": {"lapsed_days": 60}}, box=box_for(current_app, IDENTITY_SECRETS))
    order_import.import_orders(db_session, shop.id, islice(read_rows(ORDERS_FILE, "csv", order_import.REQUIRED_CSV_COLUMNS), 60_000))
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def sign_in(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/settings/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")
    return context, page


def test_the_journey_map_on_a_desktop_and_on_a_phone(browser, live_server, demo_history):
    context, page = sign_in(browser, live_server, 1300)
    page.goto(f"{live_server}/settings/journey?{PERIOD}")
    assert page.locator("svg.sankey-wide").is_visible() and not page.locator("svg.sankey-narrow").is_visible()
    if SCREENSHOTS:
        page.locator("#journey-map-heading").scroll_into_view_if_needed()
        page.screenshot(path=f"{SCREENSHOTS}/settings-journey.png", full_page=True)
    context.close()

    context, phone = sign_in(browser, live_server, 390)
    phone.goto(f"{live_server}/settings/journey?{PERIOD}")
    narrow = phone.locator("svg.sankey-narrow")
    assert narrow.is_visible() and not phone.locator("svg.sankey-wide").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "nothing runs off a phone's screen"
    box = narrow.bounding_box()
    assert box["width"] <= 390 and box["width"] >= 300, "the diagram is drawn at its own scale, not shrunk"
    font = phone.evaluate("""() => { const t = document.querySelector('svg.sankey-narrow text');
        return t.getBoundingClientRect().height; }""")
    assert font >= 11, f"labels readable on the phone ({font:.1f} px)"
    if SCREENSHOTS:
        narrow.scroll_into_view_if_needed()
        narrow.screenshot(path=f"{SCREENSHOTS}/settings-journey-phone.png")

    band = narrow.locator('a.band-link[aria-label^="First-time buyer → Repeat / loyal buyer"]')
    shown = int(re.search(r": ([\d,]+) shoppers", band.get_attribute("aria-label")).group(1).replace(",", ""))
    assert shown > 0
    # The segment page counts on the server, then again from its form as soon as it loads: both the same.
    with phone.expect_response(lambda response: response.url.endswith("/settings/segments/count")) as recounted:
        band.click()
    phone.wait_for_url(re.compile(r"/settings/segments/new\?"))
    assert phone.locator("#segment-unsaved").is_visible()
    assert recounted.value.json() == {"count": shown, "errors": {}}
    assert int(phone.locator("#segment-count-value").inner_text()) == shown
    assert phone.locator("input[name='conditions.0.when']").input_value() == "2011-01-01T00:00"
    context.close()
