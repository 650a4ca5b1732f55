"""{{first_name}} in a block: the verified customer's first name, or the block's fallback text."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Profile
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import visitor_page
from tests.helpers.events import event
from tests.helpers.profiles import give_traits
from tests.helpers.rules import make_rule

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(db_session):
    shop = build_demo_store(db_session, with_demo_rules=False)
    make_rule(db_session, shop, "block", name="Greeting", slot="home-hero", content={"html": "<h2>Hi {{ first_name | there }}!</h2>"})
    return shop


def greeting(page) -> str:
    return page.locator("[data-p13n-slot=home-hero] [data-p13n-widget] h2").inner_text()


def test_a_known_customer_is_greeted_by_name_and_anyone_else_by_the_fallback(browser, live_server, shop, db_session, monkeypatch):
    ingest_batch(db_session, shop.id, [event(visitor_id="ada-phone"), event("identify", "ada-phone", customer_id="C-ADA")],
                 sent_at=None, received_at=utcnow())
    db_session.commit()
    give_traits(db_session, monkeypatch, db_session.scalar(select(Profile).where(Profile.customer_id == "C-ADA")), {"first_name": "Ada"})

    context, page = visitor_page(browser, "ada-phone")
    page.goto(f"{live_server}/store/")
    assert greeting(page) == "Hi Ada!"
    context.close()

    context, page = visitor_page(browser)
    page.goto(f"{live_server}/store/")
    assert greeting(page) == "Hi there!"
    context.close()
