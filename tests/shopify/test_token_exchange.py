"""Opening the app in the Shopify admin after a Shopify-managed install: the session token exchanged for an access token."""
from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from sqlalchemy import func, select

from app.clock import utcnow
from app.models import Job, Shop, ShopifyInstall
from app.shopify import token_crypto, token_exchange
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, TOKEN_URL, embedded_query, session_token

# Shopify's answer for an expiring offline token (shopify.dev, "Exchange a session token for an access token",
# "Offline access tokens"): an hour for the access token, and a refresh token.
GRANTED = {"access_token": "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", "scope": "read_products,read_customers,read_orders",
           "expires_in": 3600, "refresh_token": "shprt_5b2a1c5e1d4f4e0f8a1b7c3d9e6f0a21", "refresh_token_expires_in": 7776000}


def nothing_installed(db_session) -> bool:
    db_session.rollback()
    return (db_session.scalar(select(func.count()).select_from(ShopifyInstall)) == 0
            and db_session.scalar(select(func.count()).select_from(Job)) == 0)


def open_app(client, token):
    """The admin loads application_url (`/`) with its parameters; follow our redirects into the settings."""
    response = client.get("/", query_string=embedded_query(token))
    assert response.status_code == 302 and response.headers["Location"].startswith("/settings/?")
    return client.get(response.headers["Location"])


@responses.activate
def test_the_first_open_exchanges_the_session_token_and_completes_the_install(shopify_app, client, db_session):
    responses.post(TOKEN_URL, json=GRANTED)
    token = session_token()
    response = open_app(client, token)

    # The request has the documented shape: JSON, the session token as an id_token subject, an offline token asked for.
    (call,) = responses.calls
    assert call.request.headers["Content-Type"] == "application/json" and call.request.headers["Accept"] == "application/json"
    assert json.loads(call.request.body) == {
        "client_id": API_KEY, "client_secret": API_SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": token, "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token", "expiring": "1",
    }
    install = db_session.scalar(select(ShopifyInstall))
    assert install.shop_domain == DOMAIN and install.scopes == GRANTED["scope"] and install.uninstalled_at is None
    assert GRANTED["access_token"] not in install.access_token_encrypted
    assert token_crypto.decrypt(shopify_app, install.access_token_encrypted) == GRANTED["access_token"]
    assert token_crypto.decrypt(shopify_app, install.refresh_token_encrypted) == GRANTED["refresh_token"]
    assert timedelta(minutes=59) < install.access_token_expires_at - utcnow() <= timedelta(hours=1)
    assert timedelta(days=89) < install.refresh_token_expires_at - utcnow() <= timedelta(days=90)
    assert db_session.get(Shop, install.shop_id).domain == DOMAIN
    # The same work as after the OAuth callback.
    assert sorted(job.kind for job in db_session.scalars(select(Job))) == [
        "shopify_connect_pixel", "shopify_register_webhooks", "shopify_sync"]
    assert db_session.scalar(select(Job).where(Job.kind == "shopify_register_webhooks")).payload == {
        "address": "http://localhost/shopify/webhooks"}

    # Then on to the dashboard, inside the admin, still signed in by the token (no cookie).
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    query = parse_qs(target.query)
    assert target.path == "/settings/dashboard" and query["id_token"] == [token] and query["shop"] == [DOMAIN]
    assert query["embedded"] == ["1"] and "hmac" not in query
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Dashboard" in page.get_data(as_text=True)


@responses.activate
def test_an_installed_shop_is_not_exchanged_again(shopify_app, client, installed):
    page = client.get("/settings/dashboard", query_string=embedded_query(session_token()))
    assert page.status_code == 200 and len(responses.calls) == 0


@responses.activate
def test_reopening_after_an_uninstall_reinstalls_into_the_same_shop(shopify_app, client, db_session, installed):
    shop, install = installed
    install.uninstalled_at, install.access_token_encrypted = install.installed_at, None
    db_session.commit()
    responses.post(TOKEN_URL, json=GRANTED)
    assert client.get("/settings/dashboard", query_string=embedded_query(session_token())).status_code == 200
    db_session.expire_all()
    install = db_session.scalar(select(ShopifyInstall))
    assert install.shop_id == shop.id and install.uninstalled_at is None
    assert db_session.scalar(select(func.count()).select_from(Shop)) == 1


@responses.activate
def test_a_stored_token_that_cannot_be_read_any_more_is_replaced(shopify_app, client, db_session, installed):
    _shop, install = installed
    install.access_token_encrypted = token_crypto.encrypt("a SECRET_KEY since replaced", "shpat_old")
    db_session.commit()
    responses.post(TOKEN_URL, json=GRANTED)
    assert client.get("/settings/dashboard", query_string=embedded_query(session_token())).status_code == 200
    db_session.expire_all()
    assert token_crypto.decrypt(shopify_app, db_session.scalar(select(ShopifyInstall)).access_token_encrypted) == GRANTED["access_token"]


@responses.activate
def test_a_token_shopify_refuses_gets_a_fresh_one_once(shopify_app, client, db_session):
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_subject_token"})
    bounce = client.get("/settings/dashboard", query_string=embedded_query(session_token()))
    assert bounce.status_code == 200 and 'name="p13n-reload"' in bounce.get_data(as_text=True)
    again = client.get("/settings/dashboard", query_string=embedded_query(session_token(), bounced="1"))
    assert again.status_code == 401 and "invalid_subject_token" in again.get_data(as_text=True)
    assert nothing_installed(db_session)


@pytest.mark.parametrize("answer", [
    {"status": 500, "json": {"errors": "Internal Server Error"}},
    {"status": 200, "json": {"scope": "read_products"}},
    {"body": requests.ConnectionError("no route to host")},
], ids=["server error", "no token", "unreachable"])
@responses.activate
def test_a_failed_exchange_stores_nothing_and_says_so(shopify_app, client, db_session, answer):
    responses.post(TOKEN_URL, **answer)
    page = client.get("/settings/dashboard", query_string=embedded_query(session_token()))
    assert page.status_code == 502 and "did not give this app access" in page.get_data(as_text=True)
    assert nothing_installed(db_session)


@responses.activate
def test_a_forged_token_never_reaches_shopify(shopify_app, client, db_session):
    forged = session_token(secret="shpss_ffffffffffffffffffffffffffffffff")
    page = client.get("/settings/dashboard", query_string=embedded_query(forged))
    assert page.status_code == 401 and "signature" in page.get_data(as_text=True)
    assert len(responses.calls) == 0 and nothing_installed(db_session)


@responses.activate
def test_the_exchange_function_returns_shopifys_answer():
    responses.post(TOKEN_URL, json=GRANTED)
    assert token_exchange.exchange(DOMAIN, API_KEY, API_SECRET, "a.b.c") == GRANTED
