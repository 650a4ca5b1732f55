"""Traits move with each event and order, and survive a profile merge."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.journey.facts import journey_facts
from app.models import Product, Profile
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event


def ingest(db_session, shop, *events):
    ingest_batch(db_session, shop.id, list(events), sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()


def test_carts_views_and_orders_update_the_profile_incrementally(db_session, make_shop):
    shop, _ = make_shop()
    db_session.add_all([
        Product(shop_id=shop.id, external_id="A", title="Mug", category="Kitchen", tags=[], in_stock=True),
        Product(shop_id=shop.id, external_id="B", title="Lamp", category="Lighting", tags=[], in_stock=True),
    ])
    db_session.commit()
    ingest(db_session, shop,
           event("product_view", "v", product_id="A"), event("product_view", "v", product_id="A"),
           event("product_view", "v", product_id="B"),
           event("add_to_cart", "v", product_id="A", value="8.00", props={"quantity": 2}),
           event("add_to_cart", "v", product_id="B", value="20.00"))
    profile = db_session.scalar(select(Profile))
    assert (profile.cart_count, profile.cart_value) == (3, Decimal("28.00"))
    assert profile.viewed_categories == {"Kitchen": 2, "Lighting": 1}

    ingest(db_session, shop, event("remove_from_cart", "v", product_id="B", value="20.00"))
    db_session.refresh(profile)
    assert (profile.cart_count, profile.cart_value) == (2, Decimal("8.00"))

    ingest(db_session, shop, event("purchase", "v", order_id="O1", value="8.00", props={"lines": [{"product_id": "A", "quantity": 2, "price": 4}]}))
    db_session.refresh(profile)
    assert (profile.order_count, profile.total_spend, profile.cart_count) == (1, Decimal("8.00"), 0)
    assert profile.last_order_at is not None


def test_a_merge_adds_the_traits_together(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, signed_event(shop, "identify", "laptop", "C"), event("purchase", "laptop", order_id="O1", value="10"))
    ingest(db_session, shop, event("add_to_cart", "phone", product_id="X", value="5"))
    ingest(db_session, shop, signed_event(shop, "identify", "phone", "C"))
    customer = db_session.scalar(select(Profile).where(Profile.customer_id == "C"))
    db_session.refresh(customer)
    assert (customer.order_count, customer.total_spend, customer.cart_count) == (1, Decimal("10.00"), 1)


def test_the_two_latest_orders_are_kept_whatever_order_they_arrive_in(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, signed_event(shop, "identify", "w", "C-W"))
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "C-W"))
    now = utcnow().replace(microsecond=0)
    for days, order_id in ((5, "late"), (300, "early"), (200, "middle")):
        store_new_orders(db_session, shop.id, [OrderData(order_id, now - timedelta(days=days), "C-W", profile.id, total=Decimal(10))], "import")
        db_session.commit()
    db_session.refresh(profile)
    assert (profile.last_order_at, profile.previous_order_at) == (now - timedelta(days=5), now - timedelta(days=200))
    assert journey_facts(profile).previous_order_at == now - timedelta(days=200)
