"""The settings UI embedded in the Shopify admin, in real Chromium: framed by another origin, signed in by session tokens.

Chromium sees three HTTPS origins, each answered by the test: https://admin.shopify.com (a page standing in for the
admin: it frames the app and hands out session tokens made here with PyJWT), https://cdn.shopify.com (a stub of App
Bridge, tests/browser/app_bridge_stub.js) and https://p13n.test (passed through to our live server). So the real CSP
frame-ancestors decides whether the admin may frame us, and our cookies are third-party cookies, as in production.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import select

from app.models import Segment, Shop, ShopifyInstall
from app.shopify import token_crypto
from tests.helpers.browser import wait_for
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, HOST, embedded_query, session_token

pytestmark = pytest.mark.browser
APP = "https://p13n.test"
ADMIN = f"https://admin.shopify.com/store/{DOMAIN.split('.')[0]}/apps/p13n"
APP_BRIDGE_STUB = (Path(__file__).parent / "app_bridge_stub.js").read_text()
HOP_BY_HOP = {"connection", "content-length", "content-encoding", "transfer-encoding", "keep-alive"}


def admin_page(app_url: str) -> str:
    """The admin: our app in its iframe, and a fresh session token for every App Bridge request from that iframe."""
    return f"""<!doctype html><html><head><title>Shopify admin</title></head><body>
<h1>Shopify admin</h1>
<iframe id="app" name="app-iframe" src="{app_url}" style="width:1280px;height:900px"></iframe>
<script>
window.addEventListener('message', async (event) => {{
  if (event.origin !== '{APP}' || !event.data || event.data.type !== 'stub-admin:request-id-token') return;
  const token = await window.mintIdToken();
  event.source.postMessage({{type: 'stub-admin:id-token', id: event.data.id, token}}, event.origin);
}});
</script></body></html>"""


@pytest.fixture
def shopify_store(app, make_shop, db_session):
    """A Shopify store that installed the app (so opening it needs no token exchange), with a segment of its own."""
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET, PUBLIC_BASE_URL=APP)
    shop, _secret = make_shop("Demo store", DOMAIN)
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, sync_state={}, scopes="read_products",
                                  access_token_encrypted=token_crypto.encrypt(app, "shpat_x")))
    db_session.add(Segment(shop_id=shop.id, name="Big spenders", match="all", conditions=[
        {"field": "total_spend", "op": "gt", "value": 100}]))
    db_session.commit()
    return shop


@pytest.fixture
def admin(browser, live_server, shopify_store):
    """A browser context in which the admin, App Bridge's CDN and our app answer; what reached our server is recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.expose_function("mintIdToken", lambda: session_token())
    seen: list[dict] = []

    def pass_to_our_server(route):
        """Our server's answer; its redirects are followed here, as Chromium would (it cannot follow a fulfilled
        redirect to a routed host), with the same headers: cookies included, had the browser sent any."""
        request = route.request
        headers = {name: value for name, value in request.all_headers().items() if name.lower() not in HOP_BY_HOP | {"host"}}
        method, url, body = request.method, request.url, request.post_data_buffer
        for _hop in range(5):
            seen.append({"url": url, "path": urlsplit(url).path, "method": method, **{name.lower(): value for name, value in headers.items()}})
            answer = requests.request(method, live_server + url.removeprefix(APP), headers=headers, data=body,
                                      allow_redirects=False, timeout=30)
            if not answer.is_redirect:
                break
            method, url, body = "GET", urljoin(url, answer.headers["Location"]), None
            headers = {name: value for name, value in headers.items() if name.lower() not in ("content-type", "origin")}
        route.fulfill(status=answer.status_code, body=answer.content,
                      headers={name: value for name, value in answer.headers.items() if name.lower() not in HOP_BY_HOP})

    context.route(f"{APP}/**", pass_to_our_server)
    context.route("https://cdn.shopify.com/shopifycloud/app-bridge.js",
                  lambda route: route.fulfill(body=APP_BRIDGE_STUB, content_type="text/javascript"))
    context.route("https://admin.shopify.com/**",
                  lambda route: route.fulfill(body=admin_page(f"{APP}/?{urlencode(embedded_query(session_token()))}"),
                                              content_type="text/html"))
    context.route("https://evil.example/**", lambda route: route.fulfill(
        body=f'<!doctype html><iframe id="app" name="app-iframe" src="{APP}/settings/dashboard?{urlencode(embedded_query(session_token()))}"></iframe>',
        content_type="text/html"))
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    yield page, seen, problems
    context.close()


def app_frame(page):
    return page.frame(name="app-iframe")


def test_the_settings_open_in_the_admin_and_work_without_cookies(admin, shopify_store, db_session):
    page, seen, problems = admin
    page.goto(ADMIN)
    frame = page.frame_locator("#app")
    frame.locator("main h1:has-text('Dashboard')").wait_for()
    assert "Demo store" in frame.locator(".topbar").inner_text()
    # The one-minute token that brought the page in is gone from its address; the admin context stays.
    query = parse_qs(urlsplit(app_frame(page).url).query)
    assert "id_token" not in query and query["shop"] == [DOMAIN] and query["embedded"] == ["1"]

    # Following a link: settings.js gets a fresh token from App Bridge for the next page load.
    frame.locator("nav a:has-text('Segments')").click()
    frame.locator("main h1:has-text('Segments')").wait_for()
    assert "Big spenders" in frame.locator("main").inner_text()
    (load,) = [request for request in seen if request["path"] == "/settings/segments"]  # straight there, no bounce
    assert parse_qs(urlsplit(load["url"]).query)["id_token"][0].startswith("ey")

    # A fetch call reaches the admin API with App Bridge's bearer token, and without it gets nothing.
    status, body = app_frame(page).evaluate("() => fetch('/admin/api/segments').then(r => r.json().then(b => [r.status, b]))")
    assert status == 200 and [segment["name"] for segment in body["segments"]] == ["Big spenders"]
    call = [request for request in seen if request["path"] == "/admin/api/segments"][-1]
    assert call["authorization"].startswith("Bearer ey")
    bare = app_frame(page).evaluate("() => window.fetchWithoutAppBridge('/admin/api/segments').then(r => r.status)")
    assert bare == 401

    # A form: saved with the token it carries (no cookie, no CSRF token), and its message shown after the redirect.
    frame.locator("nav a:has-text('Privacy')").click()
    frame.locator("main h1:has-text('Privacy')").wait_for()
    frame.locator("input[name=retention_days]").fill("30")
    frame.locator("form[action*='/settings/privacy/settings'] button[type=submit]").click()
    frame.locator(".flash:has-text('Privacy settings saved.')").wait_for()
    saved = wait_for(db_session, select(Shop).where(Shop.id == shopify_store.id),
                     predicate=lambda shops: (shops[0].settings or {}).get("retention_days") == 30)
    assert saved[0].settings["retention_days"] == 30

    # Nothing relied on a cookie: none reached our server.
    assert not [request["path"] for request in seen if "cookie" in request]
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_a_page_loaded_without_a_current_token_gets_one_from_app_bridge(admin):
    page, seen, problems = admin
    page.goto(ADMIN)
    page.frame_locator("#app").locator("main h1:has-text('Dashboard')").wait_for()
    # As after a reload of the iframe: the address has no token, or one long expired.
    for token in ({}, {"id_token": session_token(lifetime=-600)}):
        address = f"{APP}/settings/rules?{urlencode({'embedded': '1', 'shop': DOMAIN, 'host': HOST, **token})}"
        app_frame(page).goto(address)
        page.frame_locator("#app").locator("main h1:has-text('Widgets')").wait_for()
        bounced = [request for request in seen if request["path"] == "/settings/rules"][-1]
        assert parse_qs(urlsplit(bounced["url"]).query)["bounced"] == ["1"]
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_another_site_cannot_frame_the_embedded_settings(admin):
    page, seen, problems = admin
    page.goto("https://evil.example/", wait_until="load")
    assert [request["path"] for request in seen] == ["/settings/dashboard"]  # our server answered, with its CSP
    # And Chromium refused to show it there: the frame holds its error page (named or not, once it gets there).
    frame = page.locator("#app").element_handle().content_frame()
    for _ in range(100):
        if frame is not None and frame.url == "chrome-error://chromewebdata/":
            break
        page.wait_for_timeout(100)
        frame = page.locator("#app").element_handle().content_frame()
    assert frame is not None and frame.url == "chrome-error://chromewebdata/", frame and frame.url
    assert page.frame_locator("#app").locator("main h1").count() == 0
