"""The settings UI inside the Shopify admin: pages, links, forms and fetch calls signed in by session tokens, no cookie."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.merchant_auth.accounts import create_user
from tests.helpers.settings_ui import PASSWORD, sign_in
from tests.helpers.shopify import API_KEY, DOMAIN, HOST, embedded_query, session_token

APP_BRIDGE = '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>'


@pytest.fixture
def iframe(shopify_app, installed):
    """The admin's iframe as the browser sees it: our cookies are third-party there, so none is kept."""
    return shopify_app.test_client(use_cookies=False)


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


def test_a_page_opened_in_the_admin_loads_app_bridge_and_may_be_framed_by_the_admin(iframe):
    page = iframe.get("/settings/dashboard", query_string=embedded_query(session_token()))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Demo store" in html
    assert f'<meta name="shopify-api-key" content="{API_KEY}">' in html
    # App Bridge is the first script, neither async nor deferred, from Shopify's CDN.
    assert re.findall(r"<script[^>]*>", html)[0] == APP_BRIDGE.removesuffix("</script>")
    policy = directives(page)
    assert policy["frame-ancestors"] == f"https://admin.shopify.com https://{DOMAIN}"
    assert policy["script-src"] == "'self' https://cdn.shopify.com/shopifycloud/app-bridge.js"
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    # No sign-out inside the admin: there is no session to end.
    assert "Sign out" not in html


def test_links_keep_the_admin_context_but_never_the_token(iframe):
    token = session_token()
    html = iframe.get("/settings/dashboard", query_string=embedded_query(token)).get_data(as_text=True)
    rules_link = re.search(r'href="(/settings/rules[^"]*)"', html).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(rules_link).query)
    assert query == {"embedded": ["1"], "shop": [DOMAIN], "host": [HOST]}
    assert token not in html
    assert "/settings/static/settings.css\"" in html  # static files without the parameters


def test_cookie_pages_keep_their_policy(client, merchant_user):
    for url in ("/settings/login",):
        page = client.get(url)
        policy = directives(page)
        assert policy["frame-ancestors"] == "'self'" and policy["script-src"] == "'self'"
        assert page.headers["X-Frame-Options"] == "SAMEORIGIN" and APP_BRIDGE not in page.get_data(as_text=True)
    assert sign_in(client, "owner@shop.example", PASSWORD).status_code == 302
    page = client.get("/settings/dashboard")
    assert page.status_code == 200 and directives(page)["frame-ancestors"] == "'self'"
    assert APP_BRIDGE not in page.get_data(as_text=True) and "Sign out" in page.get_data(as_text=True)


def test_the_frame_names_the_token_shop_not_the_shop_in_the_address(iframe):
    page = iframe.get("/settings/dashboard", query_string=embedded_query(session_token(), shop="attacker.myshopify.com"))
    assert page.status_code == 200 and directives(page)["frame-ancestors"] == f"https://admin.shopify.com https://{DOMAIN}"


def test_a_page_load_without_a_token_bounces_through_app_bridge(iframe):
    page = iframe.get("/settings/rules", query_string={**embedded_query(), "page": "2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and APP_BRIDGE in html and "Widgets" not in html
    reload_url = re.search(r'<meta name="p13n-reload" content="([^"]+)">', html).group(1).replace("&amp;", "&")
    target = urlsplit(reload_url)
    query = parse_qs(target.query)
    assert target.path == "/settings/rules" and not target.netloc
    assert query["page"] == ["2"] and query["bounced"] == ["1"] and query["shop"] == [DOMAIN] and "id_token" not in query
    assert directives(page)["frame-ancestors"] == f"https://admin.shopify.com https://{DOMAIN}"


def test_an_expired_token_bounces_once_then_says_why(iframe):
    expired = session_token(lifetime=-60)
    assert 'name="p13n-reload"' in iframe.get("/settings/rules", query_string=embedded_query(expired)).get_data(as_text=True)
    again = iframe.get("/settings/rules", query_string=embedded_query(expired, bounced="1"))
    assert again.status_code == 401 and "expired" in again.get_data(as_text=True)


@pytest.mark.parametrize("token", [
    lambda: session_token(audience="another-apps-client-id"), lambda: session_token(secret="shpss_ffffffffffffffffffffffffffffffff"),
    lambda: session_token(not_before=10**10), lambda: "garbage.token.here",
], ids=["wrong audience", "wrong secret", "nbf in the future", "malformed"])
def test_an_invalid_token_shows_why_and_no_data(iframe, token):
    page = iframe.get("/settings/dashboard", query_string=embedded_query(token()))  # made now, not at collection
    html = page.get_data(as_text=True)
    assert page.status_code == 401 and "Not signed in" in html and "Demo store" not in html
    assert 'name="p13n-reload"' not in html  # a new token would not help: no loop


def test_a_form_sent_with_a_token_needs_no_csrf_and_comes_back_with_its_message(iframe, installed, db_session):
    shop, _install = installed
    token = session_token()
    saved = iframe.post(f"/settings/privacy/settings?embedded=1&shop={DOMAIN}&host={HOST}",
                        data={"consent_mode": "required", "retention_days": "30", "id_token": token})
    assert saved.status_code == 302
    target = urlsplit(saved.headers["Location"])
    query = parse_qs(target.query)
    assert target.path == "/settings/privacy" and query["id_token"] == [token] and query["host"] == [HOST] and "flashed" in query
    db_session.refresh(shop)
    assert shop.settings["consent_required"] is True and shop.settings["retention_days"] == 30
    page = iframe.get(saved.headers["Location"])
    assert page.status_code == 200 and "Privacy settings saved." in page.get_data(as_text=True)


def test_a_form_without_a_token_changes_nothing(iframe, installed, db_session):
    shop, _install = installed
    response = iframe.post(f"/settings/privacy/settings?embedded=1&shop={DOMAIN}", data={"consent_mode": "required", "retention_days": "30"})
    assert response.status_code == 401 and "reload the app" in response.get_data(as_text=True)
    forged = iframe.post(f"/settings/privacy/settings?embedded=1&shop={DOMAIN}",
                         data={"consent_mode": "required", "retention_days": "30", "id_token": session_token(secret="x" * 32)})
    assert forged.status_code == 401
    db_session.refresh(shop)
    assert "retention_days" not in (shop.settings or {})


def test_a_flashed_message_in_the_address_must_be_ours(iframe):
    page = iframe.get("/settings/privacy", query_string=embedded_query(session_token(), flashed="forged.message.here"))
    assert page.status_code == 200 and 'class="flash' not in page.get_data(as_text=True)


def test_fetch_calls_from_the_admin_carry_the_token_as_a_bearer(iframe):
    status = iframe.get("/settings/install/status", headers={"Authorization": f"Bearer {session_token()}"})
    assert status.status_code == 200 and status.get_json()["seen"] is False
    expired = iframe.get("/settings/install/status", headers={"Authorization": f"Bearer {session_token(lifetime=-60)}"})
    assert expired.status_code == 401 and expired.get_json()["error"]
    assert expired.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    # A POST with the bearer needs no CSRF token either (the segment form's live count).
    counted = iframe.post("/settings/segments/count", headers={"Authorization": f"Bearer {session_token()}"},
                          data={"match": "all", "conditions.0.field": "order_count", "conditions.0.op": "gte", "conditions.0.value": "1"})
    assert counted.status_code == 200 and counted.get_json() == {"count": 0, "errors": {}}


@pytest.fixture
def merchant_user(make_shop, db_session):
    shop, _secret = make_shop("Cookie shop", "shop.example")
    create_user(db_session, shop.id, "owner@shop.example", PASSWORD)
    db_session.commit()
    return shop


def test_inside_the_admin_a_cookie_session_never_counts(shopify_app, client, installed, merchant_user):
    assert sign_in(client, "owner@shop.example", PASSWORD).status_code == 302
    assert "Cookie shop" in client.get("/settings/dashboard").get_data(as_text=True)
    # The same browser opens the Shopify app: the token's shop is shown, not the cookie's.
    page = client.get("/settings/dashboard", query_string=embedded_query(session_token())).get_data(as_text=True)
    assert "Demo store" in page and "Cookie shop" not in page
    # And without a token inside the admin, the cookie does not stand in for one.
    assert 'name="p13n-reload"' in client.get("/settings/dashboard", query_string=embedded_query()).get_data(as_text=True)


def test_the_application_url_leads_into_the_settings(client):
    assert client.get("/").headers["Location"] == "/settings/"
    assert client.get("/?embedded=1&shop=x.myshopify.com").headers["Location"] == "/settings/?embedded=1&shop=x.myshopify.com"
