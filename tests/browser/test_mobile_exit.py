"""Exit intent on a phone: no history tricks; a real flick up, at the speed thumbs flick, opens the pop-up."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import touch_scroll

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def shop(db_session):
    return build_demo_store(db_session)  # with the demo's exit pop-up (3 s minimum dwell, mobile exit on)


# Every scroll event's time and position, to tell how fast the page really moved.
SCROLL_LOG = "window.__scrolls = []; addEventListener('scroll', () => __scrolls.push([performance.now(), scrollY]), {passive: true});"
FASTEST_UP = """() => { const s = __scrolls; let best = 0;
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++)
        if (s[j][0] - s[i][0] >= 100) { best = Math.max(best, (s[i][1] - s[j][1]) / (s[j][0] - s[i][0]) * 1000); break; }
    return best; }"""


def phone(browser):
    context = browser.new_context(**PHONE)
    context.add_init_script(SCROLL_LOG)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def armed(page, live_server: str, path: str) -> None:
    """Open a store page and wait until its decision (with the exit pop-up) has arrived."""
    page_path = quote(path, safe="")
    with page.expect_response(lambda response: "/v1/decide" in response.url and page_path in response.url) as decided:
        page.goto(f"{live_server}{path}")
    assert decided.value.json()["popups"], "the demo's exit pop-up is armed for this shopper"
    page.wait_for_timeout(300)  # the script has rendered the answer


def test_the_back_button_leaves_the_page_at_once(browser, live_server, shop):
    context, page = phone(browser)
    page.goto(f"{live_server}/store/attribution")
    armed(page, live_server, "/store/collections/all")
    page.go_back()
    page.wait_for_url("**/store/attribution")
    assert page.evaluate("history.length") == 3, "about:blank, the two pages, and no entry of ours"
    context.close()


def test_a_natural_flick_up_opens_the_pop_up_and_slow_reading_does_not(browser, live_server, shop):
    context, page = phone(browser)
    armed(page, live_server, "/store/collections/all")
    page.wait_for_timeout(3000)  # the demo pop-up's minimum dwell
    touch_scroll(page, -1800, speed=800)  # reading down the page
    page.evaluate("__scrolls = []")
    touch_scroll(page, 300, speed=400)  # scrolling back a little to re-read
    page.wait_for_timeout(300)
    assert 0 < page.evaluate(FASTEST_UP) < 1000
    assert page.locator("[role=dialog]").count() == 0, "re-reading is not leaving"
    page.evaluate("__scrolls = []")
    touch_scroll(page, 500, speed=1800)  # a thumb's flick towards the address bar
    page.locator("[role=dialog]").wait_for(timeout=3000)
    assert 1500 <= page.evaluate(FASTEST_UP) <= 3000, "at the speed of a natural flick, not faster"
    assert page.locator("#p13n-h").inner_text() == "Before you go: 10% off"
    context.close()


def test_switching_away_from_the_tab_opens_it_for_the_return(browser, live_server, shop):
    context, page = phone(browser)
    armed(page, live_server, "/store/collections/all")
    page.wait_for_timeout(3000)
    page.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
                             document.dispatchEvent(new Event('visibilitychange')); }""")
    page.locator("[role=dialog]").wait_for(timeout=3000)
    context.close()
