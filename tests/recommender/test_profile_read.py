"""A page view's profile read: the same values as the model's, on PostgreSQL through the driver, prepared."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import exc, text

from app import db
from app.config import from_environment
from app.models import Profile, VisitorId
from app.recommender.serving.profile_read import ProfileRow, read_profile
from tests.helpers.statements import statements
from tests.test_db import backend_pid, kill


@pytest.fixture
def profile(db_session, make_shop):
    shop, _ = make_shop()
    seen = datetime(2026, 11, 2, 9, 30, 15, 250000, tzinfo=UTC)
    profile = Profile(
        shop_id=shop.id, customer_id="c-1", first_seen_at=seen - timedelta(days=400), last_seen_at=seen,
        session_count=12, traffic_source="google", traffic_medium="cpc", traffic_campaign="winter", country="DE",
        device="mobile", order_count=3, total_spend=Decimal("149.90"), last_order_at=seen - timedelta(days=3),
        previous_order_at=seen - timedelta(days=90), first_order_at=seen - timedelta(days=300), cart_count=2,
        cart_value=Decimal("35.00"), viewed_categories={"lamps": 4, "rugs": 1}, history_version=7,
        traits={"first_name": "Ada"}, predicted_clv=Decimal("420.50"), p_alive=0.83, expected_orders_90d=1.25,
        clv_percentile=0.91, clv_updated_at=seen - timedelta(hours=5),
    )
    db_session.add(profile)
    db_session.flush()
    db_session.add(VisitorId(shop_id=shop.id, visitor_id="v-read", profile_id=profile.id))
    db_session.commit()
    return profile


def test_the_read_gives_every_column_as_the_model_does(app, db_session, profile):
    with app.test_request_context("/v1/decide"):
        db.page_view()
        row = read_profile(db.session().connection(), profile.shop_id, "v-read")
    assert isinstance(row, ProfileRow)
    for column in Profile.__table__.columns:
        assert getattr(row, column.name) == getattr(profile, column.name), column.name
    assert row.last_seen_at.tzinfo is UTC and row.clv_updated_at.tzinfo is UTC
    assert isinstance(row.total_spend, Decimal) and row.viewed_categories == {"lamps": 4, "rugs": 1}


def test_an_unknown_visitor_or_another_shops_visitor_has_no_profile(app, db_session, profile, make_shop):
    other, _ = make_shop(name="Other")
    with app.test_request_context("/v1/decide"):
        db.page_view()
        connection = db.session().connection()
        assert read_profile(connection, profile.shop_id, "v-nobody") is None
        assert read_profile(connection, other.id, "v-read") is None


def test_statement_listeners_see_the_read(app, profile):
    with app.test_request_context("/v1/decide"), statements(app) as seen:
        db.page_view()
        read_profile(db.session().connection(), profile.shop_id, "v-read")
    assert seen == ["SELECT PROFILES.ID, PROFILES.CUSTOMER_ID,"]


@pytest.fixture
def postgres(app):
    if db.database(app).engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and dropped connections are PostgreSQL's (SQLite runs in the process)")
    return db.database(app).engine


def test_on_postgresql_the_read_is_prepared_once_per_connection(app, postgres, profile):
    postgres.dispose()
    with app.test_request_context("/v1/decide"):
        db.page_view()
        connection = db.session().connection()
        for _ in range(3):
            assert read_profile(connection, profile.shop_id, "v-read").id == profile.id
        prepared = connection.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM profiles JOIN visitor_ids%'"))
    assert prepared == 1


def test_prepared_statements_can_be_turned_off_from_the_environment(monkeypatch):
    assert from_environment()["DATABASE_PREPARED_STATEMENTS"] is True
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    assert from_environment()["DATABASE_PREPARED_STATEMENTS"] is False


def test_without_prepared_statements_the_read_runs_unprepared(app, postgres, profile):
    # DATABASE_PREPARED_STATEMENTS=0, for a pooler in transaction mode that does not keep them.
    store = db.Database(postgres.url.render_as_string(hide_password=False), prepared_statements=False)
    try:
        with store.engine.connect() as connection:
            for _ in range(3):
                assert read_profile(connection, profile.shop_id, "v-read").id == profile.id
            assert connection.scalar(text("SELECT count(*) FROM pg_prepared_statements")) == 0
    finally:
        store.engine.dispose()


def test_a_dropped_connection_is_an_outage_and_leaves_the_pool(app, postgres, profile, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # no ping: the read itself meets the dead connection
    postgres.dispose()
    with postgres.connect() as connection:
        killed = backend_pid(connection)
    kill(postgres, killed)
    with app.test_request_context("/v1/decide"):
        db.page_view()
        with pytest.raises(db.UNAVAILABLE) as failed:
            read_profile(db.session().connection(), profile.shop_id, "v-read")
        db.session().rollback()  # as a failed request's teardown does (db._close_session)
    assert isinstance(failed.value, exc.DBAPIError) and failed.value.connection_invalidated
    with app.test_request_context("/v1/decide"):
        db.page_view()
        connection = db.session().connection()
        assert backend_pid(connection) != killed
        assert read_profile(connection, profile.shop_id, "v-read").id == profile.id
