"""One profile per person: anonymous history merges into the customer's profile."""
from __future__ import annotations

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Event, Order, Profile, VisitorId
from tests.helpers.events import event


def ingest(db_session, shop, *events):
    result = ingest_batch(db_session, shop.id, list(events), sent_at=None, received_at=utcnow())
    db_session.commit()
    return result


def profile_of(db_session, shop, visitor_id) -> Profile:
    return db_session.scalar(
        select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
            VisitorId.shop_id == shop.id, VisitorId.visitor_id == visitor_id
        )
    )


def test_identify_turns_the_anonymous_profile_into_the_customers(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, event(visitor_id="laptop"), event("product_view", "laptop", product_id="A"))
    anonymous = profile_of(db_session, shop, "laptop")
    ingest(db_session, shop, event("identify", "laptop", customer_id="C-1"))
    assert profile_of(db_session, shop, "laptop").id == anonymous.id
    assert anonymous.customer_id == "C-1"


def test_a_second_device_merges_into_the_same_customer_keeping_both_histories(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, event(visitor_id="laptop"), event("identify", "laptop", customer_id="C-1"))
    ingest(db_session, shop, event("product_view", "phone", product_id="A"), event("add_to_cart", "phone", product_id="A"))
    phone_profile = profile_of(db_session, shop, "phone")
    customer = profile_of(db_session, shop, "laptop")
    assert phone_profile.id != customer.id

    ingest(db_session, shop, event("identify", "phone", customer_id="C-1"), event("purchase", "phone", order_id="O-1", value="5"))
    db_session.expire_all()
    assert profile_of(db_session, shop, "phone").id == customer.id
    history = db_session.scalars(select(Event.type).where(Event.profile_id == customer.id).order_by(Event.occurred_at, Event.id)).all()
    assert sorted(history) == sorted(["page_view", "identify", "product_view", "add_to_cart", "identify", "purchase"])
    assert db_session.scalar(select(Order.profile_id)) == customer.id
    tombstone = db_session.get(Profile, phone_profile.id)
    assert tombstone.merged_into_id == customer.id and tombstone.customer_id is None


def test_identify_and_earlier_events_in_one_batch_end_on_the_customer(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, event("identify", "laptop", customer_id="C-9"))
    customer = profile_of(db_session, shop, "laptop")
    ingest(
        db_session, shop,
        event("product_view", "tablet", product_id="X", ts="2026-11-23T09:00:00Z"),
        event("identify", "tablet", customer_id="C-9", ts="2026-11-23T09:01:00Z"),
    )
    profile_ids = set(db_session.scalars(select(Event.profile_id)))
    assert profile_ids == {customer.id}


def test_a_shared_computer_moves_only_the_visitor_to_the_new_customer(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, event("identify", "kiosk", customer_id="ANN"), event("product_view", "kiosk", product_id="A"))
    ann = profile_of(db_session, shop, "kiosk")
    ingest(db_session, shop, event("identify", "kiosk", customer_id="BOB"))
    bob = profile_of(db_session, shop, "kiosk")
    assert bob.id != ann.id and bob.customer_id == "BOB"
    assert db_session.get(Profile, ann.id).customer_id == "ANN"
    assert db_session.scalar(select(Event.profile_id).where(Event.type == "product_view")) == ann.id


def test_profiles_are_per_shop(db_session, make_shop):
    first, _ = make_shop("A")
    second, _ = make_shop("B")
    ingest(db_session, first, event("identify", "v", customer_id="C"))
    ingest(db_session, second, event("identify", "v", customer_id="C"))
    assert profile_of(db_session, first, "v").id != profile_of(db_session, second, "v").id
