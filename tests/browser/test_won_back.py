"""A lapsed customer who buys again is "won back", and a block can target them like any stage."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Profile
from tests.browser.demo_store import build_demo_store
from tests.helpers.browser import visitor_page
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event

pytestmark = pytest.mark.browser


def test_a_customer_back_after_a_lapse_sees_the_won_back_welcome(browser, live_server, db_session):
    shop = build_demo_store(db_session)  # the demo's widgets, with a block for won-back customers
    ingest_batch(db_session, shop.id, [event(visitor_id="back-again"), signed_event(shop, "identify", "back-again", "C-BACK")],
                 sent_at=None, received_at=utcnow(), identities=signatures(shop))
    buyer = db_session.scalar(select(Profile).where(Profile.customer_id == "C-BACK"))
    store_new_orders(db_session, shop.id, [
        OrderData(order_id, utcnow() - timedelta(days=days), "C-BACK", buyer.id, lines=[OrderLineData("P01", 1, Decimal(4))])
        for order_id, days in (("W1", 400), ("W2", 250), ("W3", 3))  # 247 days without an order, then one
    ], "import")
    db_session.commit()

    context, page = visitor_page(browser, "back-again")
    with page.expect_response(lambda response: "/v1/decide" in response.url) as decided:
        page.goto(f"{live_server}/store/")
    assert decided.value.json()["stage"] == "won_back"
    hero = page.locator("[data-p13n-slot=home-hero] [data-p13n-widget] h2")
    assert hero.inner_text() == "Good to have you back!"
    context.close()
