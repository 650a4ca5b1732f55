"""The Web Pixel extension (shopify_app/extensions/p13n-pixel) in Chromium, fed Shopify's documented events.

A harness page stands in for Shopify's sandbox: `@shopify/web-pixels-extension` is
mapped (import map) to a module whose register() does what the package's does
(shopify.extend('WebPixel::Render', ...)), and the pixel API it receives stubs
analytics.subscribe / customerPrivacy.subscribe and backs browser.localStorage /
browser.cookie with the page's own storage. The pixel's index.js is loaded unchanged.
Its posts go to the real app, which stores them.
"""
from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Event, Order, Profile
from tests.browser import pixel_events
from tests.helpers.browser import wait_for

pytestmark = pytest.mark.browser

PIXEL_SRC = Path(__file__).resolve().parents[2] / "shopify_app" / "extensions" / "p13n-pixel" / "src"
REGISTER_MODULE = "export const register = (extend) => shopify.extend('WebPixel::Render', extend);\n"
HARNESS = """<!doctype html><html><head><title>Pixel harness</title>
<script type="importmap">{"imports": {"@shopify/web-pixels-extension": "/harness/web-pixels-extension.js"}}</script>
<script>
window.subscribers = {}; window.consentSubscribers = [];
window.shopify = {extend: function (point, extend) { window.extensionPoint = point; window.extendPixel = extend; }};
window.startPixel = function (settings, init) {
  var cookie = {
    get: async function (name) {
      var match = document.cookie.match(new RegExp('(?:^|;\\\\s*)' + name + '=([^;]*)'));
      return match ? match[1] : '';
    },
    set: async function (cookieOrName, value) {
      document.cookie = value === undefined ? cookieOrName : cookieOrName + '=' + value; return document.cookie;
    }
  };
  var storage = {
    getItem: async function (key) { return localStorage.getItem(key); },
    setItem: async function (key, value) { localStorage.setItem(key, value); },
    removeItem: async function (key) { localStorage.removeItem(key); }
  };
  window.extendPixel({
    settings: settings, init: init, browser: {cookie: cookie, localStorage: storage, sendBeacon: async function () { return true; }},
    analytics: {subscribe: function (name, callback) { (subscribers[name] = subscribers[name] || []).push(callback); return function () { return true; }; }},
    customerPrivacy: {subscribe: function (name, callback) { consentSubscribers.push(callback); return function () { return true; }; }}
  });
};
window.emitEvent = function (event) { (subscribers[event.name] || []).forEach(function (callback) { callback(event); }); };
window.consentChanged = function (allowed) {
  consentSubscribers.forEach(function (callback) { callback({customerPrivacy: {analyticsProcessingAllowed: allowed,
    marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false}}); });
};
</script>
<script type="module">import '/pixel/index.js'; window.pixelLoaded = true;</script>
</head><body></body></html>"""


@pytest.fixture
def shop(make_shop, db_session):
    shop, _ = make_shop("Demo store", "demo-store.myshopify.com")
    db_session.commit()
    return shop


@pytest.fixture
def harness(page, merchant_site, live_server, shop):
    """(page, posted batches, start(init=...)): the harness loaded, the pixel registered, not yet started."""
    origin, pages = merchant_site
    pages["/harness.html"] = HARNESS

    def serve(route):
        path = route.request.url.split(origin, 1)[1].split("?")[0]
        if path == "/harness/web-pixels-extension.js":
            body = REGISTER_MODULE
        else:
            body = (PIXEL_SRC / path.removeprefix("/pixel/")).read_text()
        route.fulfill(status=200, content_type="text/javascript", body=body)

    page.route(f"{origin}/pixel/*.js", serve)
    page.route(f"{origin}/harness/*.js", serve)
    posted: list[dict] = []
    page.on("request", lambda request: posted.append(json.loads(request.post_data))
            if request.url.endswith("/v1/events") and request.method == "POST" else None)
    errors: list = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{origin}/harness.html")
    page.wait_for_function("window.pixelLoaded === true && typeof window.extendPixel === 'function'")
    assert page.evaluate("window.extensionPoint") == "WebPixel::Render"

    def start(init=None, backend=live_server):
        page.evaluate("([settings, init]) => window.startPixel(settings, init)",
                      [{"publicKey": shop.public_key, "backendUrl": backend + "/"}, init or pixel_events.init()])

    yield page, posted, start
    assert errors == []


def emit(page, event: dict) -> None:
    page.evaluate("event => window.emitEvent(event)", event)


def wait_for_posts(page, posted: list, count: int, timeout: float = 10.0) -> list[dict]:
    """Until `count` batches were posted; waiting through Playwright, which delivers the request events meanwhile."""
    deadline = time.monotonic() + timeout
    while len(posted) < count and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return posted


def test_every_subscribed_event_is_posted_as_our_event_type(harness, shop):
    page, posted, start = harness
    start()
    events = pixel_events.all_events()
    for event in events.values():
        emit(page, event)
    # A page view inside the checkout is left out: checkout_started and checkout_completed report it.
    emit(page, pixel_events.event("page_viewed", 9, {}, pixel_events.context("/checkouts/cn/Z2NwLXVzLWNlbnRyYWwx")))
    batches = wait_for_posts(page, posted, 8)
    page.wait_for_timeout(500)
    assert len(batches) == 8
    sent = {batch["events"][0]["id"]: batch["events"][0] for batch in batches}
    assert all(batch["key"] == shop.public_key and batch["sent_at"] for batch in batches)
    by_name = {name: sent.get(event["id"]) for name, event in events.items()}
    visitor = by_name["page_viewed"]["visitor_id"]
    assert all(event["visitor_id"] == visitor for event in sent.values())

    assert by_name["page_viewed"] == {
        "id": events["page_viewed"]["id"], "type": "page_view", "visitor_id": visitor,
        "url": "https://demo-store.myshopify.com/?utm_source=newsletter&utm_medium=email",
        "referrer": "https://www.google.com/", "ts": "2026-11-30T12:00:01.000Z",
        "props": {"via": "shopify_pixel", "title": "Demo store", "device": "mobile", "lang": "en-US",
                  "utm_source": "newsletter", "utm_medium": "email"}}
    assert by_name["product_viewed"]["type"] == "product_view"
    assert (by_name["product_viewed"]["product_id"], by_name["product_viewed"]["value"],
            by_name["product_viewed"]["currency"]) == ("632910392", 199, "USD")
    assert by_name["collection_viewed"]["type"] == "page_view"
    assert by_name["collection_viewed"]["props"]["collection_id"] == "841564295"
    assert by_name["search_submitted"]["props"]["search_query"] == "ipod"
    added = by_name["product_added_to_cart"]
    assert (added["type"], added["product_id"], added["value"], added["props"]["quantity"]) == ("add_to_cart", "632910392", 398, 2)
    assert added["props"]["variant_id"] == "808950810"
    removed = by_name["product_removed_from_cart"]
    assert (removed["type"], removed["product_id"], removed["value"]) == ("remove_from_cart", "921728736", 49.5)
    assert by_name["checkout_started"]["props"]["checkout"] == "started"
    purchase = by_name["checkout_completed"]
    assert purchase["type"] == "purchase" and purchase["order_id"] == "5345678901234"
    assert (purchase["value"], purchase["currency"], purchase["customer_id"]) == (467.39, "USD", "207119551")
    assert purchase["props"]["lines"] == [
        {"product_id": "632910392", "variant_id": "808950810", "quantity": 2, "price": 199},
        {"product_id": "921728736", "variant_id": "49148385", "quantity": 1, "price": 49.5}]
    assert by_name["checkout_started"]["props"]["checkout_total"] == 467.39 and len(sent) == 8


def test_checkout_completed_stores_a_purchase_with_its_lines_and_add_to_cart_a_cart_event(harness, shop, db_session):
    page, posted, start = harness
    start()
    events = pixel_events.all_events()
    emit(page, events["product_added_to_cart"])
    emit(page, events["checkout_completed"])

    orders = wait_for(db_session, select(Order))
    assert [order.external_id for order in orders] == ["5345678901234"]
    order = orders[0]
    assert order.total == Decimal("467.39") and order.currency == "USD" and order.customer_id == "207119551"
    assert sorted((line.product_id, line.quantity, line.price) for line in order.lines) == [
        ("632910392", 2, Decimal("199.00")), ("921728736", 1, Decimal("49.50"))]
    carts = wait_for(db_session, select(Event).where(Event.type == "add_to_cart"))
    assert [(e.product_id, e.value, e.props["quantity"]) for e in carts] == [("632910392", Decimal("398.00"), 2)]
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "207119551"))
    assert profile is not None and profile.order_count == 1
    # Sent again (Shopify retries, a reload of the thank-you page): the same event id, stored once.
    emit(page, events["checkout_completed"])
    wait_for_posts(page, posted, 3)
    db_session.rollback()
    assert db_session.scalar(select(Event).where(Event.type == "purchase")) is not None
    assert len(db_session.scalars(select(Event).where(Event.type == "purchase")).all()) == 1


def test_no_analytics_consent_sends_nothing_until_it_is_given(harness):
    page, posted, start = harness
    start(init=pixel_events.init(analytics_allowed=False))
    events = pixel_events.all_events()
    emit(page, events["page_viewed"])
    emit(page, events["product_added_to_cart"])
    page.wait_for_timeout(1500)
    assert posted == [] and page.evaluate("localStorage.getItem('p13n_vid')") is None  # nothing stored either

    page.evaluate("window.consentChanged(true)")
    emit(page, events["checkout_completed"])
    assert [batch["events"][0]["type"] for batch in wait_for_posts(page, posted, 1)] == ["purchase"]

    page.evaluate("window.consentChanged(false)")  # withdrawn
    emit(page, events["product_viewed"])
    page.wait_for_timeout(1200)
    assert len(posted) == 1


def test_a_visitor_the_storefront_script_knows_keeps_its_id(harness):
    page, posted, start = harness
    page.evaluate("localStorage.setItem('p13n_vid', 'vid-from-the-script')")
    start()
    emit(page, pixel_events.all_events()["product_viewed"])
    assert wait_for_posts(page, posted, 1)[0]["events"][0]["visitor_id"] == "vid-from-the-script"


def test_a_new_visitor_gets_one_id_that_the_storefront_script_adopts(harness, live_server, shop, db_session):
    page, posted, start = harness
    start()
    emit(page, pixel_events.all_events()["page_viewed"])
    pixel_visitor = wait_for_posts(page, posted, 1)[0]["events"][0]["visitor_id"]
    assert page.evaluate("localStorage.getItem('p13n_vid')") == pixel_visitor  # where the script looks first
    page.evaluate("src => { const s = document.createElement('script'); s.src = src; document.head.appendChild(s); }",
                  f"{live_server}/s/{shop.public_key}.js")
    views = wait_for(db_session, select(Event).where(Event.type == "page_view", Event.url.like("%harness.html%")))
    assert [view.visitor_id for view in views] == [pixel_visitor]
    stored = wait_for(db_session, select(Event).where(Event.visitor_id == pixel_visitor), lambda found: len(found) == 2)
    assert len({event.profile_id for event in stored}) == 1  # one visitor, one profile


def test_with_the_pixel_connected_the_storefront_script_leaves_views_to_it(page, merchant_site, live_server, shop, db_session):
    shop.settings = {**(shop.settings or {}), "shopify_pixel": {"id": "gid://shopify/WebPixel/1"}}
    db_session.commit()
    origin, pages = merchant_site
    pages["/products/ipod-nano"] = (
        f'<!doctype html><html><head><script async src="{live_server}/s/{shop.public_key}.js"></script></head><body>'
        '<meta name="p13n-customer" data-p13n-customer-id="207119551">'
        '<script type="application/json" data-p13n-product>{"id": "632910392", "price": 199}</script>'
        '<button data-p13n-add-to-cart="632910392">Add</button></body></html>')
    page.goto(f"{origin}/products/ipod-nano")
    page.wait_for_function("window.p13n && window.p13n.loaded === true")
    page.click("button")
    identified = wait_for(db_session, select(Event).where(Event.type == "identify"))
    page.wait_for_timeout(1500)
    db_session.rollback()
    assert [event.customer_id for event in identified] == ["207119551"]
    assert [event.type for event in db_session.scalars(select(Event))] == ["identify"]  # no page, product or cart events
