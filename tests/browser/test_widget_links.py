"""The script itself refuses non-http(s) links and images, whatever the server answers.

The server already refuses such URLs on the way in and leaves them out on the
way out; these tests tamper with the decision in flight (as a compromised or
buggy backend, or a row written by hand, would) to prove the script's own check.
"""
from __future__ import annotations

import json

import pytest

from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import leave_until_the_pop_up_opens, visitor_page

pytestmark = pytest.mark.browser

HOSTILE = ["javascript:window.__clicked=1", " JavaScript:window.__clicked=1", "java\tscript:window.__clicked=1",
           "data:text/html,<script>window.__clicked=1</script>", "vbscript:msgbox(1)", "jav&#x09;ascript:window.__clicked=1"]
# Every link and image the widgets drew, including inside their shadow roots.
WIDGET_URLS = """() => [...document.querySelectorAll('[data-p13n-widget]')].flatMap(host =>
  [...host.shadowRoot.querySelectorAll('a[href], img[src]')].map(node => node.getAttribute('href') ?? node.getAttribute('src')))"""


@pytest.fixture
def shop(db_session):
    return build_demo_store(db_session)


def tamper_with_decisions(page, change):
    def handle(route):
        response = route.fetch()
        decision = response.json()
        change(decision)
        route.fulfill(response=response, body=json.dumps(decision))

    page.route("**/v1/decide?*", handle)


def test_slider_links_and_images_that_are_not_http_are_never_drawn(browser, live_server, shop):
    def hostile_items(decision):
        for slider in decision["sliders"]:
            for n, item in enumerate(slider["items"]):
                item["url"], item["image"] = HOSTILE[n % len(HOSTILE)], HOSTILE[(n + 1) % len(HOSTILE)]

    context, page = visitor_page(browser)
    tamper_with_decisions(page, hostile_items)
    page.goto(f"{live_server}/store/")
    links = page.locator("[data-p13n-slot=home-recommendations] .t a")
    links.first.wait_for()
    urls = page.evaluate(WIDGET_URLS)
    assert urls and all(url in ("#", "") or url.startswith(("http://", "https://", "/")) for url in urls), urls
    links.first.click()
    assert page.evaluate("window.__clicked") is None
    context.close()


def test_block_links_and_pop_up_images_that_are_not_http_are_dropped(browser, live_server, shop):
    def hostile_content(decision):
        for block in decision["blocks"]:
            block["html"] += "".join(f'<a href="{url}">x</a><img src="{url}">' for url in HOSTILE)
        for popup in decision["popups"]:
            popup["content"]["image"] = HOSTILE[0]

    context, page = visitor_page(browser)
    tamper_with_decisions(page, hostile_content)
    page.goto(f"{live_server}/store/")
    page.locator("[data-p13n-slot=home-hero] [data-p13n-widget]").wait_for()
    leave_until_the_pop_up_opens(page)
    urls = page.evaluate(WIDGET_URLS) + page.evaluate(
        "() => [...document.querySelectorAll('body > [data-p13n-widget]')].flatMap(h => [...h.shadowRoot.querySelectorAll('img')].map(i => i.getAttribute('src')))")
    assert not any(url and url.strip().lower().replace("\t", "").startswith(("javascript", "data", "vbscript", "jav")) for url in urls), urls
    context.close()
