"""The OWASP filter-evasion vectors through every merchant- and shopper-controlled field, rendered in Chromium
on the demo store's pages and every settings page: none may run.

Each vector calls ``top.__xss(n)`` if it ever runs (tests/helpers/xss_vectors.py). A page passes when,
after it has loaded and its widgets have rendered, no call was recorded in it or its frames, no dialog
opened, nothing was fetched from the vectors' host, and no active content a vector carries (a handler,
a javascript:/data: link, a script, a meta refresh...) is in its DOM, shadow roots or frames. The
vectors are planted twice (tests/helpers/xss_shop.py): straight into the rows, and through the API.
``XSS_REPORT=path`` appends the closing figures to that file.
"""
from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest

from app.decisions.preview import preview_token
from app.merchant_auth.accounts import create_user
from app.models import Shop, hash_secret_key
from tests.browser.demo_store import build_demo_store
from tests.helpers.xss_pages import Findings, inspect, watch
from tests.helpers.xss_shop import KINDS, STORED_FIELDS, TEXTS, plant_stored, plant_submitted

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
SETTINGS_PAGES = ["/settings/dashboard", "/settings/install", "/settings/rules", "/settings/segments", "/settings/journey",
                  "/settings/model", "/settings/leads", "/settings/privacy", "/settings/shopify", "/settings/segments/new",
                  "/settings/rules/new/block", "/settings/rules/new/popup", "/settings/rules/new/slider"]


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False, sales=20)
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


class Visit:
    """One watched browser context; every page load turns the shop's name into the next vector."""

    def __init__(self, browser, live_server, db_session, shop, findings: Findings):
        self.live, self.db, self.shop_id, self.findings = live_server, db_session, shop.id, findings
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        watch(self.context, findings)
        # Every widget must render to be inspected, however slow the shared machine: without an
        # AbortController the script waits for /v1/decide instead of giving up after 2 s (its
        # give-up is tested elsewhere; a page with a hundred widgets can miss it under load).
        self.context.add_init_script("window.AbortController = undefined;")
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.loads = 0

    def open(self, path: str, ready: str | None = None, visitor: str | None = None) -> None:
        shop = self.db.get(Shop, self.shop_id)
        shop.name = TEXTS[self.loads % len(TEXTS)][:200]
        self.db.commit()
        self.loads += 1
        if visitor:
            self.page.evaluate(f"() => {{ try {{ localStorage.setItem('p13n_vid', {json.dumps(visitor)}); }} catch (e) {{}} }}")
        self.page.goto(f"{self.live}{path}", wait_until="load")
        if ready:
            self.page.wait_for_function(ready)
        inspect(self.page, self.findings)

    def close(self) -> None:
        self.context.close()


def widgets_at_least(count: int) -> str:
    return f"() => document.querySelectorAll('[data-p13n-widget]').length >= {count}"


POPUP_OPEN = "() => [...document.querySelectorAll('[data-p13n-widget]')].some(host => host.shadowRoot && host.shadowRoot.querySelector('[role=dialog]'))"


def visit_store(visit: Visit, planted, app, shop, every_product: bool) -> None:
    visitors = planted.visitors or [None]
    visit.open("/store/")  # the script's first visit gives the browser a visitor id to replace
    visit.open("/store/", ready=widgets_at_least(len(planted.rules["block"])), visitor=visitors[0])
    for n, rule_id in enumerate(planted.rules["popup"]):
        token = preview_token(app.secret_key, shop.id, rule_id)
        visit.open(f"/store/?p13n_preview={token}", ready=POPUP_OPEN, visitor=visitors[n % len(visitors)])
    for page_number in (1, 2, 3, 4):
        visit.open(f"/store/collections/all?page={page_number}")
    if every_product:
        for n, external_id in enumerate(planted.products):
            visit.open(f"/store/products/{external_id}", visitor=visitors[n % len(visitors)])
        for text in TEXTS:
            visit.open(f"/store/collections/all?q={quote(text, safe='')}")
    for batch in (planted.products[:40], planted.products[40:]):
        for external_id in batch:
            visit.page.request.post(f"{visit.live}/store/cart/add", form={"product_id": external_id, "quantity": "1"})
        visit.open("/store/cart")
        placed = visit.page.request.post(f"{visit.live}/store/checkout", form={"customer": ""}, max_redirects=0)
        assert placed.status == 303
        visit.open(placed.headers["location"].replace(visit.live, ""))  # the thank-you page lists the titles


def visit_settings(visit: Visit, planted, editors: list[int], segment_editors: list[int]) -> None:
    visit.open("/settings/login")
    visit.page.fill("input[name=email]", EMAIL)
    visit.page.fill("input[name=password]", PASSWORD)
    visit.page.click("button[type=submit]")
    visit.page.wait_for_url("**/settings/dashboard")
    for path in SETTINGS_PAGES:
        visit.open(path)
    for rule_id in editors:
        visit.open(f"/settings/rules/{rule_id}", ready="() => { const f = document.querySelector('#preview-frame'); "
                   "return !f || (f.contentDocument && f.contentDocument.readyState === 'complete'); }")
    for segment_id in segment_editors:
        visit.open(f"/settings/segments/{segment_id}")


def assert_nothing_ran(findings: Findings) -> None:
    assert findings.executions == [], findings.executions[:10]
    assert findings.dialogs == [], findings.dialogs[:10]
    assert findings.remote_loads == [], findings.remote_loads[:10]
    assert findings.injections == [], findings.injections[:20]


def report(mode: str, findings: Findings, fields: int) -> None:
    path = os.environ.get("XSS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"mode": mode, "vectors": len(TEXTS), "fields": fields, "page_loads": findings.pages,
                                  "executions": len(findings.executions), "dialogs": len(findings.dialogs),
                                  "injections": len(findings.injections)}) + "\n")


def test_no_vector_runs_when_stored_in_any_field(browser, live_server, app, shop, db_session):
    planted = plant_stored(db_session, shop)
    findings = Findings()
    store = Visit(browser, live_server, db_session, shop, findings)
    visit_store(store, planted, app, shop, every_product=True)
    store.close()
    merchant = Visit(browser, live_server, db_session, shop, findings)
    visit_settings(merchant, planted, planted.editor_rules + [planted.rules[kind][0] for kind in KINDS], planted.segments)
    merchant.close()
    report("stored", findings, len(STORED_FIELDS))
    assert_nothing_ran(findings)


def test_no_vector_runs_when_submitted_through_the_api(browser, live_server, app, client, shop, db_session):
    secret = "sk_xss_test"
    db_session.get(Shop, shop.id).secret_key_hash = hash_secret_key(secret)
    db_session.commit()
    planted = plant_submitted(client, db_session, shop, secret)
    findings = Findings()
    store = Visit(browser, live_server, db_session, shop, findings)
    visit_store(store, planted, app, shop, every_product=False)
    store.close()
    merchant = Visit(browser, live_server, db_session, shop, findings)
    visit_settings(merchant, planted, planted.rules["block"][:10], planted.segments[:5])
    merchant.close()
    report("submitted", findings, len(STORED_FIELDS) - 1)
    assert_nothing_ran(findings)


def test_the_watch_sees_vectors_that_run(browser, merchant_site):
    """The control: the same vectors pasted raw into a page (as a careless template would) are caught running."""
    origin, pages = merchant_site
    pages["/raw"] = "<!doctype html><title>raw</title><body>" + "".join(f"<div>{text}</div>" for text in TEXTS) + "</body>"
    findings = Findings()
    context = browser.new_context()
    watch(context, findings)
    page = context.new_page()
    page.goto(f"{origin}/raw", wait_until="load")
    inspect(page, findings, settle_ms=1000)
    context.close()
    ran = {n for _url, n in findings.executions}
    assert len(ran) >= 5, ran
    assert findings.remote_loads and len(findings.injections) >= 20
