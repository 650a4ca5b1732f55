"""Where a block goes: a slot or a selector, never both, and merchant content is only removed on an explicit "replace"."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.merchant_auth.accounts import create_user
from app.models import Rule
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import merchant_signs_in, visitor_page

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"

TITLE_AND_NEXT = """() => {
    const h1 = document.querySelector('article.product h1');
    const next = h1 && h1.nextElementSibling;
    return {title: h1 ? h1.textContent.trim() : null, inside: h1 ? h1.querySelectorAll('[data-p13n-widget]').length : null,
            next_is_widget: !!(next && next.matches('[data-p13n-widget]'))};
}"""


@pytest.fixture
def store(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False, sales=20)
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def test_a_block_placed_after_the_title_by_selector_keeps_the_title(browser, live_server, store, db_session):
    """The new-block form pre-fills a slot; the merchant types a selector and picks "after"."""
    merchant, page = merchant_signs_in(browser, live_server, EMAIL, PASSWORD)
    page.goto(f"{live_server}/settings/rules/new/block")
    page.fill("input[name=name]", "Gift wrapping note")
    page.check("input[name=enabled][type=checkbox]")
    page.fill("textarea[name='content.html']", "<p>Free gift wrapping on every order.</p>")
    page.fill("input[name=selector]", "article.product h1")
    page.select_option("select[name=mode]", "after")
    page.check("input[name='targeting.page_kinds'][value=product]")
    page.click("button:has-text('Save')")
    page.locator(".flash >> text=Saved").wait_for()
    merchant.close()
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == store.id))
    assert (rule.slot, rule.selector, rule.mode) == (None, "article.product h1", "after")

    context, shopper = visitor_page(browser)
    shopper.goto(f"{live_server}/store/products/P03")
    shopper.locator("[data-p13n-widget]").first.wait_for(state="attached")
    assert shopper.evaluate(TITLE_AND_NEXT) == {"title": "Demo Product 3", "inside": 0, "next_is_widget": True}
    context.close()


def test_the_script_never_falls_back_from_a_missing_slot_to_a_destructive_selector(browser, merchant_site, live_server, store):
    """A decision from an older server naming both: the slot decides; a missing slot shows nothing."""
    origin, pages = merchant_site
    pages["/p"] = (f'<html><head><script async src="{live_server}/s/{store.public_key}.js"></script></head>'
                   '<body><h1 id="t">Lamp</h1><div data-p13n-slot="below"></div></body></html>')
    answer = {"decision_id": "dc_1", "stage": "new_visitor", "vars": {}, "popups": [], "sliders": [], "blocks": [
        {"rule_id": 1, "variant": None, "slot": "home-hero", "selector": "#t", "mode": "after", "html": "<p>A</p>", "min_height": 0},
        {"rule_id": 2, "variant": None, "slot": None, "selector": "#t", "mode": "after", "html": "<p>B</p>", "min_height": 0},
        {"rule_id": 3, "variant": None, "slot": "below", "selector": None, "mode": None, "html": "<p>C</p>", "min_height": 0},
    ]}
    context, page = visitor_page(browser)
    page.route("**/v1/decide**", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(answer),
                                                               headers={"Access-Control-Allow-Origin": "*"}))
    page.goto(f"{origin}/p")
    page.locator("[data-p13n-widget='3']").wait_for(state="attached")
    placed = page.evaluate("""() => ({
        title: document.getElementById('t').textContent,
        widgets: [...document.querySelectorAll('[data-p13n-widget]')].map(w => [w.getAttribute('data-p13n-widget'), w.parentElement.tagName,
                                                                               w.previousElementSibling && w.previousElementSibling.id])})""")
    assert placed["title"] == "Lamp"
    assert sorted(placed["widgets"]) == [["2", "BODY", "t"], ["3", "DIV", None]]
    context.close()
