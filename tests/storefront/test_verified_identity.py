"""A customer id signed by the merchant's server (customer_sig) merges into the customer's profile and reads from it."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.identity_secrets import ROTATION_GRACE, TRUSTED, ShopSignatures, current_secret, rotate, sign
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Event, Order, Profile, Shop, VisitorId
from app.recommender.training.train_shop import train_shop
from tests.helpers.events import event
from tests.helpers.identity import customer_sig, identity_box, identity_secret, signed_event
from tests.helpers.recommender_shop import FAST, build_shop


@pytest.fixture
def customer_shop(db_session, make_shop, tmp_path):
    """A trained shop whose customer C0 bought mugs."""
    shop, _ = make_shop(currency="EUR", settings={"holdout_percent": 0})
    build_shop(db_session, shop)
    train_shop(db_session, shop.id, tmp_path, FAST)
    return shop, db_session.scalar(select(Profile).where(Profile.shop_id == shop.id, Profile.customer_id == "C0"))


def post_events(client, shop, *events):
    response = client.post("/v1/events", data=json.dumps({"key": shop.public_key, "events": list(events)}), content_type="text/plain")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def get(client, path, shop, **params):
    response = client.get(path, query_string={"key": shop.public_key, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def profile_of(db_session, visitor_id) -> Profile:
    db_session.expire_all()
    return db_session.scalar(select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(VisitorId.visitor_id == visitor_id))


def test_a_signed_identify_keeps_every_feature_working_for_the_customer(customer_shop, client, db_session):
    shop, customer = customer_shop
    now = utcnow()
    post_events(client, shop, event("product_view", "c0-phone", product_id="LAMP-3", ts=(now - timedelta(seconds=5)).isoformat()),
                signed_event(shop, "identify", "c0-phone", "C0"))
    assert profile_of(db_session, "c0-phone").id == customer.id
    decision = get(client, "/v1/decide", shop, visitor_id="c0-phone", url="https://shop.example/")
    assert decision["vars"]["customer_id"] == "C0" and decision["stage"] in ("lapsed", "loyal", "first_time_buyer")
    again = get(client, "/v1/recommendations", shop, strategy="buy_again", visitor_id="c0-phone")
    assert again["strategy"] == "buy_again" and again["items"][0]["reason"].startswith("Time to restock")
    viewed = get(client, "/v1/recommendations", shop, strategy="recently_viewed", visitor_id="c0-phone")
    assert [item["id"] for item in viewed["items"]] == ["LAMP-3"]


def test_a_signed_purchase_counts_for_the_customer(customer_shop, client, db_session):
    shop, customer = customer_shop
    before = customer.order_count
    post_events(client, shop, signed_event(shop, "purchase", "c0-phone", "C0", order_id="WEB-1", value=12.5, currency="EUR",
                                           props={"lines": [{"product_id": "MUG-1", "quantity": 1, "price": 12.5}]}))
    db_session.expire_all()
    assert db_session.get(Profile, customer.id).order_count == before + 1
    assert db_session.scalar(select(Order.customer_id).where(Order.external_id == "WEB-1")) == "C0"


def altered(signature: str) -> str:
    """The right signature with its last digit changed."""
    return signature[:-1] + ("0" if signature[-1] != "0" else "1")


def test_signatures_of_another_id_or_another_shop_are_claims(customer_shop, client, db_session, make_shop):
    shop, customer = customer_shop
    other, _ = make_shop("Other")
    forged = [
        event("identify", "a1", customer_id="C0", customer_sig=customer_sig(shop, "C1")),  # a real signature, of someone else
        event("identify", "a2", customer_id="C0", customer_sig=customer_sig(other, "C0")),  # the attacker's own shop's secret
        event("identify", "a3", customer_id="C0", customer_sig=altered(sign(identity_secret(shop), "C0"))),
    ]
    assert post_events(client, shop, *forged)["accepted"] == 3
    for visitor in ("a1", "a2", "a3"):
        assert profile_of(db_session, visitor).id != customer.id
        assert get(client, "/v1/decide", shop, visitor_id=visitor)["vars"]["customer_id"] == ""
    claimed = db_session.scalars(select(Event).where(Event.visitor_id.in_(["a1", "a2", "a3"]))).all()
    assert {(e.customer_id, e.props["claimed_customer_id"]) for e in claimed} == {(None, "C0")}


def test_a_malformed_signature_is_a_field_error(make_shop, client):
    shop, _ = make_shop()
    body = post_events(client, shop, event("identify", "v", customer_id="C0", customer_sig="not-hex"), event(visitor_id="v"))
    assert body["accepted"] == 1 and body["rejected"] == [
        {"index": 0, "errors": {"customer_sig": ["Must be the hex HMAC-SHA256 of customer_id (64 hex digits)."]}}]


def test_traits_are_kept_from_a_verified_identify_only(make_shop, client, db_session):
    shop, _ = make_shop()
    post_events(client, shop, signed_event(shop, "identify", "v-ann", "ANN", traits={"first_name": "Ann", "tier": "gold"}))
    post_events(client, shop, event("identify", "v-mallory", customer_id="ANN", traits={"first_name": "<b>Mallory</b>"}))
    post_events(client, shop, event("identify", "v-ann", customer_id="ANN", traits={"first_name": "Eve"}))  # unsigned, same device
    post_events(client, shop, signed_event(shop, "identify", "v-ann", "ANN", traits={"tier": None, "city": "Leeds"}))
    ann = db_session.scalar(select(Profile).where(Profile.customer_id == "ANN"))
    db_session.refresh(ann)
    assert ann.traits == {"first_name": "Ann", "city": "Leeds"}
    assert profile_of(db_session, "v-mallory").traits == {}
    bad = post_events(client, shop, signed_event(shop, "identify", "v-ann", "ANN", traits={"nested": {"a": 1}, "bad name": 1}))
    assert bad["rejected"][0]["errors"]["traits"]


def test_the_previous_secret_verifies_for_seven_days_after_a_rotation(make_shop, db_session):
    shop, _ = make_shop()
    box = identity_box()
    old = current_secret(shop, box)
    now = utcnow()
    new = rotate(shop, box, now)
    db_session.commit()
    assert new != old and current_secret(shop, box) == new
    within, after = ShopSignatures(shop, box, now + ROTATION_GRACE - timedelta(minutes=1)), ShopSignatures(shop, box, now + ROTATION_GRACE)
    assert within.verifies("C1", sign(old, "C1")) and within.verifies("C1", sign(new, "C1"))
    assert not after.verifies("C1", sign(old, "C1")) and after.verifies("C1", sign(new, "C1"))


def test_the_identity_secret_is_stored_encrypted_and_the_secret_key_only_hashed(make_shop, db_session):
    shop, secret_key = make_shop()
    stored = db_session.execute(select(Shop.__table__).where(Shop.id == shop.id)).mappings().one()
    secret = identity_secret(shop)
    assert secret.startswith("ids_") and not any(secret in str(value) for value in stored.values())
    assert not any(secret_key in str(value) for value in stored.values())


def test_shopify_orders_replace_a_storefront_report_of_the_same_order(make_shop, client, db_session):
    """The Web Pixel's customer ids are claims: its purchase is stored without the customer, until Shopify's order names them."""
    shop, _ = make_shop()
    post_events(client, shop, event("purchase", "pixel-visitor", customer_id="207119551", order_id="5345678901234", value=467.39,
                                    currency="USD", props={"lines": [{"product_id": "632910392", "quantity": 2, "price": 199}]}))
    pending = db_session.scalar(select(Order).where(Order.external_id == "5345678901234"))
    assert pending.customer_id is None and pending.source == "storefront"
    anonymous = db_session.get(Profile, pending.profile_id)
    assert anonymous.order_count == 1

    customer = Profile(shop_id=shop.id, customer_id="207119551", session_count=0)
    db_session.add(customer)
    db_session.flush()
    stored = store_new_orders(db_session, shop.id, [OrderData("5345678901234", utcnow(), "207119551", customer.id, Decimal("467.39"), "USD",
                                                              [OrderLineData("632910392", 2, Decimal("199"))])], source="shopify")
    db_session.commit()
    db_session.expire_all()
    assert stored == 1
    order = db_session.scalar(select(Order).where(Order.external_id == "5345678901234"))
    assert (order.customer_id, order.profile_id, order.source) == ("207119551", customer.id, "shopify")
    assert db_session.get(Profile, customer.id).order_count == 1
    anonymous = db_session.get(Profile, anonymous.id)
    assert (anonymous.order_count, anonymous.total_spend, anonymous.last_order_at) == (0, Decimal("0.00"), None)


def test_a_claim_from_a_device_another_customer_signed_in_on_is_not_credited_to_them(make_shop, client, db_session):
    shop, _ = make_shop()
    post_events(client, shop, signed_event(shop, "identify", "kiosk", "DAN"))
    post_events(client, shop, event("purchase", "kiosk", customer_id="CAROL", order_id="K-1", value=50))
    dan = db_session.scalar(select(Profile).where(Profile.customer_id == "DAN"))
    db_session.refresh(dan)
    assert dan.order_count == 0
    order = db_session.scalar(select(Order).where(Order.external_id == "K-1"))
    assert (order.customer_id, order.profile_id) == (None, None)


def test_imported_history_is_the_merchants_word(make_shop, db_session):
    shop, _ = make_shop()
    ingest_batch(db_session, shop.id, [event("identify", "v-old", customer_id="C9")], sent_at=None, received_at=utcnow(), identities=TRUSTED)
    db_session.commit()
    assert profile_of(db_session, "v-old").customer_id == "C9"
