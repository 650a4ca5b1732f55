"""Driving a shopper's browser and waiting for what it sends to land in the database."""
from __future__ import annotations

import time


def wait_for(db_session, query, predicate=bool, timeout=10.0):
    """Poll the database until the browser's events have landed (each poll in a fresh transaction)."""
    deadline = time.monotonic() + timeout
    while True:
        db_session.rollback()
        result = db_session.execute(query).scalars().all()
        if predicate(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def visitor_page(browser, visitor_id: str | None = None, init: str = ""):
    context = browser.new_context()
    script = ""
    if visitor_id:
        script += f"try {{ localStorage.setItem('p13n_vid', '{visitor_id}'); }} catch (e) {{}}"
    context.add_init_script(script + init)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def leave_through_the_top(page):
    page.mouse.move(600, 300)
    page.mouse.move(600, 5)
    page.mouse.move(600, -10)


def leave_until_the_pop_up_opens(page, timeout: float = 20.0):
    """Leave through the top until the exit pop-up is armed and opens.

    The pop-up arms once the decision has arrived and its minimum dwell has
    passed; on a loaded machine that takes longer than the dwell alone.
    """
    dialog = page.locator("[role=dialog]")
    deadline = time.monotonic() + timeout
    while dialog.count() == 0 and time.monotonic() < deadline:
        leave_through_the_top(page)
        page.wait_for_timeout(250)
    dialog.wait_for(timeout=1000)
    return dialog


def merchant_signs_in(browser, live_server: str, email: str, password: str, viewport=None):
    """(context, page) of a merchant signed in to the settings UI through its login form."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/settings/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")
    return context, page


def touch_scroll(page, distance: int, speed: int, swipe: int = 600) -> None:
    """Scroll by a thumb: touch events through Chromium's real input pipeline, ``distance`` px (positive: towards
    the top of the page, the finger moving down) at ``speed`` px/s, in swipes of at most ``swipe`` px.

    (CDP's synthesized touch scroll gesture does not scroll in headless Chromium; dispatched touches do.)
    """
    session = page.context.new_cdp_session(page)
    viewport = page.viewport_size or {"width": 390, "height": 844}
    x, step_seconds = viewport["width"] // 2, 1 / 60
    direction = 1 if distance > 0 else -1
    left = abs(distance)
    while left > 0:
        length = min(left, swipe)
        left -= length
        y = 120 if direction > 0 else viewport["height"] - 120
        session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        started, moved = time.monotonic(), 0.0
        while moved < length:
            time.sleep(step_seconds)
            # Where the finger is by now at this speed, however late this message goes out on a busy machine.
            moved = min(length, speed * (time.monotonic() - started))
            session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + direction * moved}]})
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        time.sleep(0.1)
    session.detach()
