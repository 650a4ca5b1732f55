"""first_order_at (tenure) is kept current with every order, survives a merge, and is backfilled by the migration."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text

from app import migrate
from app.clock import utcnow
from app.db import make_engine
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.journey.segments import profile_traits
from app.models import Profile
from tests.helpers.databases import empty_database
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event


def test_first_order_and_tenure_move_with_orders_and_merges(db_session, make_shop):
    shop, _ = make_shop()
    now = utcnow()
    ingest_batch(db_session, shop.id, [signed_event(shop, "identify", "laptop", "C")], sent_at=None, received_at=now, identities=signatures(shop))
    customer = db_session.scalar(select(Profile).where(Profile.customer_id == "C"))
    store_new_orders(db_session, shop.id, [OrderData("O2", now - timedelta(days=10), "C", customer.id, total=Decimal(30)),
                                           OrderData("O3", now - timedelta(days=2), "C", customer.id, total=Decimal(10))], "import")
    db_session.commit()
    db_session.refresh(customer)
    assert customer.first_order_at == now - timedelta(days=10)
    traits = profile_traits(customer, now)
    assert traits["tenure_days"] == 10 and traits["average_order_value"] == 20.0

    ingest_batch(db_session, shop.id, [event("page_view", "phone")], sent_at=None, received_at=now)
    phone = db_session.scalar(select(Profile).where(Profile.customer_id.is_(None)))
    store_new_orders(db_session, shop.id, [OrderData("O1", now - timedelta(days=40), None, phone.id, total=Decimal(20))], "storefront")
    db_session.commit()
    ingest_batch(db_session, shop.id, [signed_event(shop, "identify", "phone", "C")], sent_at=None, received_at=now, identities=signatures(shop))
    db_session.commit()
    db_session.refresh(customer)
    assert customer.first_order_at == now - timedelta(days=40) and customer.order_count == 3
    assert profile_traits(customer, now)["tenure_days"] == 40


def test_the_migration_backfills_first_order_from_stored_orders(tmp_path):
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "0007")
        engine = make_engine(url)
        placed = [datetime(2025, 3, 1, 9), datetime(2025, 1, 5, 9)]
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO shops (id, name, currency, locale, public_key, secret_key_hash, settings, created_at, updated_at) "
                "VALUES (1, 'S', 'USD', 'en', 'pk', 'h', '{}', :at, :at)"), {"at": placed[0]})
            for profile_id, orders in ((1, 2), (2, 0)):
                connection.execute(text(
                    "INSERT INTO profiles (id, shop_id, first_seen_at, last_seen_at, session_count, order_count, total_spend, "
                    "cart_count, cart_value, viewed_categories) VALUES (:id, 1, :at, :at, 0, :orders, 0, 0, 0, '{}')"),
                    {"id": profile_id, "at": placed[1], "orders": orders})
            for n, at in enumerate(placed):
                connection.execute(text(
                    "INSERT INTO orders (shop_id, external_id, profile_id, placed_at, total, source, created_at) "
                    "VALUES (1, :external, 1, :at, 10, 'import', :at)"), {"external": f"O{n}", "at": at})
        migrate.upgrade(url)
        with engine.connect() as connection:
            firsts = dict(connection.execute(text("SELECT id, first_order_at FROM profiles")).all())
        engine.dispose()
        assert firsts[2] is None
        assert str(firsts[1]).startswith("2025-01-05 09:00")
    finally:
        cleanup()
