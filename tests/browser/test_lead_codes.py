"""A pop-up with unique codes, in Chromium: the code appears only after the email is sent."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Lead, Rule
from app.resources import discount_codes
from app.schemas.rules import RuleSchema
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import leave_until_the_pop_up_opens, visitor_page, wait_for

pytestmark = pytest.mark.browser

CODES = ["WELCOME-7KQ2M9", "WELCOME-P4X8ZD"]


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session)
    popup = db_session.scalars(select(Rule).where(Rule.shop_id == shop.id, Rule.kind == "popup")).first()
    content = {key: value for key, value in popup.content.items() if key != "coupon"}
    content.update(email_capture=True, body="Leave your email and get your own code.",
                   unique_code={"source": "pool", "pool": "welcome"})
    popup.content = RuleSchema().load({"kind": "popup", "name": popup.name, "content": content})["content"]
    discount_codes.upload(db_session, shop.id, {"pool": "welcome", "codes": CODES})
    db_session.commit()
    return shop


def test_the_unique_code_is_shown_only_after_the_email_is_submitted(browser, live_server, shop, db_session):
    context, page = visitor_page(browser)
    page.set_viewport_size({"width": 1200, "height": 900})
    answers: list[str] = []
    page.on("response", lambda response: answers.append(response.text()) if "/v1/" in response.url or "/s/" in response.url else None)
    page.goto(f"{live_server}/store/collections/all")
    page.wait_for_timeout(3000)  # the demo pop-up's minimum dwell is 3 s
    dialog = leave_until_the_pop_up_opens(page)
    assert dialog.locator("code").count() == 0
    assert not any(code in page.content() or code in dialog.inner_text() for code in CODES)
    assert answers and not any(code in answer for answer in answers for code in CODES), "no code before the email"

    dialog.locator("input[type=email]").fill("shopper@example.com")
    dialog.locator("button[type=submit]").click()
    shown = dialog.locator("code")
    shown.wait_for()
    assert shown.inner_text() == CODES[0]
    leads = wait_for(db_session, select(Lead))
    assert [(lead.email, lead.discount_code, lead.consent) for lead in leads] == [("shopper@example.com", CODES[0], False)]
    context.close()
