"""Pins and boosts belong to one slider: set in its editor, they head that slider and no other."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.merchant_auth.accounts import create_user
from app.models import Rule
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import merchant_signs_in, visitor_page

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session)  # the demo's sliders: home "Picked for you", product "You may also like"
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def slider_ids(page, slot: str) -> list[str]:
    links = page.locator(f"[data-p13n-slot={slot}] .t li a")
    links.first.wait_for()
    return [href.rsplit("/", 1)[-1] for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]


def test_a_pin_set_in_one_sliders_editor_heads_that_slider_only(browser, live_server, shop, db_session):
    home = db_session.scalar(select(Rule).where(Rule.slot == "home-recommendations"))
    merchant, page = merchant_signs_in(browser, live_server, EMAIL, PASSWORD)
    page.goto(f"{live_server}/settings/rules/{home.id}")
    page.fill("textarea[name='content.pins']", "P15\nP14")
    page.select_option("select[name='boost.0.kind']", "products")
    page.fill("input[name='boost.0.name']", "P13")
    page.fill("input[name='boost.0.factor']", "50")
    page.click("button:has-text('Save')")
    page.locator(".flash >> text=Saved").wait_for()
    assert "Demo Product 15" in page.locator("#pinned-products").inner_text(), "the editor names what was pinned"
    merchant.close()

    context, shopper = visitor_page(browser)
    shopper.goto(f"{live_server}/store/")
    on_home = slider_ids(shopper, "home-recommendations")
    assert on_home[:3] == ["P15", "P14", "P13"], "pins in order, then the strongly boosted item"
    assert shopper.locator("[data-p13n-slot=home-recommendations] .t li .w").first.inner_text() == "Staff pick"
    shopper.goto(f"{live_server}/store/products/P03")
    on_product = slider_ids(shopper, "product-recommendations")
    assert on_product[0] not in ("P15", "P14"), "another slider is not headed by this one's pins"
    context.close()
