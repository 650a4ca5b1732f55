"""The three widgets on the demo store, in real headless Chromium, against the real decision endpoint."""
from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.demo.seed import DEMO_SETTINGS
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Event, Lead, Profile
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import leave_through_the_top, leave_until_the_pop_up_opens, visitor_page, wait_for
from tests.helpers.events import event

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(db_session):
    return build_demo_store(db_session)


def hero_text(page) -> str:
    return page.locator("[data-p13n-slot=home-hero] [data-p13n-widget] .b").inner_text()


def test_a_first_time_visitor_and_a_returning_buyer_see_different_blocks(browser, live_server, shop, db_session):
    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/")
    assert hero_text(page).startswith("New here? Welcome!")
    context.close()

    ingest_batch(db_session, shop.id, [event(visitor_id="known-buyer"), event("identify", "known-buyer", customer_id="17850")],
                 sent_at=None, received_at=utcnow())
    buyer = db_session.scalar(select(Profile).where(Profile.customer_id == "17850"))
    store_new_orders(db_session, shop.id, [OrderData("B1", utcnow() - timedelta(days=2), "17850", buyer.id,
                                                     lines=[OrderLineData("P01", 2, Decimal(3))])], "import")
    db_session.commit()
    context, page = visitor_page(browser, "known-buyer")
    page.goto(f"{live_server}/store/")
    assert hero_text(page).startswith("Welcome back, customer 17850!")
    context.close()


def test_a_slider_shows_items_scrolls_and_reports_impression_and_click(browser, live_server, shop, db_session):
    context, page = visitor_page(browser)
    page.set_viewport_size({"width": 900, "height": 900})
    page.goto(f"{live_server}/store/")
    items = page.locator("[data-p13n-slot=home-recommendations] .t li")
    items.first.wait_for()
    assert items.count() == 12
    first = items.first.inner_text()
    assert "£" in first and "Trending now" in first
    track = page.locator("[data-p13n-slot=home-recommendations] .t")
    page.locator("[data-p13n-slot=home-recommendations] button[aria-label=Next]").click()
    page.wait_for_function("el => el.scrollLeft > 100", arg=track.element_handle())
    page.locator("[data-p13n-slot=home-recommendations] button[aria-label=Previous]").click()
    page.wait_for_function("el => el.scrollLeft < 50", arg=track.element_handle())

    impressions = wait_for(db_session, select(Event).where(Event.type == "widget_impression"),
                           lambda found: any(e.props.get("widget") == "slider" for e in found))
    slider_seen = [e for e in impressions if e.props.get("widget") == "slider"]
    assert slider_seen and slider_seen[0].props["decision_id"].startswith("dc_")
    clicked_id = page.locator("[data-p13n-slot=home-recommendations] .t a").nth(1).get_attribute("href").rsplit("/", 1)[-1]
    page.locator("[data-p13n-slot=home-recommendations] .t a").nth(1).click()
    page.wait_for_url(f"**/store/products/{clicked_id}")
    clicks = wait_for(db_session, select(Event).where(Event.type == "widget_click"))
    assert [(c.product_id, c.props["rule_id"], c.props["decision_id"]) for c in clicks] == [
        (clicked_id, slider_seen[0].props["rule_id"], slider_seen[0].props["decision_id"])
    ]
    context.close()


def test_the_exit_pop_up_opens_once_per_session_and_stores_a_lead_with_consent(browser, live_server, shop, db_session):
    context, page = visitor_page(browser)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server}/store/collections/all")
    page.wait_for_timeout(3000)  # the demo pop-up's minimum dwell is 3 s
    dialog = leave_until_the_pop_up_opens(page)
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.locator("#p13n-h").inner_text() == "Before you go: 10% off"
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    leave_through_the_top(page)
    page.wait_for_timeout(500)
    assert dialog.count() == 0, "closed once, not again in this session"
    page.reload()
    page.wait_for_timeout(3300)
    leave_through_the_top(page)
    page.wait_for_timeout(500)
    assert dialog.count() == 0, "not on the next page of the same session either"
    context.close()

    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/collections/all")
    page.wait_for_timeout(3000)
    leave_until_the_pop_up_opens(page)
    page.locator("[role=dialog] input[type=email]").fill("Shopper@Example.com")
    page.locator("[role=dialog] input[type=checkbox]").check()
    page.locator("[role=dialog] button[type=submit]").click()
    page.locator("[role=dialog] >> text=Thank you!").wait_for()
    leads = wait_for(db_session, select(Lead))
    assert [(lead.email, lead.consent) for lead in leads] == [("shopper@example.com", True)]
    submits = wait_for(db_session, select(Event).where(Event.type == "popup_submit"))
    assert submits and submits[0].props["kind"] == "email"
    context.close()


def test_with_consent_withheld_nothing_is_sent_or_stored_until_consent_is_given(browser, live_server, shop, db_session):
    shop.settings = {**DEMO_SETTINGS, "consent_required": True}
    db_session.commit()
    context, page = visitor_page(browser)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/store/products/P03")
    assert hero_or_slider_rendered(page)
    page.fill("#quantity", "1")
    page.wait_for_timeout(1500)
    assert not [url for url in requests if "/v1/events" in url]
    decide_calls = [url for url in requests if "/v1/decide" in url]
    assert decide_calls and all("visitor_id" not in url for url in decide_calls)
    assert page.evaluate("Object.keys(localStorage).concat(Object.keys(sessionStorage))") == []
    assert "p13n" not in page.evaluate("document.cookie")
    assert db_session.scalar(select(Event)) is None

    page.evaluate("p13n('consent', true)")
    views = wait_for(db_session, select(Event).where(Event.type == "product_view"))
    assert [view.product_id for view in views] == ["P03"], "the page's own events go out once consent is given"
    assert page.evaluate("localStorage.getItem('p13n_vid')") == views[0].visitor_id
    context.close()


def hero_or_slider_rendered(page) -> bool:
    page.locator("[data-p13n-slot=product-recommendations] .t li").first.wait_for()
    return True


def test_global_privacy_control_counts_as_no_consent(browser, live_server, shop, db_session):
    context, page = visitor_page(browser, init="Object.defineProperty(navigator, 'globalPrivacyControl', {value: true});")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/store/")
    page.locator("[data-p13n-slot=home-hero] [data-p13n-widget]").wait_for()
    page.wait_for_timeout(1500)
    assert not [url for url in requests if "/v1/events" in url]
    assert page.evaluate("Object.keys(localStorage)") == []
    context.close()


def test_with_the_backend_down_or_slow_the_page_renders_and_no_error_escapes(browser, live_server, shop):
    for how in ("down", "slow"):
        context, page = visitor_page(browser)
        errors, console_errors = [], []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.on("console", lambda message, console_errors=console_errors: message.type == "error" and console_errors.append(message.text))
        if how == "down":
            page.route("**/v1/**", lambda route: route.abort("connectionrefused"))
        else:
            page.route("**/v1/decide**", lambda route: (time.sleep(2.5), route.continue_()))
        started = time.monotonic()
        page.goto(f"{live_server}/store/")
        page.wait_for_timeout(3000)
        assert page.locator("h1, h2").first.is_visible()
        assert page.locator("[data-p13n-widget]").count() == 0, how
        assert errors == [], how
        assert [text for text in console_errors if "p13n" in text.lower()] == [], how
        assert time.monotonic() - started < 30
        context.close()


THEME = "* { color: rgb(255, 0, 0) !important; font-size: 40px !important; font-family: serif !important; " \
        "display: inline !important; margin: 30px !important; border: 5px solid lime !important; }"


def widget_styles(page) -> list:
    return page.evaluate("""() => {
        const host = document.querySelector('[data-p13n-slot=home-recommendations] [data-p13n-widget]');
        const root = host.shadowRoot;
        return ['h2', '.t', '.t li', '.n', '.p', 'button'].map(sel => {
            const s = getComputedStyle(root.querySelector(sel));
            return [sel, s.color, s.fontSize, s.fontFamily, s.display, s.marginTop, s.borderTopWidth];
        }).concat([['host', getComputedStyle(host).display]]);
    }""")


def page_styles(page) -> list:
    return page.evaluate("""() => [...document.querySelectorAll('body, header, nav a, h1, h2, main p, footer, .card, input')]
        .filter(e => !e.closest('[data-p13n-slot]'))
        .map(e => { const s = getComputedStyle(e); return [e.tagName, s.color, s.fontSize, s.fontFamily, s.display, s.marginTop]; })""")


def test_an_aggressive_theme_does_not_change_the_widgets_and_the_widgets_do_not_change_the_page(browser, live_server, shop):
    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/")
    page.locator("[data-p13n-slot=home-recommendations] .t li").first.wait_for()
    plain = widget_styles(page)
    with_widgets = page_styles(page)
    page.add_style_tag(content=THEME)
    assert widget_styles(page) == plain
    context.close()

    context, page = visitor_page(browser)
    page.route("**/s/*.js", lambda route: route.abort())
    page.goto(f"{live_server}/store/")
    page.wait_for_timeout(500)
    assert page_styles(page) == with_widgets
    context.close()
