"""The refill example end to end: a signed-in customer whose usual re-buy time has passed is reminded on the home page,
with a link to the product; a customer who bought it days ago gets the hero's usual block. Nothing moves."""
from __future__ import annotations

import os

import pytest

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.recommender.training.train_shop import train_shop
from tests.browser.demo_store import PRODUCTS, build_demo_store
from tests.helpers.browser import visitor_page
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event
from tests.helpers.layout_shift import OBSERVE, cumulative_layout_shift, wait_until_settled
from tests.helpers.recommender_shop import FAST
from tests.helpers.restock_shop import plant_refills, regular_customer

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # docs/screenshots, to refresh the picture in the docs
HERO = "[data-p13n-slot=home-hero] [data-p13n-widget]"


@pytest.fixture
def refill_store(db_session, tmp_path):
    """The demo store with its widgets (a restock reminder among them), customers who buy Demo Product 3 every month,
    a trained model."""
    shop = build_demo_store(db_session)
    plant_refills(db_session, shop, "P03", [product_id for product_id, _, _ in PRODUCTS[5:]])
    regular_customer(db_session, shop, "C-DUE", "P03", last_days_ago=50)
    regular_customer(db_session, shop, "C-FRESH", "P03", last_days_ago=3)
    train_shop(db_session, shop.id, tmp_path, FAST)
    # The demo's "Restock reminder" sits above its thank-you block in the same slot, with the same reserved height.
    ingest_batch(db_session, shop.id, [
        event(visitor_id="due-browser"), signed_event(shop, "identify", "due-browser", "C-DUE"),
        event(visitor_id="fresh-browser"), signed_event(shop, "identify", "fresh-browser", "C-FRESH"),
    ], sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()
    return shop


def test_a_customer_due_to_restock_is_reminded_on_the_home_page_and_follows_the_link(browser, live_server, refill_store):
    context, page = visitor_page(browser, "due-browser", init=OBSERVE)
    page.goto(f"{live_server}/store/")
    hero = page.locator(HERO)
    hero.locator("h2").wait_for()
    wait_until_settled(page)
    assert cumulative_layout_shift(page) == 0, "the slot's height was reserved"
    assert hero.locator("h2").inner_text() == "Running low?"
    assert hero.locator("p").inner_text().startswith("Time to restock your Demo Product 3: order it again.")
    assert hero.locator("a").get_attribute("href") == "/store/products/P03"
    if SCREENSHOTS:
        page.locator("[data-p13n-slot=home-hero]").screenshot(path=f"{SCREENSHOTS}/restock.png")
    with page.expect_navigation():
        hero.locator("a").click()
    assert page.url == f"{live_server}/store/products/P03"
    context.close()


def test_a_customer_who_restocked_days_ago_gets_the_slots_next_block(browser, live_server, refill_store):
    context, page = visitor_page(browser, "fresh-browser")
    with page.expect_response(lambda response: "/v1/decide" in response.url) as decided:
        page.goto(f"{live_server}/store/")
    assert "restock_title" not in decided.value.text()
    assert page.locator(f"{HERO} h2").inner_text() == "Welcome back, customer C-FRESH!"
    assert "restock" not in page.locator(HERO).inner_text()
    context.close()
