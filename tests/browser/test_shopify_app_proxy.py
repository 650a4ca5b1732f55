"""A signed-in Shopify customer in real Chromium: the app embed asks the App Proxy, and the customer id counts.

A loopback server stands in for the Shopify store: it serves a page with the app embed as a Liquid engine renders
it for a signed-in customer, and forwards `/apps/p13n/*` to our `/shopify/proxy/*` with the parameters and the
signature Shopify adds (tests/helpers/shopify.py). Chromium runs the embed's inline script and the real storefront script.
"""
from __future__ import annotations

import threading
from urllib.parse import parse_qsl

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from app.models import Profile, ShopifyInstall, VisitorId
from app.shopify import token_crypto
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import wait_for
from tests.helpers.identity import customer_sig
from tests.helpers.liquid_blocks import render
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, proxy_query

pytestmark = pytest.mark.browser
CUSTOMER = "7362"


@pytest.fixture
def storefront(app, live_server, db_session):
    """(origin, shop, forwarded): the stand-in store, our shop installed on it, and the status of each proxied answer."""
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET)
    shop = build_demo_store(db_session, with_demo_rules=False)
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, sync_state={}, scopes="read_products",
                                  access_token_encrypted=token_crypto.encrypt(app, "shpat_x")))
    db_session.commit()
    signing = {"secret": API_SECRET}
    forwarded: list[int] = []
    embed = render("p13n", {"host": live_server + "/", "public_key": shop.public_key}, customer={"id": int(CUSTOMER)})
    html = f"<!doctype html><html><head><title>Store</title>{embed}</head><body><h1>Store</h1></body></html>".encode()

    def store(environ, start_response):
        path = environ["PATH_INFO"]
        if path.startswith("/apps/p13n/"):
            # What Shopify does: add the signed-in customer and sign; cookies are not passed on.
            query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            answer = requests.get(f"{live_server}/shopify/proxy/{path.removeprefix('/apps/p13n/')}", timeout=30,
                                  params=proxy_query(customer_id=CUSTOMER, secret=signing["secret"], **query))
            forwarded.append(answer.status_code)
            start_response(f"{answer.status_code} {answer.reason}", [("Content-Type", answer.headers["Content-Type"])])
            return [answer.content]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html]

    server = make_server("127.0.0.1", 0, store, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}", shop, forwarded, signing
    server.shutdown()
    thread.join(timeout=5)


def customer_profiles_of(db_session, visitor_id):
    return wait_for(db_session, select(Profile.customer_id).join(VisitorId, VisitorId.profile_id == Profile.id)
                    .where(VisitorId.visitor_id == visitor_id), predicate=lambda ids: CUSTOMER in ids)


def test_the_signed_in_customer_becomes_a_verified_identity(page, storefront, db_session):
    origin, shop, forwarded, _signing = storefront
    page.goto(origin + "/")
    page.wait_for_function("window.p13n && window.p13n.loaded === true")
    assert forwarded == [200]
    sig = page.get_attribute('meta[name="p13n-customer"]', "data-p13n-customer-sig")
    assert sig == customer_sig(shop, CUSTOMER)
    visitor = page.evaluate("localStorage.getItem('p13n_vid')")
    assert customer_profiles_of(db_session, visitor) == [CUSTOMER], "the visitor joined the customer's profile"

    # The next page loads the script at once with the signature this browser holds, and asks the proxy again.
    page.reload()
    page.wait_for_function("window.p13n && window.p13n.loaded === true")
    assert page.get_attribute('meta[name="p13n-customer"]', "data-p13n-customer-sig") == sig
    page.wait_for_function("document.querySelectorAll('script[src*=\"/s/\"]').length === 1")


def test_a_request_shopify_did_not_sign_leaves_the_id_a_claim(page, storefront, db_session):
    origin, _shop, forwarded, signing = storefront
    signing["secret"] = "shpss_" + "f" * 32  # not this app's secret: not from Shopify
    page.goto(origin + "/")
    page.wait_for_function("window.p13n && window.p13n.loaded === true")  # the script still loads
    assert forwarded == [401]
    assert page.get_attribute('meta[name="p13n-customer"]', "data-p13n-customer-sig") is None
    visitor = page.evaluate("localStorage.getItem('p13n_vid')")
    wait_for(db_session, select(VisitorId).where(VisitorId.visitor_id == visitor))
    assert db_session.scalar(select(Profile).where(Profile.customer_id == CUSTOMER)) is None
