"""Fuzzing the Shopify app's public endpoints (install, OAuth callback, webhooks): never a 5xx.

Webhooks are fuzzed both unsigned (anyone) and signed with the app's secret (a body
only Shopify could send, yet it must still be a 4xx or a 200, never a 500).
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import ShopifyInstall
from app.shopify import app_proxy, token_crypto
from tests.helpers.hostile import FUZZ, Tally, encode_query, junk_bodies, mutations, query_mutations
from tests.helpers.shopify import API_KEY, API_SECRET, API_VERSION, DOMAIN, TOKEN, callback_params, post_webhook, proxy_query, signed_query

pytestmark = pytest.mark.fuzz

ORDER = {"id": 820982911946154508, "email": "jon@example.com", "created_at": "2026-11-01T10:00:00-05:00", "currency": "USD",
         "total_price": "199.65", "customer": {"id": 115310627314723954}, "line_items": [{"product_id": 632910392, "quantity": 1, "price": "199.00"}]}
WEBHOOKS = "/shopify/webhooks"  # where post_webhook sends
TOPICS = ["orders/create", "orders/paid", "products/update", "products/delete", "customers/data_request", "customers/redact",
          "shop/redact", "app/uninstalled", "bogus/topic", ""]


@pytest.fixture
def shopify_shop(app, make_shop, db_session):
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET, SHOPIFY_API_VERSION=API_VERSION)
    shop, _secret = make_shop("Shopify store", DOMAIN)
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, access_token_encrypted=token_crypto.encrypt(app, TOKEN),
                                  scopes="read_products", sync_state={}))
    db_session.commit()
    return shop


def test_webhooks_never_fail(client, shopify_shop, db_session):
    tally = Tally()

    @FUZZ
    @given(topic=st.sampled_from(TOPICS), body=st.one_of(mutations(ORDER).map(lambda value: json.dumps(value).encode()), junk_bodies()),
           signed=st.booleans(), event=st.integers(0, 10**6))
    def check(topic, body, signed, event):
        response = post_webhook(client, topic, body, event_id=f"fuzz-{event}", secret=API_SECRET if signed else "wrong")
        assert response.request.path == WEBHOOKS
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)
        db_session.rollback()

    check()
    tally.report(f"POST {WEBHOOKS}")


@pytest.mark.parametrize("path, example", [
    ("/shopify/install", {"shop": DOMAIN, "timestamp": "1700000000", "host": "YWRtaW4"}),
    ("/shopify/callback", callback_params("some-state")),
])
def test_install_and_callback_never_fail(client, shopify_shop, path, example):
    tally = Tally()

    @FUZZ
    @given(query=query_mutations(example), signed=st.booleans())
    def check(query, signed):
        if signed:
            try:
                query = signed_query(query)
            except UnicodeEncodeError:  # a lone surrogate cannot be signed; it is sent unsigned
                pass
        response = client.get(f"{path}?{encode_query(query)}")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"GET {path}")


@pytest.mark.parametrize("path", ["/shopify/proxy/customer", "/shopify/proxy/", "/shopify/proxy/anything/else"])
def test_the_app_proxy_never_fails(client, shopify_shop, path):
    """Signed or not, tampered or not: 200 (a signed request for our own path) or 401/404, never a 5xx."""
    tally = Tally()

    @FUZZ
    @given(query=query_mutations(proxy_query()), signed=st.booleans())
    def check(query, signed):
        if signed:
            unsigned = {key: value for key, value in query.items() if key != "signature"}
            try:
                query = {**unsigned, "signature": app_proxy.signature(API_SECRET, unsigned)}
            except (UnicodeEncodeError, TypeError):  # what cannot be signed is sent as it is
                pass
        response = client.get(f"{path}?{encode_query(query)}")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"GET {path}")
