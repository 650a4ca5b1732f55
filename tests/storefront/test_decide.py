"""GET /v1/decide and POST /v1/leads as the storefront script calls them."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Lead, Product, Profile
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event
from tests.helpers.rules import make_rule

NO_HOLDOUT = {"holdout_percent": 0}  # these tests are about targeting, not the shop-wide holdout


def decide(client, shop, **params):
    response = client.get("/v1/decide", query_string={"key": shop.public_key, **params})
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


def visit(db_session, shop, visitor, *events):
    ingest_batch(db_session, shop.id, [event(visitor_id=visitor)] + list(events), sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()


def test_a_first_time_visitor_and_a_returning_buyer_get_different_blocks(client, db_session, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    make_rule(db_session, shop, "block", name="new", priority=1, content={"html": "<p>Welcome, new friend</p>"},
              targeting={"stages": ["new_visitor"]})
    make_rule(db_session, shop, "block", name="buyers", priority=2, content={"html": "<p>Welcome back {{customer_id}}</p>"},
              targeting={"stages": ["first_time_buyer", "loyal"]})
    visit(db_session, shop, "newbie")
    first = decide(client, shop, visitor_id="newbie", url="https://shop.example/")
    assert first["stage"] == "new_visitor"
    assert [block["html"] for block in first["blocks"]] == ["<p>Welcome, new friend</p>"]

    visit(db_session, shop, "buyer", signed_event(shop, "identify", "buyer", "C7"))

    buyer = db_session.scalar(select(Profile).where(Profile.customer_id == "C7"))
    store_new_orders(db_session, shop.id, [OrderData("O1", utcnow() - timedelta(days=3), "C7", buyer.id, lines=[OrderLineData("A", 1, Decimal(5))])], "import")
    db_session.commit()
    second = decide(client, shop, visitor_id="buyer", url="https://shop.example/")
    assert second["stage"] == "first_time_buyer" and second["vars"]["customer_id"] == "C7"
    assert [block["html"] for block in second["blocks"]] == ["<p>Welcome back {{customer_id}}</p>"]


def test_one_block_per_slot_highest_priority_and_page_targeting(client, db_session, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    make_rule(db_session, shop, "block", name="low", priority=1, content={"html": "<p>low</p>"})
    make_rule(db_session, shop, "block", name="high", priority=9, content={"html": "<p>high</p>"})
    make_rule(db_session, shop, "block", name="cart only", slot="cart-banner", content={"html": "<p>cart</p>"},
              targeting={"page_kinds": ["cart"]})
    make_rule(db_session, shop, "block", name="off", slot="other", enabled=False)
    home = decide(client, shop, url="https://shop.example/")
    assert [(b["slot"], b["html"]) for b in home["blocks"]] == [("home-hero", "<p>high</p>")]
    cart = decide(client, shop, url="https://shop.example/cart")
    assert {b["slot"] for b in cart["blocks"]} == {"home-hero", "cart-banner"}


def test_popups_carry_triggers_and_caps_and_respect_conversion_server_side(client, db_session, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    popup = make_rule(db_session, shop, "popup", content={"headline": "Wait", "coupon": "SAVE5", "email_capture": True,
                                                           "trigger": {"exit_intent": True, "min_dwell_seconds": 2}},
                      frequency={"once_per_session": True, "every_days": 7})
    visit(db_session, shop, "v1")
    answer = decide(client, shop, visitor_id="v1", url="https://shop.example/products/x")
    [shown] = answer["popups"]
    assert shown["rule_id"] == popup.id and shown["content"]["coupon"] == "SAVE5"
    assert shown["trigger"]["exit_intent"] is True and shown["trigger"]["min_dwell_seconds"] == 2
    assert shown["cap"] == {"once_per_session": True, "every_days": 7, "stop_after_conversion": True}
    props = {"rule_id": popup.id, "decision_id": answer["decision_id"], "widget": "popup"}
    visit(db_session, shop, "v1", event("widget_impression", "v1", props=props))
    assert decide(client, shop, visitor_id="v1")["popups"] == [], "shown within 7 days"
    assert decide(client, shop, visitor_id="someone-else")["popups"], "caps are per visitor"


def test_a_conversion_hides_the_popup_at_the_next_page_view_though_its_decision_was_remembered(client, db_session, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    popup = make_rule(db_session, shop, "popup", content={"headline": "Join", "email_capture": True, "trigger": {"exit_intent": True}},
                      frequency={"stop_after_conversion": True})
    visit(db_session, shop, "v1", event("product_view", "v1", product_id="P1"))
    assert decide(client, shop, visitor_id="v1")["popups"]
    assert decide(client, shop, visitor_id="v1")["popups"], "the second page view: from what the first remembered"
    visit(db_session, shop, "v1", event("popup_submit", "v1", props={"rule_id": popup.id}))
    assert decide(client, shop, visitor_id="v1")["popups"] == [], "converted: stays hidden"


def test_sliders_carry_items_and_fall_back_to_trending_without_a_model(client, db_session, make_shop):
    shop, _ = make_shop(currency="EUR", settings=NO_HOLDOUT)
    for n in range(5):
        db_session.add(Product(shop_id=shop.id, external_id=f"P{n}", title=f"Product {n}", price=Decimal("3.50"), tags=[], in_stock=True))
    db_session.commit()
    make_rule(db_session, shop, "slider", slot="home-recommendations", content={"strategy": "personalized", "title": "For you", "limit": 3})
    visit(db_session, shop, "v2", *[event("product_view", "v2", product_id=f"P{n}") for n in (1, 2, 2, 3)])
    # Trending counts distinct visitors and needs three of them (one browser alone moves nothing).
    for visitor, products in (("v3", (1, 2, 3)), ("v4", (3, 2, 1)), ("v5", (2,))):
        visit(db_session, shop, visitor, *[event("product_view", visitor, product_id=f"P{n}") for n in products])
    [slider] = decide(client, shop, visitor_id="v2")["sliders"]
    assert slider["title"] == "For you" and slider["strategy"] == "trending" and slider["model_version"] is None
    assert [item["id"] for item in slider["items"]] == ["P2", "P1", "P3"]
    assert set(slider["items"][0]) == {"id", "title", "url", "image", "price", "currency", "reason"}


def test_bad_queries_and_keys(client, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    bad = client.get("/v1/decide", query_string={"key": shop.public_key, "device": "fridge", "cart": ",".join(["x"] * 101)})
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"device", "cart"}
    assert client.get("/v1/decide", query_string={"key": "pk_nope"}).status_code == 403
    empty = decide(client, shop)
    assert set(empty) >= {"blocks", "popups", "sliders", "decision_id"} and empty["stage"] == "new_visitor"


def test_leads_are_stored_per_shop_with_their_consent_flag(client, db_session, make_shop):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    other, _ = make_shop("Other", settings=NO_HOLDOUT)
    rule = make_rule(db_session, shop, "popup")
    foreign = make_rule(db_session, other, "popup")
    visit(db_session, shop, "v3")
    for email, consent, rule_id in (("Ann@Example.com", True, rule.id), ("bob@example.com", False, foreign.id)):
        response = client.post("/v1/leads", data=json.dumps(
            {"key": shop.public_key, "email": email, "consent": consent, "visitor_id": "v3", "rule_id": rule_id, "decision_id": "dc_1"}
        ), content_type="text/plain")
        assert response.status_code == 200 and response.get_json()["ok"] is True
    leads = db_session.scalars(select(Lead).order_by(Lead.id)).all()
    assert [(lead.email, lead.consent, lead.shop_id) for lead in leads] == [("ann@example.com", True, shop.id), ("bob@example.com", False, shop.id)]
    assert leads[0].rule_id == rule.id and leads[1].rule_id is None and leads[0].profile_id is not None
    bad = client.post("/v1/leads", data=json.dumps({"key": shop.public_key, "email": "not-an-email"}), content_type="text/plain")
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"email", "consent"}
