"""The theme app blocks as a Liquid engine renders them, filled by the real storefront script in Chromium."""
from __future__ import annotations

import pytest

from tests.browser.demo_store import build_demo_store
from tests.helpers.rules import make_rule
from tests.shopify.liquid_blocks import render

pytestmark = pytest.mark.browser


def test_a_slider_and_a_content_block_fill_the_blocks_placed_in_the_theme(page, merchant_site, live_server, db_session):
    shop = build_demo_store(db_session, with_demo_rules=False)
    make_rule(db_session, shop, "slider", slot="product-recommendations",
              content={"strategy": "trending", "title": "You may also like"})
    make_rule(db_session, shop, "block", slot="home-content", content={"html": "<p>Free delivery this week</p>"})
    origin, pages = merchant_site
    pages["/"] = (f'<!doctype html><html><head><script async src="{live_server}/s/{shop.public_key}.js"></script></head>'
                  f"<body><h1>Theme</h1>{render('content')}{render('recommendations')}<footer>end</footer></body></html>")
    # The reserved space is there before the script has done anything.
    page.route(f"{live_server}/s/**", lambda route: None)  # hold the script back
    page.goto(origin + "/", wait_until="domcontentloaded")
    assert page.eval_on_selector('[data-p13n-slot="product-recommendations"]', "el => el.getBoundingClientRect().height") == 320
    assert page.eval_on_selector('[data-p13n-slot="home-content"]', "el => el.getBoundingClientRect().height") == 120
    page.unroute(f"{live_server}/s/**")

    page.goto(origin + "/")
    slider = page.locator('[data-p13n-slot="product-recommendations"] [data-p13n-widget] .t li')
    slider.first.wait_for()
    assert slider.count() > 0
    assert page.locator('[data-p13n-slot="product-recommendations"] h2').inner_text() == "You may also like"
    content = page.locator('[data-p13n-slot="home-content"] [data-p13n-widget] .b')
    content.wait_for()
    assert content.inner_text() == "Free delivery this week"
