"""An NPS survey in real Chromium: the merchant makes it with a live preview, a shopper answers it on the
thank-you page with the keyboard alone, and the dashboard then shows NPS and CSAT with intervals."""
from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.merchant_auth.accounts import create_user
from app.models import Profile, Rule, Segment, SurveyAnswer
from app.surveys.answers import record_answer
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import visitor_page, wait_for
from tests.helpers.events import event
from tests.helpers.rules import make_rule
from tests.helpers.stats_history import profile_of

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "owner@demo-store.localhost", "a long enough password"
SCREENSHOTS = os.environ.get("P13N_SCREENSHOTS")  # e.g. docs/screenshots, to refresh the pictures in the README


@pytest.fixture
def store(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False, sales=20)
    create_user(db_session, shop.id, EMAIL, PASSWORD)
    db_session.commit()
    return shop


def earlier_answers(db_session, shop):
    """Eight weeks of answers from earlier shoppers (first-time and repeat buyers, browsers), through the real answer code."""
    now = utcnow()
    csat = make_rule(db_session, shop, "popup", name="CSAT after delivery", enabled=False,
                     content={"headline": "How did we do?", "survey": {"kind": "csat"}})
    nps_scores = [10, 9, 9, 8, 7, 10, 6, 9, 3, 10, 8, 9]
    survey = db_session.scalar(select(Rule).where(Rule.shop_id == shop.id, Rule.name == "NPS after a purchase"))
    db_session.add(Segment(shop_id=shop.id, name="Repeat buyers", conditions=[{"field": "order_count", "op": "gte", "value": 2}]))
    for n in range(48):
        when = now - timedelta(days=56 - n, hours=n % 7)
        visitor = f"earlier-{n}"
        ingest_batch(db_session, shop.id, [event("page_view", visitor, ts=when.isoformat())], sent_at=None, received_at=when)
        if n % 3:
            store_new_orders(db_session, shop.id, [OrderData(f"E{n}-{k}", when - timedelta(days=k * 20), None, profile_of(db_session, shop, visitor),
                                                             total=Decimal("25")) for k in range(1 + (n % 4 == 0) * 2)], "import")
            db_session.get(Profile, profile_of(db_session, shop, visitor)).clv_percentile = float(n * 37 % 100)
        db_session.commit()
        return_visit = {"key": shop.public_key, "visitor_id": visitor, "decision_id": None, "variant": None}
        record_answer(db_session, shop, {**return_visit, "rule_id": csat.id, "score": [5, 4, 4, 3, 5, 2][n % 6],
                                         "comment": None}, when + timedelta(minutes=5))
        record_answer(db_session, shop, {**return_visit, "rule_id": survey.id, "score": nps_scores[n % 12],
                                         "comment": "Quick delivery, lovely wrapping." if n == 40 else None}, when + timedelta(minutes=6))
        db_session.commit()


def sign_in(page, live_server):
    page.goto(f"{live_server}/settings/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/settings/dashboard")


def test_a_shopper_answers_an_nps_survey_with_the_keyboard_and_the_dashboard_scores_it(browser, live_server, store, db_session):
    merchant = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = merchant.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, live_server)

    # The merchant starts an NPS survey: after a purchase, on the order page, at most once in 90 days.
    page.click("nav >> text=Widgets")
    page.click("text=New NPS survey")
    assert page.locator("select[name='content.survey.kind']").input_value() == "nps"
    page.fill("input[name=name]", "NPS after a purchase")
    page.check("input[name=enabled][type=checkbox]")
    assert page.locator("input[name='frequency.every_days']").input_value() == "90"
    assert page.locator("input[name='targeting.page_kinds'][value=order]").is_checked()
    page.click("button:has-text('Save')")
    page.locator(".flash >> text=Saved").wait_for()
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == store.id))
    assert rule.enabled and rule.content["survey"]["kind"] == "nps" and rule.targeting["page_kinds"] == ["order"]

    # The live preview: the question in the pop-up, on the store, answered without recording anything.
    preview = page.frame_locator("#preview-frame")
    preview.locator("[role=dialog] fieldset legend").wait_for()
    assert preview.locator("[role=dialog] input[type=radio]").count() == 11
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/settings-survey-editor.png")
    preview.locator("[role=dialog] input[value='7']").check()
    preview.locator("[role=dialog] button[type=submit]").click()
    preview.locator("[role=dialog] >> text=Thank you for your answer!").wait_for()
    assert db_session.scalar(select(SurveyAnswer)) is None, "a preview stores no answer"
    earlier_answers(db_session, store)

    # A shopper buys, and on the thank-you page answers with the keyboard alone.
    context, shopper = visitor_page(browser)
    shopper.set_viewport_size({"width": 1100, "height": 900})
    shopper.goto(f"{live_server}/store/products/P03")
    shopper.click("[data-p13n-add-to-cart]")
    shopper.wait_for_url("**/store/cart")
    with shopper.expect_response(lambda response: "/s/chunks/survey.js" in response.url) as chunk:
        shopper.click("form[action$='/store/checkout'] [type=submit]")
    assert chunk.value.ok, "the survey form is fetched on the page that shows one"
    dialog = shopper.locator("[role=dialog]")
    dialog.wait_for()
    assert dialog.locator("legend").inner_text() == "How likely are you to recommend us to a friend or colleague?"
    assert dialog.locator("input[type=radio]").first.get_attribute("aria-label") == "0, Not at all likely"
    shopper.keyboard.press("Tab")  # from the close button into the scale
    assert shopper.evaluate("document.activeElement.shadowRoot.activeElement.value") == "0"
    for _ in range(9):
        shopper.keyboard.press("ArrowRight")
    assert dialog.locator("input[type=radio]:checked").get_attribute("value") == "9"
    shopper.keyboard.press("Tab")
    shopper.keyboard.type("Lovely shop <3, quick checkout.")
    if SCREENSHOTS:
        shopper.screenshot(path=f"{SCREENSHOTS}/survey.png")
    shopper.keyboard.press("Tab")
    shopper.keyboard.press("Enter")
    dialog.locator("text=Thank you for your answer!").wait_for()
    answers = wait_for(db_session, select(SurveyAnswer).where(SurveyAnswer.rule_id == rule.id, SurveyAnswer.comment.is_not(None)),
                       lambda found: any(a.score == 9 and a.created_at > utcnow() - timedelta(minutes=5) for a in found))
    mine = next(a for a in answers if a.comment == "Lovely shop <3, quick checkout.")
    assert (mine.score, mine.stage) == (9, "first_time_buyer"), "the purchase was in before the answer"
    context.close()

    # The dashboard scores both surveys, with their intervals, and shows the comment as text.
    page.goto(f"{live_server}/settings/dashboard?from={(utcnow() - timedelta(days=59)).date()}&to={utcnow().date()}")
    section = page.locator("#surveys")
    section.wait_for()
    nps_answers = db_session.scalars(select(SurveyAnswer.score).where(SurveyAnswer.kind == "nps")).all()
    promoters, detractors = sum(s >= 9 for s in nps_answers), sum(s <= 6 for s in nps_answers)
    assert page.locator("#nps-value").inner_text() == f"{100 * (promoters - detractors) / len(nps_answers):+.0f}"
    assert re.fullmatch(r"95% CI [+-]\d+ to [+-]\d+", page.locator("#nps-interval").inner_text())
    assert re.fullmatch(r"\d+%", page.locator("#csat-value").inner_text())
    assert re.fullmatch(r"95% CI \d+% to \d+%", page.locator("#csat-interval").inner_text())
    assert "Lovely shop <3, quick checkout." in page.locator("#survey-comments").inner_text()
    assert section.locator("svg.chart").count() == 2
    assert section.locator("caption", has_text="By segment when they answered").count() == 2
    assert section.locator("tr[data-key=top_10]").count() == 2, "NPS and CSAT of the top 10% by predicted CLV"
    if SCREENSHOTS:
        section.screenshot(path=f"{SCREENSHOTS}/settings-surveys.png")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    merchant.close()
