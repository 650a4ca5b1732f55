"""Export and delete one customer's data, delete a shop, expire old events: on real rows."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.db import Base
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import (
    Assignment,
    Event,
    Job,
    Lead,
    Order,
    OrderLine,
    Profile,
    Rule,
    Shop,
    ShopifyInstall,
    VisitorId,
    WebhookDelivery,
)
from app.privacy import delete_customer, delete_shop_data, export_customer, purge_expired


def add_person(session, shop_id, customer_id, visitor, email=None, days_ago=0):
    """A customer with a merged anonymous tombstone, a visitor id, events, one order, a lead, an assignment."""
    now = utcnow()
    profile = Profile(shop_id=shop_id, customer_id=customer_id, session_count=1)
    session.add(profile)
    session.flush()
    tombstone = Profile(shop_id=shop_id, customer_id=None, session_count=0, merged_into_id=profile.id)
    session.add(tombstone)
    session.add(VisitorId(shop_id=shop_id, visitor_id=visitor, profile_id=profile.id))
    for n, type_ in enumerate(("page_view", "product_view")):
        session.add(Event(shop_id=shop_id, client_event_id=f"{visitor}-{n}", type=type_, profile_id=profile.id,
                          visitor_id=visitor, customer_id=customer_id, product_id="P1",
                          occurred_at=now - timedelta(days=days_ago), received_at=now, props={}))
    session.flush()
    store_new_orders(session, shop_id, [OrderData(f"O-{customer_id}", now, customer_id, profile.id, Decimal("12.50"), "EUR",
                                                  [OrderLineData("P1", 2, Decimal("6.25"))])], source="import")
    if email:
        session.add(Lead(shop_id=shop_id, email=email, consent=True, profile_id=None, visitor_id=visitor))
    session.add(Assignment(shop_id=shop_id, experiment_key="global-holdout", unit_id=f"c:{customer_id}",
                           profile_id=profile.id, arm="in"))
    session.commit()
    return profile, tombstone


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.scalar(query)


@pytest.fixture
def two_people(make_shop, db_session):
    shop, _ = make_shop("Privacy shop", "privacy.example")
    alice = add_person(db_session, shop.id, "C1", "v-alice", email="alice@example.com")
    bob = add_person(db_session, shop.id, "C2", "v-bob", email="bob@example.com")
    return shop, alice, bob


def test_export_holds_everything_about_the_customer_and_nothing_else(two_people, db_session):
    shop, (alice, alice_tombstone), _bob = two_people
    export = export_customer(db_session, shop.id, customer_id="C1", email="Alice@Example.com")
    json.dumps(export)  # JSON-ready
    assert {p["id"] for p in export["profiles"]} == {alice.id, alice_tombstone.id}
    assert export["visitor_ids"] == ["v-alice"]
    assert [e["client_event_id"] for e in export["events"]] == ["v-alice-0", "v-alice-1"]
    assert [o["external_id"] for o in export["orders"]] == ["O-C1"]
    assert export["orders"][0]["lines"] == [{"id": export["orders"][0]["lines"][0]["id"], "product_id": "P1", "quantity": 2, "price": "6.25"}]
    assert [lead["email"] for lead in export["leads"]] == ["alice@example.com"]
    assert [a["unit_id"] for a in export["assignments"]] == ["c:C1"]


def test_export_by_email_alone_finds_the_lead(two_people, db_session):
    shop, _alice, _bob = two_people
    export = export_customer(db_session, shop.id, email="bob@example.com")
    assert [lead["email"] for lead in export["leads"]] == ["bob@example.com"]


def test_delete_removes_the_customer_and_keeps_the_others(two_people, db_session):
    shop, (alice, tombstone), (bob, _) = two_people
    counts = delete_customer(db_session, shop.id, customer_id="C1", email="alice@example.com")
    db_session.commit()
    assert counts == {"profiles": 2, "visitor_ids": 1, "events": 2, "orders": 1, "order_lines": 1, "leads": 1, "assignments": 1}
    assert count(db_session, Profile, shop_id=shop.id) == 2  # Bob and his tombstone
    assert db_session.scalar(select(Profile).where(Profile.customer_id == "C1")) is None
    assert count(db_session, Event, customer_id="C1") == 0 and count(db_session, Event, customer_id="C2") == 2
    assert count(db_session, Order, customer_id="C1") == 0 and count(db_session, Order, customer_id="C2") == 1
    assert count(db_session, OrderLine) == 1
    assert count(db_session, Lead) == 1 and count(db_session, Assignment) == 1
    assert count(db_session, VisitorId) == 1
    # Nothing left to export.
    export = export_customer(db_session, shop.id, customer_id="C1", email="alice@example.com")
    assert export["profiles"] == export["events"] == export["orders"] == export["leads"] == []


def test_delete_needs_an_identifier(two_people, db_session):
    shop, _, _ = two_people
    with pytest.raises(ValueError):
        delete_customer(db_session, shop.id)


def test_delete_in_one_shop_leaves_another_shops_customer_alone(two_people, make_shop, db_session):
    shop, _, _ = two_people
    other, _ = make_shop("Other", "other.example")
    add_person(db_session, other.id, "C1", "v-alice-elsewhere")
    delete_customer(db_session, shop.id, customer_id="C1")
    db_session.commit()
    assert count(db_session, Profile, shop_id=other.id, customer_id="C1") == 1
    assert count(db_session, Order, shop_id=other.id) == 1


def test_delete_shop_data_cascades_to_every_table(two_people, make_shop, db_session):
    shop, _, _ = two_people
    other, _ = make_shop("Other", "other.example")
    add_person(db_session, other.id, "C9", "v-other")
    db_session.add(Rule(shop_id=shop.id, name="Welcome", kind="block", content={}, targeting={}))
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain="privacy.myshopify.com", sync_state={}))
    db_session.add(WebhookDelivery(event_id="e1", shop_id=shop.id, shop_domain="privacy.myshopify.com", topic="x", payload={}))
    db_session.add(Job(shop_id=shop.id, kind="shopify_sync", payload={}, progress={}))
    db_session.commit()

    delete_shop_data(db_session, shop.id)
    db_session.commit()

    assert db_session.get(Shop, shop.id) is None
    for table in Base.metadata.sorted_tables:
        if "shop_id" in table.c:
            left = db_session.scalar(select(func.count()).select_from(table).where(table.c.shop_id == shop.id))
            assert left == 0, f"{table.name} kept rows of the deleted shop"
    assert count(db_session, Profile, shop_id=other.id) == 2 and count(db_session, Order, shop_id=other.id) == 1


def test_purge_expired_deletes_only_old_events_of_that_shop(make_shop, db_session):
    shop, _ = make_shop("Retention", "retention.example")
    other, _ = make_shop("Other", "other.example")
    add_person(db_session, shop.id, "OLD", "v-old", days_ago=40)
    add_person(db_session, shop.id, "NEW", "v-new", days_ago=1)
    add_person(db_session, other.id, "OLD", "v-other-old", days_ago=40)
    assert purge_expired(db_session, shop.id, 30) == 2
    db_session.commit()
    assert count(db_session, Event, shop_id=shop.id) == 2
    assert count(db_session, Event, shop_id=other.id) == 2
    with pytest.raises(ValueError):
        purge_expired(db_session, shop.id, 0)
