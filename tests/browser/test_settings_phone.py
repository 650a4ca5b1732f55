"""Every settings page is usable on a phone: at 390 px wide nothing scrolls sideways.

The pages are found by following the settings UI's own links from the dashboard (two levels: the menu,
then the forms and lists each page links to), so a page added later is checked without being listed here.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from app.merchant_auth.accounts import create_user
from tests.browser.demo_store import build_demo_store

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # e.g. docs/screenshots
NOT_PAGES = (".csv", "/export", "/download", "/logout", "/preview")  # files and actions, not pages to lay out

# How far the page can be scrolled sideways; 1 px of rounding is not a scroll bar.
SIDEWAYS_OVERFLOW = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""
WIDEST_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


@pytest.fixture
def store(db_session):
    shop = build_demo_store(db_session, with_demo_rules=True, sales=30)
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def settings_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith("/settings/"):
            continue
        if any(marker in parts.path for marker in NOT_PAGES):
            continue
        found.append(f"{origin}{parts.path}" + (f"?{parts.query}" if parts.query else ""))
    return found


def test_every_settings_page_fits_a_390_px_phone(browser, live_server, store):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server}/settings/login")
    overflowing = {}
    if page.evaluate(SIDEWAYS_OVERFLOW) > 1:
        overflowing["/settings/login"] = page.evaluate(WIDEST_ELEMENTS)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")

    to_visit, seen = [f"{live_server}/settings/dashboard"], set()
    for depth in range(3):
        next_round = []
        for url in to_visit:
            path = url[len(live_server):]
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(url)
            assert response.status < 400, (path, response.status)
            page.wait_for_load_state("load")
            if page.evaluate(SIDEWAYS_OVERFLOW) > 1:
                overflowing[path] = page.evaluate(WIDEST_ELEMENTS)
            if SCREENSHOTS and depth < 2:
                name = path.strip("/").replace("/", "-").replace("?", "-") or "settings"
                page.screenshot(path=os.path.join(SCREENSHOTS, f"phone-{name}.png"), full_page=True)
            if depth < 2:
                next_round += settings_links(page, live_server)
        to_visit = next_round
    context.close()

    print(f"{len(seen)} settings pages at 390 px:", " ".join(sorted(seen)))
    assert len(seen) >= 10, sorted(seen)  # the menu's pages and the forms behind them
    assert not overflowing, "\n".join(f"{path}: {widest}" for path, widest in sorted(overflowing.items()))
