"""One profile per person: anonymous history merges into the customer's profile, once the customer id is signed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Event, Order, Profile, VisitorId
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event


def ingest(db_session, shop, *events):
    result = ingest_batch(db_session, shop.id, list(events), sent_at=None, received_at=utcnow(), identities=signatures(shop))
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
    ingest(db_session, shop, signed_event(shop, "identify", "laptop", "C-1"))
    assert profile_of(db_session, shop, "laptop").id == anonymous.id
    assert anonymous.customer_id == "C-1"


def test_a_second_device_merges_into_the_same_customer_keeping_both_histories(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, event(visitor_id="laptop"), signed_event(shop, "identify", "laptop", "C-1"))
    ingest(db_session, shop, event("product_view", "phone", product_id="A"), event("add_to_cart", "phone", product_id="A"))
    phone_profile = profile_of(db_session, shop, "phone")
    customer = profile_of(db_session, shop, "laptop")
    assert phone_profile.id != customer.id

    ingest(db_session, shop, signed_event(shop, "identify", "phone", "C-1"), event("purchase", "phone", order_id="O-1", value="5"))
    db_session.expire_all()
    assert profile_of(db_session, shop, "phone").id == customer.id
    history = db_session.scalars(select(Event.type).where(Event.profile_id == customer.id).order_by(Event.occurred_at, Event.id)).all()
    assert sorted(history) == sorted(["page_view", "identify", "product_view", "add_to_cart", "identify", "purchase"])
    assert db_session.scalar(select(Order.profile_id)) == customer.id
    tombstone = db_session.get(Profile, phone_profile.id)
    assert tombstone.merged_into_id == customer.id and tombstone.customer_id is None


def test_identify_and_earlier_events_in_one_batch_end_on_the_customer(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, signed_event(shop, "identify", "laptop", "C-9"))
    customer = profile_of(db_session, shop, "laptop")
    ingest(
        db_session, shop,
        event("product_view", "tablet", product_id="X", ts="2026-11-23T09:00:00Z"),
        signed_event(shop, "identify", "tablet", "C-9", ts="2026-11-23T09:01:00Z"),
    )
    profile_ids = set(db_session.scalars(select(Event.profile_id)))
    assert profile_ids == {customer.id}


def test_a_shared_computer_moves_only_the_visitor_to_the_new_customer(db_session, make_shop):
    shop, _ = make_shop()
    ingest(db_session, shop, signed_event(shop, "identify", "kiosk", "ANN"), event("product_view", "kiosk", product_id="A"))
    ann = profile_of(db_session, shop, "kiosk")
    ingest(db_session, shop, signed_event(shop, "identify", "kiosk", "BOB"))
    bob = profile_of(db_session, shop, "kiosk")
    assert bob.id != ann.id and bob.customer_id == "BOB"
    assert db_session.get(Profile, ann.id).customer_id == "ANN"
    assert db_session.scalar(select(Event.profile_id).where(Event.type == "product_view")) == ann.id


def test_profiles_are_per_shop(db_session, make_shop):
    first, _ = make_shop("A")
    second, _ = make_shop("B")
    ingest(db_session, first, signed_event(first, "identify", "v", "C"))
    ingest(db_session, second, signed_event(second, "identify", "v", "C"))
    assert profile_of(db_session, first, "v").id != profile_of(db_session, second, "v").id


def test_a_replayed_identify_moves_nobody_back(db_session, make_shop):
    """A browser resending an old batch (its events already stored) must not redo what that identify did."""
    shop, _ = make_shop()
    as_ann = signed_event(shop, "identify", "kiosk", "ANN")
    ingest(db_session, shop, as_ann)
    ingest(db_session, shop, signed_event(shop, "identify", "kiosk", "BOB"))
    result = ingest(db_session, shop, as_ann)
    assert (result.accepted, result.duplicates) == (0, 1)
    assert profile_of(db_session, shop, "kiosk").customer_id == "BOB"


def test_a_profile_the_session_holds_shows_the_activity_of_a_batch(db_session, make_shop):
    """Profiles are updated in bulk, not through the session's objects; an object it holds must not keep the old values."""
    shop, _ = make_shop()
    ingest(db_session, shop, event(visitor_id="v1", ts=(utcnow() - timedelta(hours=2)).isoformat()))
    held = profile_of(db_session, shop, "v1")
    assert held.session_count == 1
    ingest(db_session, shop, event(visitor_id="v1"))  # now, two hours later: a new visit
    assert held.session_count == 2 and held.last_seen_at > held.first_seen_at
