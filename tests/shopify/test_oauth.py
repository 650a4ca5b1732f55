"""Installing through Shopify's OAuth: the redirect, every rejection, and a good callback."""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from sqlalchemy import func, select

from app.models import Job, Shop, ShopifyInstall
from app.shopify import token_crypto
from app.shopify.oauth import STATE_COOKIE
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, GRAPHQL_URL, TOKEN_URL, callback_params, signed_query, theme_answer


def start_install(client) -> str:
    """Follow /shopify/install as the merchant's browser; the state Shopify would echo back."""
    response = client.get(f"/shopify/install?shop={DOMAIN}")
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", DOMAIN, "/admin/oauth/authorize")
    query = parse_qs(location.query)
    assert query["client_id"] == [API_KEY]
    assert query["scope"] == ["read_products,read_customers,read_orders,read_themes,write_pixels,read_customer_events,write_discounts"]
    assert query["redirect_uri"] == ["http://localhost/shopify/callback"]
    cookie = response.headers["Set-Cookie"]
    assert STATE_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=600" in cookie
    return query["state"][0]


def nothing_stored(db_session) -> bool:
    return (db_session.scalar(select(func.count()).select_from(ShopifyInstall)) == 0
            and db_session.scalar(select(func.count()).select_from(Job)) == 0)


def test_not_configured_names_the_variables(app, client):
    response = client.get(f"/shopify/install?shop={DOMAIN}")
    assert response.status_code == 503 and "SHOPIFY_API_SECRET" in response.get_data(as_text=True)


def test_install_refuses_a_foreign_domain(shopify_app, client):
    assert client.get("/shopify/install?shop=x.myshopify.com.evil.com").status_code == 400
    assert client.get("/shopify/install").status_code == 400


def test_install_accepts_a_bare_handle(shopify_app, client):
    for typed in ("demo-store", f"https://{DOMAIN}/", f" {DOMAIN.upper()} "):
        response = client.get("/shopify/install", query_string={"shop": typed})
        assert response.headers["Location"].startswith(f"https://{DOMAIN}/admin/oauth/authorize?"), typed


def test_state_cookie_is_secure_when_the_callback_is_https(shopify_app, client):
    shopify_app.config["PUBLIC_BASE_URL"] = "https://p13n.example"
    cookie = client.get(f"/shopify/install?shop={DOMAIN}").headers["Set-Cookie"]
    assert "Secure" in cookie


@responses.activate
def test_bad_hmac_is_401(shopify_app, client, db_session):
    state = start_install(client)
    params = signed_query(callback_params(state), secret="wrong secret")
    response = client.get("/shopify/callback", query_string=params)
    assert response.status_code == 401 and "signature" in response.get_data(as_text=True)
    assert nothing_stored(db_session) and len(responses.calls) == 0


@responses.activate
def test_wrong_state_is_403(shopify_app, client, db_session):
    start_install(client)
    response = client.get("/shopify/callback", query_string=signed_query(callback_params("forged-state")))
    assert response.status_code == 403
    assert nothing_stored(db_session) and len(responses.calls) == 0


@responses.activate
def test_no_state_cookie_is_403(shopify_app, client, db_session):
    response = client.get("/shopify/callback", query_string=signed_query(callback_params("any")))
    assert response.status_code == 403 and nothing_stored(db_session)


@pytest.mark.parametrize("age", [24 * 3600 + 60, -3600])
@responses.activate
def test_stale_or_future_timestamp_is_rejected(shopify_app, client, db_session, age):
    state = start_install(client)
    params = signed_query(callback_params(state, timestamp=int(time.time()) - age))
    response = client.get("/shopify/callback", query_string=params)
    assert response.status_code == 400
    assert nothing_stored(db_session) and len(responses.calls) == 0


@responses.activate
def test_lookalike_domain_is_rejected_even_when_signed(shopify_app, client, db_session):
    state = start_install(client)
    params = signed_query(callback_params(state, shop="x.myshopify.com.evil.com"))
    response = client.get("/shopify/callback", query_string=params)
    assert response.status_code == 400
    assert nothing_stored(db_session) and len(responses.calls) == 0


@responses.activate
def test_failed_token_exchange_stores_nothing(shopify_app, client, db_session):
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_request"})
    state = start_install(client)
    response = client.get("/shopify/callback", query_string=signed_query(callback_params(state)))
    assert response.status_code == 502 and nothing_stored(db_session)


@responses.activate
def test_good_callback_installs_signs_in_and_enqueues(shopify_app, client, db_session):
    responses.post(TOKEN_URL, json={"access_token": "shpat_secret_token", "scope": "read_products,read_orders"})
    responses.post(GRAPHQL_URL, json=theme_answer("{}"))
    state = start_install(client)
    response = client.get("/shopify/callback", query_string=signed_query(callback_params(state)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/install")

    exchange = responses.calls[0].request
    assert exchange.url == TOKEN_URL and json.loads(exchange.body) == {
        "client_id": API_KEY, "client_secret": API_SECRET, "code": "auth-code-123", "expiring": "1"}
    install = db_session.scalar(select(ShopifyInstall))
    assert install.shop_domain == DOMAIN and install.uninstalled_at is None
    assert install.access_token_encrypted != "shpat_secret_token"
    assert "shpat_secret_token" not in install.access_token_encrypted
    assert token_crypto.decrypt(shopify_app, install.access_token_encrypted) == "shpat_secret_token"
    shop = db_session.get(Shop, install.shop_id)
    assert shop.domain == DOMAIN
    assert sorted(job.kind for job in db_session.scalars(select(Job))) == [
        "shopify_connect_pixel", "shopify_register_webhooks", "shopify_sync"]
    pixel_job = db_session.scalar(select(Job).where(Job.kind == "shopify_connect_pixel"))
    assert pixel_job.payload == {"backend_url": "http://localhost"} and pixel_job.shop_id == shop.id

    page = client.get("/settings/install")
    assert page.status_code == 200 and DOMAIN in page.get_data(as_text=True)

    # The state is single-use: replaying the same callback is refused.
    assert client.get("/shopify/callback", query_string=signed_query(callback_params(state))).status_code == 403


@responses.activate
def test_reinstall_reuses_the_shop_and_clears_uninstalled(shopify_app, client, db_session, installed):
    shop, install = installed
    install.uninstalled_at = install.installed_at
    install.access_token_encrypted = None
    db_session.commit()
    responses.post(TOKEN_URL, json={"access_token": "shpat_new", "scope": "read_products"})
    state = start_install(client)
    assert client.get("/shopify/callback", query_string=signed_query(callback_params(state))).status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Shop)) == 1
    install = db_session.scalar(select(ShopifyInstall))
    assert install.shop_id == shop.id and install.uninstalled_at is None
    assert token_crypto.decrypt(shopify_app, install.access_token_encrypted) == "shpat_new"
