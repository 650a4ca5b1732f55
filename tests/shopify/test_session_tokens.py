"""Shopify session tokens: JWT vectors made here with PyJWT, checked alone and as the admin API's bearer."""
from __future__ import annotations

import time

import jwt
import pytest

from app.models import ShopifyInstall
from app.shopify import session_tokens
from app.shopify.session_tokens import ExpiredSessionToken, InvalidSessionToken
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, session_token

SEGMENT = {"name": "Buyers", "conditions": [{"field": "order_count", "op": "gte", "value": 1}]}


def verify(token, secrets=(API_SECRET,)):
    return session_tokens.verify(token, API_KEY, secrets)


def test_a_valid_token_names_its_shop_and_user():
    checked = verify(session_token())
    assert (checked.shop_domain, checked.user_id, checked.session_id) == (DOMAIN, "42", "aaea182f-1d8c-4d6e-8e6e-9e2d7b1f0a11")
    assert checked.expires_at > time.time()


def test_an_expired_token_is_refused_but_may_be_retried():
    with pytest.raises(ExpiredSessionToken) as refused:
        verify(session_token(lifetime=-60))
    assert refused.value.retry and "expired" in refused.value.message


def test_a_few_seconds_of_clock_skew_are_forgiven():
    assert verify(session_token(lifetime=-1)).shop_domain == DOMAIN  # `exp` one second ago, within the 5 s leeway
    assert verify(session_token(not_before=int(time.time()) + 1)).shop_domain == DOMAIN  # `nbf` one second ahead


@pytest.mark.parametrize(("token", "reason"), [
    (lambda: session_token(audience="another-apps-client-id"), "another app"),
    (lambda: session_token(secret="shpss_ffffffffffffffffffffffffffffffff"), "signature"),
    (lambda: session_token(not_before=int(time.time()) + 120), "not valid yet"),
    (lambda: session_token(dest="https://evil.example"), "dest"),
    (lambda: session_token(dest=f"https://{DOMAIN}.evil.example"), "dest"),
    (lambda: session_token(iss="https://other-store.myshopify.com/admin"), "different shops"),
    (lambda: session_token(dest=None), "dest"),
    (lambda: session_token(exp=None), "exp"),
    (lambda: "not-a-jwt", "malformed"),
    (lambda: "eyJhbGciOiJIUzI1NiJ9.!!!.x", "malformed"),
    (lambda: "e30.e30.c2ln", "malformed"),  # base64 of {} . {} . "sig": shaped like a JWT, no algorithm
    (lambda: jwt.encode({"dest": f"https://{DOMAIN}"}, API_SECRET * 2, algorithm="HS512"), "malformed"),
], ids=["wrong audience", "wrong secret", "nbf in the future", "dest not a shop", "dest lookalike", "iss of another shop",
        "no dest", "no exp", "not a JWT", "bad base64", "no algorithm", "another algorithm"])
def test_invalid_tokens_are_refused(token, reason):
    # Made when the test runs, not at collection: a 60-second token made then may have expired by now.
    with pytest.raises(InvalidSessionToken) as refused:
        verify(token())
    assert reason in refused.value.message and not refused.value.retry


def test_an_unsigned_token_is_refused():
    unsigned = jwt.encode({"iss": f"https://{DOMAIN}/admin", "dest": f"https://{DOMAIN}", "aud": API_KEY,
                           "exp": int(time.time()) + 60, "nbf": int(time.time()) - 5}, None, algorithm="none")
    with pytest.raises(InvalidSessionToken):
        verify(unsigned)


def test_the_previous_secret_still_verifies_during_a_rotation():
    old = "shpss_00000000000000000000000000000000"
    assert verify(session_token(secret=old), secrets=(API_SECRET, old)).shop_domain == DOMAIN
    with pytest.raises(InvalidSessionToken):
        verify(session_token(secret=old))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def another_shop(make_shop, client):
    """A second shop, with its secret key and a segment of its own."""
    shop, secret = make_shop("Another", "another.example")
    assert client.post("/admin/api/segments", json={**SEGMENT, "name": "Theirs"}, headers=bearer(secret)).status_code == 201
    return shop, secret


def test_the_admin_api_accepts_a_valid_session_token_for_its_shop_only(client, installed, another_shop):
    created = client.post("/admin/api/segments", json=SEGMENT, headers=bearer(session_token()))
    assert created.status_code == 201
    listed = client.get("/admin/api/segments", headers=bearer(session_token()))
    assert listed.status_code == 200 and [s["name"] for s in listed.get_json()["segments"]] == ["Buyers"]
    # Unsafe methods need no CSRF token: a session token is never sent by the browser on its own.
    assert client.delete(f"/admin/api/segments/{created.get_json()['id']}", headers=bearer(session_token())).status_code == 204


@pytest.mark.parametrize(("token", "retry"), [
    (lambda: session_token(lifetime=-60), True),
    (lambda: session_token(audience="another-apps-client-id"), False),
    (lambda: session_token(secret="shpss_ffffffffffffffffffffffffffffffff"), False),
    (lambda: session_token(shop="not-installed.myshopify.com"), False),
    (lambda: session_token(not_before=int(time.time()) + 120), False),
    (lambda: "eyJhbGciOiJIUzI1NiJ9.e30.bm9wZQ", False),
], ids=["expired", "wrong audience", "wrong secret", "unknown shop", "nbf in the future", "malformed"])
def test_the_admin_api_refuses_bad_session_tokens(client, installed, another_shop, token, retry):
    response = client.get("/admin/api/segments", headers=bearer(token()))  # made now, not at collection
    assert response.status_code == 401 and response.get_json()["error"]
    # App Bridge fetches a new token and tries once more only when that can help.
    assert (response.headers.get("X-Shopify-Retry-Invalid-Session-Request") == "1") is retry


def test_a_shop_that_uninstalled_the_app_is_refused(client, installed, db_session):
    _shop, install = installed
    install.uninstalled_at, install.access_token_encrypted = install.installed_at, None
    db_session.commit()
    response = client.get("/admin/api/segments", headers=bearer(session_token()))
    assert response.status_code == 401 and "has not installed" in response.get_json()["error"]


def test_session_tokens_need_the_shopify_app_configured(client, make_shop, db_session):
    shop, _secret = make_shop("Demo store", DOMAIN)
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, access_token_encrypted="x", sync_state={}))
    db_session.commit()
    response = client.get("/admin/api/segments", headers=bearer(session_token()))
    assert response.status_code == 503 and "SHOPIFY_API_KEY" in response.get_json()["error"]


def test_secret_keys_keep_working_beside_session_tokens(client, installed, another_shop):
    _shop, secret = another_shop
    assert [s["name"] for s in client.get("/admin/api/segments", headers=bearer(secret)).get_json()["segments"]] == ["Theirs"]
    assert client.get("/admin/api/segments", headers=bearer("sk_unknown")).get_json() == {"error": "Unknown secret key."}
    assert client.get("/admin/api/segments", headers=bearer("neither")).status_code == 401
    assert client.get("/admin/api/segments", headers={"Authorization": "Basic abc"}).status_code == 401
