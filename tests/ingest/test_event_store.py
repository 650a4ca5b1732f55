"""Storing a batch's events: what was sent is what is stored, and an event stored before counts as a duplicate.

On PostgreSQL the events go in by COPY, and by INSERT ... ON CONFLICT when any is already stored;
these tests run on both databases (TEST_DATABASE_URL) and hold for both paths.
"""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import db
from app.clock import utcnow
from app.ingest import event_store
from app.ingest.events import ingest_batch
from app.models import Event, Profile, VisitorId
from app.schemas.event_loading import load_event
from tests.helpers.events import event


def ingest(session, shop, events, **kw):
    result = ingest_batch(session, shop.id, list(events), sent_at=None, received_at=utcnow(), **kw)
    session.commit()
    return result


def profile_of(session, shop, visitor_id) -> Profile:
    return session.scalar(
        select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(VisitorId.shop_id == shop.id, VisitorId.visitor_id == visitor_id)
    )


def test_every_field_is_stored_as_sent(db_session, make_shop):
    shop, _ = make_shop()
    sent_ts = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=123456)
    sent = event(
        "add_to_cart", "v-fields", product_id="SKU-9", value="19.99", currency="EUR", customer_id="C-1",
        url="https://shop.example/p/ä?x=1", referrer="https://ref.example/", ts=sent_ts.isoformat(),
        props={"quantity": 2, "title": "Grüner Tee \"fein\"", "ratio": 0.5, "flag": True, "none": None},
    )
    assert ingest(db_session, shop, [sent]).accepted == 1
    stored = db_session.scalar(select(Event).where(Event.client_event_id == sent["id"]))
    assert (stored.type, stored.visitor_id, stored.product_id, stored.currency) == ("add_to_cart", "v-fields", "SKU-9", "EUR")
    assert stored.value == Decimal("19.99") and stored.order_id is None
    assert (stored.url, stored.referrer) == ("https://shop.example/p/ä?x=1", "https://ref.example/")
    assert stored.client_ts == sent_ts and stored.occurred_at == sent_ts and stored.received_at >= sent_ts
    # An unverified customer id is only a claim: kept in props, not in customer_id.
    assert stored.customer_id is None
    assert stored.props == {**sent["props"], "claimed_customer_id": "C-1"}
    assert stored.profile_id == profile_of(db_session, shop, "v-fields").id


def test_a_batch_partly_stored_before_keeps_only_the_new_events(db_session, make_shop):
    """A browser resending a batch with more events appended: the stored ones are duplicates and count nowhere again."""
    shop, _ = make_shop()
    first = [event("add_to_cart", "v-cart", product_id=f"SKU-{n}") for n in range(3)]
    assert (ingest(db_session, shop, first).accepted, profile_of(db_session, shop, "v-cart").cart_count) == (3, 3)
    more = [event("add_to_cart", "v-cart", product_id=f"SKU-{n}") for n in range(3, 5)]
    result = ingest(db_session, shop, [first[0], more[0], first[2], more[1]])
    assert (result.accepted, result.duplicates, result.rejected) == (2, 2, [])
    assert db_session.scalar(select(func.count()).select_from(Event).where(Event.shop_id == shop.id)) == 5
    db_session.expire_all()
    assert profile_of(db_session, shop, "v-cart").cart_count == 5


def test_a_batch_of_new_and_stored_events_from_new_and_known_visitors_is_stored_once(db_session, make_shop):
    shop, _ = make_shop()
    stored = [event(visitor_id=f"v-{n}") for n in range(50)]
    ingest(db_session, shop, stored)
    batch = stored[::2] + [event(visitor_id=f"v-{n}") for n in range(25, 75)]
    result = ingest(db_session, shop, batch)
    assert (result.accepted, result.duplicates) == (50, 25)
    assert db_session.scalar(select(func.count()).select_from(Event).where(Event.shop_id == shop.id)) == 100
    assert db_session.scalar(select(func.count()).select_from(VisitorId).where(VisitorId.shop_id == shop.id)) == 75
    assert all(profile_of(db_session, shop, f"v-{n}") is not None for n in (0, 49, 50, 74))


def test_a_retry_racing_its_original_counts_its_events_as_duplicates(app, db_session, make_shop):
    """The same batch in two requests at once: the second waits for the first and stores nothing twice."""
    engine = db.database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the second request cannot start its write before the first commits")
    shop, _ = make_shop()
    batch = [event(visitor_id=f"v-{n}") for n in range(20)]
    ingest(db_session, shop, [event(visitor_id=f"v-{n}") for n in range(20)])  # known visitors: the race is on the events alone
    original, retry = Session(engine), Session(engine)
    try:
        assert ingest_batch(original, shop.id, batch, sent_at=None, received_at=utcnow()).accepted == 20  # not committed yet
        retried = {}
        racing = threading.Thread(target=lambda: retried.update(result=ingest_batch(retry, shop.id, batch, sent_at=None, received_at=utcnow())))
        racing.start()
        with engine.connect() as probe:  # until the retry waits on the original's rows
            while racing.is_alive() and not probe.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            ):
                racing.join(0.01)
        original.commit()
        racing.join()
        retry.commit()
        assert (retried["result"].accepted, retried["result"].duplicates) == (0, 20)
    finally:
        original.close()
        retry.close()
    assert db_session.scalar(select(func.count()).select_from(Event).where(Event.shop_id == shop.id)) == 40


def test_props_the_fast_json_encoder_refuses_are_stored_too(db_session, make_shop):
    """orjson stops at 64-bit integers; such props are encoded by the standard library instead, never lost."""
    shop, _ = make_shop()
    sent = event(props={"big": 2**70, "text": "naïve ✓"})
    assert ingest(db_session, shop, [sent]).accepted == 1
    assert db_session.scalar(select(Event.props).where(Event.client_event_id == sent["id"])) == sent["props"]


def test_profile_times_are_right_whatever_the_database_session_time_zone(db_session, make_shop):
    """On PostgreSQL ingest reads profile times as timestamptz, which come back in the session's time zone."""
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no session time zone")
    shop, _ = make_shop()
    earlier = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    ingest(db_session, shop, [event(visitor_id="v-tz", ts=earlier.isoformat())])
    later = earlier + timedelta(hours=2)
    db_session.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
    ingest(db_session, shop, [event(visitor_id="v-tz", ts=later.isoformat())])
    profile = profile_of(db_session, shop, "v-tz")
    assert (profile.first_seen_at, profile.last_seen_at, profile.session_count) == (earlier, later, 2)


def test_a_server_gone_mid_copy_is_the_error_sqlalchemy_raises(app, db_session, make_shop):
    """The COPY runs on the driver's connection; its errors must still be SQLAlchemy's (the app answers 503 for those)."""
    engine = db.database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    shop, _ = make_shop()
    session = Session(engine)
    try:
        backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with engine.connect() as other:
            assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        with pytest.raises(OperationalError) as raised:
            event_store.insert_events(session, shop.id, [_loaded(event(visitor_id="v-gone"))], utcnow())
        assert raised.value.connection_invalidated
    finally:
        session.close()


def _loaded(raw: dict) -> dict:
    """An event as ingest_batch has it when it stores it."""
    loaded = load_event(raw)
    return {**loaded, "profile": Profile(id=1), "occurred_at": utcnow()}
