"""The storefront script in a real browser: what a shopper does arrives at /v1/events and lands in the store."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.demo.seed import DEMO_DOMAIN, DEMO_NAME
from app.models import Event, Order, Product, Profile, VisitorId
from app.shops import create_shop
from tests.helpers.browser import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_shop(db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB")
    for external_id, title, price in [("85123A", "White Hanging Heart T-Light Holder", "2.55"), ("71053", "White Metal Lantern", "3.39")]:
        db_session.add(Product(
            shop_id=shop.id, external_id=external_id, title=title, price=Decimal(price), currency="GBP",
            url=f"/store/products/{external_id}", image_url=f"/store/images/{external_id}.svg", tags=[], in_stock=True,
        ))
    db_session.commit()
    return shop


def events_of_type(type_):
    return select(Event).where(Event.type == type_).order_by(Event.id)


def test_product_page_sends_page_view_and_product_view(page, live_server, demo_shop, db_session):
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/store/products/85123A")
    views = wait_for(db_session, events_of_type("product_view"))
    assert [view.product_id for view in views] == ["85123A"]
    page_views = wait_for(db_session, events_of_type("page_view"))
    assert page_views and page_views[0].url.endswith("/store/products/85123A")
    assert page_views[0].visitor_id == views[0].visitor_id
    assert errors == []


def test_add_to_cart_and_checkout_record_the_cart_the_order_and_the_customer(page, live_server, demo_shop, db_session):
    page.goto(f"{live_server}/store/products/71053")
    page.fill("#quantity", "2")
    page.click("[data-p13n-add-to-cart]")
    page.wait_for_url("**/store/cart")
    carts = wait_for(db_session, events_of_type("add_to_cart"))
    assert [(cart.product_id, cart.value) for cart in carts] == [("71053", Decimal("6.78"))]

    page.fill("input[name=customer]", "17850")
    page.click("form[action$='/store/checkout'] [type=submit]")
    page.wait_for_url("**/store/orders/**")
    orders = wait_for(db_session, select(Order))
    assert len(orders) == 1
    order = orders[0]
    assert order.customer_id == "17850" and order.total == Decimal("6.78")
    assert [(line.product_id, line.quantity) for line in order.lines] == [("71053", 2)]
    customer = db_session.scalar(select(Profile).where(Profile.customer_id == "17850"))
    visitor_profiles = set(db_session.scalars(select(VisitorId.profile_id)))
    assert visitor_profiles == {customer.id}, "the anonymous browsing merged into the customer"
    assert {e.profile_id for e in db_session.scalars(select(Event))} == {customer.id}

    page.reload()  # a reloaded thank-you page must not count the order twice
    time.sleep(1.5)
    assert len(wait_for(db_session, events_of_type("purchase"))) == 1


def merchant_page(live_server, public_key, body=""):
    return f"""<!doctype html><html><head><title>Elsewhere</title>
    <script>window.p13n=window.p13n||function(){{(p13n.q=p13n.q||[]).push(arguments)}};
    p13n('identify', 'C-42'); p13n('track', 'add_to_cart', {{product_id: 'SKU-9', value: 4.5, currency: 'EUR', colour: 'red'}});</script>
    <script async src="{live_server}/s/{public_key}.js"></script>
    </head><body>{body}<p id=content>Merchant content</p></body></html>"""


def test_calls_queued_before_the_script_loads_are_sent_from_another_origin(page, live_server, merchant_site, demo_shop, db_session):
    origin, pages = merchant_site
    pages["/page"] = merchant_page(live_server, demo_shop.public_key)
    page.goto(f"{origin}/page")
    carts = wait_for(db_session, events_of_type("add_to_cart"))
    assert [(c.product_id, c.value, c.currency, c.props.get("colour")) for c in carts] == [("SKU-9", Decimal("4.50"), "EUR", "red")]
    identified = db_session.scalar(select(Profile).where(Profile.customer_id == "C-42"))
    assert identified is not None and carts[0].profile_id == identified.id


def test_the_script_loaded_twice_tracks_once(page, live_server, merchant_site, demo_shop, db_session):
    origin, pages = merchant_site
    twice = f'<script async src="{live_server}/s/{demo_shop.public_key}.js?again"></script>'
    pages["/page"] = merchant_page(live_server, demo_shop.public_key, twice)
    page.goto(f"{origin}/page")
    wait_for(db_session, events_of_type("page_view"))
    time.sleep(1.5)
    assert len(wait_for(db_session, events_of_type("page_view"))) == 1


def test_with_the_events_endpoint_down_the_page_is_untouched_and_no_error_escapes(page, live_server, merchant_site, demo_shop):
    origin, pages = merchant_site
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/v1/events", lambda route: route.abort("connectionrefused"))
    pages["/page"] = merchant_page(live_server, demo_shop.public_key)
    page.goto(f"{origin}/page")
    page.wait_for_function("window.p13n && window.p13n.loaded === true")
    page.evaluate("p13n('flush')")
    time.sleep(1.5)
    assert page.inner_text("#content") == "Merchant content"
    assert errors == []
    own_globals = page.evaluate(
        "() => { const f = document.createElement('iframe'); document.body.appendChild(f);"
        " const base = new Set(Object.getOwnPropertyNames(f.contentWindow)); f.remove();"
        " return Object.getOwnPropertyNames(window).filter(n => !base.has(n)); }"
    )
    assert own_globals == ["p13n"]


def test_events_refused_with_503_are_retried_after_retry_after_and_a_400_is_not(browser, live_server, demo_shop, db_session):
    context = browser.new_context()
    page = context.new_page()
    attempts = []

    def flaky(route):
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1", "Access-Control-Allow-Origin": "*"}, body="busy")
        else:
            route.continue_()

    page.route("**/v1/events", flaky)
    page.goto(f"{live_server}/store/products/85123A")
    # Route handlers run only while Playwright is called: wait in the page, not in Python.
    page.wait_for_function("JSON.parse(localStorage.getItem('p13n_retry') || '[]').length == 0 && localStorage.getItem('p13n_retry_at')")
    page.wait_for_timeout(2500)
    views = wait_for(db_session, events_of_type("product_view"))
    assert [view.product_id for view in views] == ["85123A"] and len(attempts) >= 2
    context.close()

    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.route("**/v1/events", lambda route: (refused.append(1), route.fulfill(
        status=400, headers={"Access-Control-Allow-Origin": "*"}, body="{}")))
    page.goto(f"{live_server}/store/products/71053")
    page.wait_for_timeout(4000)
    assert len(refused) == 1, "a 400 is final"
    context.close()
