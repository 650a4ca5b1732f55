"""A de-DE shop's widgets show no English: every text and label inside them, checked against the English catalog."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.clock import utcnow
from app.texts import CATALOGS
from tests.helpers.browser import leave_until_the_pop_up_opens, visitor_page
from tests.helpers.german_store import build_german_store

pytestmark = pytest.mark.browser

# All the text a shopper can see or hear in the widgets: shadow-DOM text, and the labels,
# placeholders and alternative texts that screen readers read out.
WIDGET_WORDS = """() => [...document.querySelectorAll('[data-p13n-widget]')].flatMap(host => {
  const root = host.shadowRoot, words = [];
  const walk = node => {
    if (node.nodeType === Node.TEXT_NODE) words.push(node.nodeValue);
    for (const attribute of ['aria-label', 'placeholder', 'title', 'alt', 'value']) {
      if (node.getAttribute && node.getAttribute(attribute)) words.push(node.getAttribute(attribute));
    }
    (node.childNodes || []).forEach(walk);
  };
  walk(root);
  return words.map(word => word.trim()).filter(Boolean);
})"""


def english_in(words: list[str]) -> list[str]:
    text = "\n".join(words)
    return [value for value in CATALOGS["en"].values()
            if re.search(r"(?<!\w)" + re.escape(value.split("{")[0].strip() or value) + r"(?!\w)", text)]


def widget_words(page) -> list[str]:
    return page.evaluate(WIDGET_WORDS)


def template_rules() -> list[dict]:
    """The conversion templates, written in German by the merchant; their numbers and labels come from us."""
    ends = (utcnow() + timedelta(days=2, hours=5)).replace(microsecond=0).isoformat()
    return [
        {"kind": "block", "name": "Countdown", "slot": "collection-top", "targeting": {"ends_at": ends},
         "content": {"template": "countdown", "html": "<p>Der Winterschlussverkauf endet in <strong>{{countdown}}</strong></p>"}},
        {"kind": "block", "name": "Versand", "selector": "h1", "mode": "before",
         "content": {"template": "free_shipping", "html": "<p>Noch <strong>{{free_shipping_remaining}}</strong> bis zum kostenlosen Versand.</p>"}},
        {"kind": "block", "name": "Beliebt", "selector": "h1", "mode": "after",
         "content": {"template": "social_proof", "min_count": 1, "html": "<p>Heute {{bought_today}}-mal gekauft</p>"}},
    ]


@pytest.fixture
def shop(db_session):
    store = build_german_store(db_session, extra_rules=template_rules(), settings={"free_shipping_threshold": 50})
    return store


def test_a_german_shops_widgets_show_no_english(browser, live_server, shop):
    context, page = visitor_page(browser)
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(f"{live_server}/store/")
    assert page.evaluate("document.documentElement.lang") == "de-DE"
    page.locator("[data-p13n-slot=home-hero] [data-p13n-widget]").wait_for()
    page.locator("[data-p13n-slot=home-recommendations] .t li").first.wait_for()
    dialog = leave_until_the_pop_up_opens(page)
    words = widget_words(page)
    german = CATALOGS["de"]
    for label in ("close", "copy", "email", "email_placeholder", "send", "consent_label", "recommendations", "previous", "next"):
        assert german[label] in words, f"{label}: {german[label]!r} not among {words}"
    assert german["reason.trending"] in words
    assert english_in(words) == [], words

    # What the pop-up says after the shopper acts: the copied code, the thanks for the email.
    dialog.get_by_role("button", name=german["copy"]).click()
    dialog.get_by_role("button", name=german["copied"]).wait_for()
    dialog.locator("input[type=email]").fill("kundin@beispiel.de")
    dialog.locator("input[type=checkbox]").check()
    dialog.get_by_role("button", name=german["send"]).click()
    dialog.get_by_text(german["thanks"]).wait_for()
    assert english_in(widget_words(page)) == [], widget_words(page)
    context.close()

    # A product page: free shipping and social proof around the title, a slider with quick add-to-cart.
    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/products/P00")
    page.locator("[data-p13n-slot=product-recommendations] .t li").first.wait_for()
    page.locator("[data-p13n-widget] progress").wait_for()
    page.get_by_text("-mal gekauft").wait_for()
    words = widget_words(page)
    assert "Das könnte Ihnen gefallen" in words and german["add_to_cart"] in words
    assert any(word.startswith("Ähnlich wie") for word in words) or german["reason.trending"] in words, words
    assert english_in(words) == [], words
    page.locator("[data-p13n-slot=product-recommendations] .q").first.click()  # no cart hook on this page: the event alone
    context.close()

    # A collection page: the countdown writes its days the German way.
    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/collections/all")
    page.get_by_text("Winterschlussverkauf").wait_for()
    countdown = page.locator("[data-p13n-slot=collection-top] [data-p13n-widget] strong")
    assert re.fullmatch(r"2 T\. \d\d:\d\d:\d\d", countdown.inner_text()), countdown.inner_text()
    assert english_in(widget_words(page)) == [], widget_words(page)
    context.close()


def test_an_english_page_of_the_same_shop_gets_english_labels(browser, live_server, merchant_site, shop):
    """The page's language wins where we have a catalog for it (a shop with an English storefront too)."""
    origin, pages = merchant_site
    pages["/en/"] = (f'<!doctype html><html lang="en"><head><script async src="{live_server}/s/{shop.public_key}.js"></script></head>'
                     '<body><div data-p13n-slot="home-recommendations"></div></body></html>')
    context, page = visitor_page(browser)
    page.goto(f"{origin}/en/")
    page.locator("[data-p13n-slot=home-recommendations] .t li").first.wait_for()
    words = widget_words(page)
    assert "Recommendations" in words and "Previous" in words and CATALOGS["en"]["reason.trending"] in words
    context.close()
