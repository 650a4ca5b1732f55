"""{{first_name}} in a block: the verified customer's first name, or the block's fallback text."""
from __future__ import annotations

import pytest

from app.clock import utcnow
from app.ingest.events import ingest_batch
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import visitor_page
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event
from tests.helpers.rules import make_rule

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False)
    make_rule(db_session, shop, "block", name="Greeting", slot="home-hero", content={"html": "<h2>Hi {{ first_name | there }}!</h2>"})
    return shop


def greeting(page) -> str:
    return page.locator("[data-p13n-slot=home-hero] [data-p13n-widget] h2").inner_text()


def test_a_known_customer_is_greeted_by_name_and_anyone_else_by_the_fallback(browser, live_server, shop, db_session):
    # The merchant's server signed Ada's id: her identify's traits are kept, and her name greets her.
    signed = signed_event(shop, "identify", "ada-phone", "C-ADA", traits={"first_name": "Ada"})
    ingest_batch(db_session, shop.id, [event(visitor_id="ada-phone"), signed], sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()

    context, page = visitor_page(browser, "ada-phone")
    page.goto(f"{live_server}/store/")
    assert greeting(page) == "Hi Ada!"
    context.close()

    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/")
    assert greeting(page) == "Hi there!"
    context.close()
