"""App Proxy: Shopify's documented signature vector, tampering, freshness, and the /shopify/proxy/* endpoints."""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.models import Profile, VisitorId
from app.shopify import app_proxy
from app.shopify.app_proxy import InvalidProxyRequest
from app.shopify.signatures import params_from_multidict
from tests.helpers.events import event
from tests.helpers.identity import customer_sig
from tests.helpers.shopify import API_SECRET, DOCUMENTED_PROXY_QUERY, DOCUMENTED_PROXY_SECRET, proxy_query

DOCUMENTED_AT = 1317327555


def documented() -> dict:
    return params_from_multidict(MultiDict(parse_qsl(DOCUMENTED_PROXY_QUERY, keep_blank_values=True)))


def test_shopifys_documented_request_verifies():
    params = documented()
    assert app_proxy.message(params) == ("extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviews"
                                         "shop=shop-name.myshopify.comtimestamp=1317327555")
    verified = app_proxy.verify(params, [DOCUMENTED_PROXY_SECRET], now=DOCUMENTED_AT + 10)
    assert (verified.shop_domain, verified.customer_id, verified.path_prefix) == ("shop-name.myshopify.com", "1", "/apps/awesome_reviews")


@pytest.mark.parametrize(("name", "value"), [
    ("logged_in_customer_id", "2"), ("logged_in_customer_id", ""), ("shop", "other-shop.myshopify.com"),
    ("extra", ["1"]), ("extra", ["2", "1"]), ("path_prefix", "/apps/other"), ("timestamp", str(DOCUMENTED_AT + 1)),
    ("added", "1"),
])
def test_any_change_to_the_documented_request_breaks_its_signature(name, value):
    params = {**documented(), name: value}
    assert not app_proxy.is_authentic([DOCUMENTED_PROXY_SECRET], params)
    with pytest.raises(InvalidProxyRequest):
        app_proxy.verify(params, [DOCUMENTED_PROXY_SECRET], now=DOCUMENTED_AT)


def test_a_wrong_or_missing_signature_is_refused():
    params = documented()
    assert not app_proxy.is_authentic(["not-hush"], params)
    assert not app_proxy.is_authentic([], params)
    assert not app_proxy.is_authentic([DOCUMENTED_PROXY_SECRET], {k: v for k, v in params.items() if k != "signature"})
    assert not app_proxy.is_authentic([DOCUMENTED_PROXY_SECRET], {**params, "signature": ["x", "y"]})
    assert not app_proxy.is_authentic([DOCUMENTED_PROXY_SECRET], {**params, "signature": params["signature"][:-1]})
    # Hex is hex in either case; the secret being rotated out still counts.
    assert app_proxy.is_authentic([DOCUMENTED_PROXY_SECRET], {**params, "signature": params["signature"].upper()})
    assert app_proxy.is_authentic(["new-secret", DOCUMENTED_PROXY_SECRET], params)


@pytest.mark.parametrize("age", [-90, 0, 90])
def test_a_recent_timestamp_is_accepted(age):
    assert app_proxy.verify(proxy_query(timestamp=DOCUMENTED_AT), [API_SECRET], now=DOCUMENTED_AT + age).customer_id == "7362"


@pytest.mark.parametrize("age", [-91, 91, 3600])
def test_a_stale_or_future_timestamp_is_refused_even_when_signed(age):
    with pytest.raises(InvalidProxyRequest, match="timestamp"):
        app_proxy.verify(proxy_query(timestamp=DOCUMENTED_AT), [API_SECRET], now=DOCUMENTED_AT + age)


def test_no_signed_in_customer_is_none():
    assert app_proxy.verify(proxy_query(customer_id=None), [API_SECRET]).customer_id is None


@pytest.mark.parametrize("params", [
    # Signed, but cut differently: `a=1logged_in_customer_id=2` is also the message of {"a": "1", "logged_in_customer_id": "2"}.
    proxy_query(**{"a=1logged_in_customer_id": "2"}),
    proxy_query(customer_id="2 "), proxy_query(customer_id="gid://shopify/Customer/2"),
    proxy_query(shop="evil.example"), proxy_query(shop="demo-store.myshopify.com.evil.example"),
    proxy_query(path_prefix="apps/p13n"),
], ids=["key with =", "customer id with a space", "customer gid", "shop not myshopify", "shop lookalike", "relative prefix"])
def test_signed_but_malformed_requests_are_refused(params):
    with pytest.raises(InvalidProxyRequest):
        app_proxy.verify(params, [API_SECRET])


def test_repeated_and_array_keys_are_signed_as_shopify_forwards_them():
    query = MultiDict([("shop", "demo-store.myshopify.com"), ("logged_in_customer_id", ""), ("path_prefix", "/apps/p13n"),
                       ("timestamp", str(int(time.time()))), ("ids[]", "2"), ("ids[]", "1"), ("q", "a")])
    params = params_from_multidict(query)
    assert "ids[]=2,1" in app_proxy.message(params)
    assert app_proxy.verify({**params, "signature": app_proxy.signature(API_SECRET, params)}, [API_SECRET]).customer_id is None


# The endpoints, as Shopify calls them.

def test_a_signed_request_yields_the_customers_signature_a_verified_identity(client, installed, db_session):
    shop, _install = installed
    response = client.get("/shopify/proxy/customer", query_string=proxy_query())
    assert response.status_code == 200
    assert response.get_json() == {"customer_id": "7362", "customer_sig": customer_sig(shop, "7362")}
    assert "no-store" in response.headers["Cache-Control"]
    # The signature the events endpoint accepts: the customer's profile takes the visitor in.
    for visitor, sig in (("v-claim", None), ("v-proxy", response.get_json()["customer_sig"])):
        batch = {"key": shop.public_key, "events": [event("identify", visitor, customer_id="7362", customer_sig=sig)]}
        assert client.post("/v1/events", data=json.dumps(batch), content_type="text/plain").status_code == 200
    customer_of = select(Profile.customer_id).join(VisitorId, VisitorId.profile_id == Profile.id)
    db_session.expire_all()
    assert db_session.scalar(customer_of.where(VisitorId.visitor_id == "v-proxy")) == "7362"
    assert db_session.scalar(customer_of.where(VisitorId.visitor_id == "v-claim")) is None  # without it, a claim


def test_a_signed_request_without_a_customer_names_nobody(client, installed):
    response = client.get("/shopify/proxy/customer", query_string=proxy_query(customer_id=None))
    assert response.status_code == 200 and response.get_json() == {"customer_id": None, "customer_sig": None}


def test_a_shop_whose_identity_secret_cannot_be_read_gets_no_signature(client, installed, db_session):
    shop, _install = installed
    shop.identity_secret_encrypted = "gAAAAA-not-readable"
    db_session.commit()
    assert client.get("/shopify/proxy/customer", query_string=proxy_query()).get_json() == {"customer_id": "7362", "customer_sig": None}


def tampered() -> dict:
    return {**proxy_query(customer_id="7362"), "logged_in_customer_id": "1"}


@pytest.mark.parametrize("query", [
    tampered(), {k: v for k, v in proxy_query().items() if k != "signature"}, {}, proxy_query(secret="shpss_" + "f" * 32),
    proxy_query(timestamp=int(time.time()) - 600), proxy_query(shop="not-installed.myshopify.com"),
], ids=["tampered", "no signature", "no query", "wrong secret", "stale", "shop without the app"])
def test_anything_else_gets_the_same_bare_401(client, installed, query):
    response = client.get("/shopify/proxy/customer", query_string=query)
    assert (response.status_code, response.get_data(as_text=True)) == (401, "Unauthorized")
    assert "no-store" in response.headers["Cache-Control"]


def test_every_proxy_path_needs_the_signature(client, installed):
    assert client.get("/shopify/proxy/anything/else").status_code == 401
    assert client.post("/shopify/proxy/customer").status_code == 401
    assert client.get("/shopify/proxy/").status_code == 401
    assert client.get("/shopify/proxy/anything/else", query_string=proxy_query()).status_code == 404


def test_an_uninstalled_shop_gets_401(client, installed, db_session):
    _shop, install = installed
    install.uninstalled_at, install.access_token_encrypted = install.installed_at, None
    db_session.commit()
    assert client.get("/shopify/proxy/customer", query_string=proxy_query()).status_code == 401
