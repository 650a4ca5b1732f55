"""Finding 1 of issue 10: a customer id sent with only the public key is a claim, and a claim reveals nothing.

The attacker knows the shop's public key (every page carries it) and a
customer id (17850 in the demo, or any guessable number); they never saw
the customer's browser. Whatever they send, nothing of that customer comes
back through /v1/decide or /v1/recommendations, and nothing they send
changes the customer's orders.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Order, Profile, VisitorId
from app.recommender.training.train_shop import train_shop
from tests.helpers.events import event
from tests.helpers.recommender_shop import FAST, build_shop

NO_HOLDOUT = {"holdout_percent": 0}


@pytest.fixture
def victim_shop(db_session, make_shop, tmp_path):
    """A trained shop whose customer C0 bought mugs and, on their own laptop, viewed two lamps."""
    shop, _ = make_shop(currency="EUR", settings=NO_HOLDOUT)
    build_shop(db_session, shop)
    train_shop(db_session, shop.id, tmp_path, FAST)
    victim = db_session.scalar(select(Profile).where(Profile.shop_id == shop.id, Profile.customer_id == "C0"))
    db_session.add(VisitorId(shop_id=shop.id, visitor_id="c0-laptop", profile_id=victim.id))
    db_session.commit()
    now = utcnow()
    views = [event("product_view", "c0-laptop", product_id=p, ts=(now - timedelta(seconds=9 - n)).isoformat())
             for n, p in enumerate(("LAMP-3", "LAMP-8"))]
    ingest_batch(db_session, shop.id, views, sent_at=None, received_at=now)
    db_session.commit()
    return shop, victim


def post_events(client, shop, *events):
    response = client.post("/v1/events", data=json.dumps({"key": shop.public_key, "events": list(events)}), content_type="text/plain")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def get(client, path, shop, **params):
    response = client.get(path, query_string={"key": shop.public_key, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_an_unsigned_identify_reveals_nothing_of_the_customer(victim_shop, client, db_session):
    shop, victim = victim_shop
    bought = set(db_session.scalars(select(Order.external_id).where(Order.profile_id == victim.id)))
    assert bought, "the victim has orders"
    post_events(client, shop, event("identify", "attacker", customer_id="C0"))

    decision = get(client, "/v1/decide", shop, visitor_id="attacker", url="https://shop.example/")
    assert decision["stage"] == "new_visitor" and decision["vars"]["customer_id"] == ""
    again = get(client, "/v1/recommendations", shop, strategy="buy_again", visitor_id="attacker")
    assert again["strategy"] != "buy_again" and not any(item["reason"].startswith("Time to restock") for item in again["items"])
    viewed = get(client, "/v1/recommendations", shop, strategy="recently_viewed", visitor_id="attacker")
    assert viewed["strategy"] != "recently_viewed" and not any(item["reason"].startswith("Because you viewed") for item in viewed["items"])
    # The known-user path of the model: the attacker is served as any stranger is.
    personal = get(client, "/v1/recommendations", shop, strategy="personalized", visitor_id="attacker", limit=12)
    stranger = get(client, "/v1/recommendations", shop, strategy="personalized", visitor_id="stranger", limit=12)
    assert ids(personal) == ids(stranger)

    db_session.expire_all()
    attacker = db_session.scalar(select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(VisitorId.visitor_id == "attacker"))
    assert attacker.id != victim.id and attacker.customer_id is None
    assert db_session.scalar(select(VisitorId.profile_id).where(VisitorId.visitor_id == "c0-laptop")) == victim.id


def test_any_event_carrying_an_unsigned_customer_id_is_a_claim_too(victim_shop, client, db_session):
    shop, victim = victim_shop
    post_events(client, shop, event("page_view", "attacker", customer_id="C0"), event("product_view", "attacker", customer_id="C0", product_id="MUG-1"))
    decision = get(client, "/v1/decide", shop, visitor_id="attacker", url="https://shop.example/")
    assert decision["vars"]["customer_id"] == "" and decision["stage"] != "first_time_buyer"
    viewed = get(client, "/v1/recommendations", shop, strategy="recently_viewed", visitor_id="attacker")
    assert "LAMP-3" not in ids(viewed) and "LAMP-8" not in ids(viewed)


def test_a_forged_purchase_changes_nothing_of_the_customers_orders(victim_shop, client, db_session):
    shop, victim = victim_shop
    before = (victim.order_count, victim.total_spend, victim.last_order_at)
    post_events(client, shop, event("purchase", "attacker", customer_id="C0", order_id="FORGED-1", value=9999, currency="EUR",
                                    props={"lines": [{"product_id": "MUG-1", "quantity": 1, "price": 9999}]}))
    db_session.expire_all()
    victim = db_session.get(Profile, victim.id)
    assert (victim.order_count, victim.total_spend, victim.last_order_at) == before
    forged = db_session.scalar(select(Order).where(Order.external_id == "FORGED-1"))
    assert forged is not None, "the purchase is still recorded, on the visitor's own anonymous profile"
    assert forged.customer_id is None and forged.profile_id != victim.id
    assert db_session.scalar(select(Order.external_id).where(Order.customer_id == "C0", Order.external_id == "FORGED-1")) is None
