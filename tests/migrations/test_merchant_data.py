"""The merchant_ data migrations, on rows as older versions stored them."""
from __future__ import annotations

import json

from sqlalchemy import text

from app import migrate
from app.db import make_engine
from tests.helpers.databases import empty_database

SHOP = ("INSERT INTO shops (id, name, currency, locale, public_key, secret_key_hash, settings, created_at, updated_at) "
        "VALUES (1, 'S', 'GBP', 'en', 'pk_1', 'h1', :settings, '2026-01-01', '2026-01-01')")
RULE = ("INSERT INTO rules (id, shop_id, kind, name, enabled, priority, slot, selector, mode, content, targeting, frequency, created_at, updated_at) "
        "VALUES (:id, 1, :kind, 'r', true, 0, :slot, :selector, :mode, :content, '{}', '{}', '2026-01-01', '2026-01-01')")


def test_placements_become_exclusive_and_slots_stop_replacing(tmp_path):
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "clv_0008")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(SHOP), {"settings": "{}"})
            for row in [
                (1, "block", "home-hero", "article h1", "after"),  # the bug: a pre-filled slot and a typed selector
                (2, "block", "home-hero", None, "replace"),  # a slot, with the mode the old script ignored
                (3, "slider", None, "#main", "replace"),  # a selector the merchant set to replace
                (4, "popup", None, None, "replace"),
            ]:
                connection.execute(text(RULE), dict(zip(("id", "kind", "slot", "selector", "mode"), row), content="{}"))
        migrate.upgrade(url, "merchant_0009")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, slot, selector, mode FROM rules ORDER BY id")).all()
        engine.dispose()
        assert [tuple(row) for row in rows] == [
            (1, None, "article h1", "after"),
            (2, "home-hero", None, "append"),
            (3, None, "#main", "replace"),
            (4, None, None, "replace"),
        ]
    finally:
        cleanup()


def test_shop_wide_pins_and_boosts_move_onto_each_slider(tmp_path):
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "merchant_0009")
        engine = make_engine(url)
        stored = {"pins": ["P1", "P2"], "boost": {"tags": {"gift": 2.0}}, "exclude": {"products": ["X"]}}
        with engine.begin() as connection:
            connection.execute(text(SHOP), {"settings": json.dumps({"holdout_percent": 5, "recommendations": stored})})
            for rule_id, kind, content in [
                (1, "slider", {"strategy": "personalized"}),
                (2, "slider", {"strategy": "recently_viewed"}),
                (3, "slider", {"strategy": "similar", "pins": ["P9"]}),  # already its own
                (4, "block", {"html": "<p>x</p>"}),
            ]:
                connection.execute(text(RULE), {"id": rule_id, "kind": kind, "slot": "s", "selector": None, "mode": "append",
                                                "content": json.dumps(content)})
        migrate.upgrade(url, "merchant_0010")
        with engine.connect() as connection:
            contents = {row[0]: _json(row[1]) for row in connection.execute(text("SELECT id, content FROM rules ORDER BY id"))}
            settings = _json(connection.execute(text("SELECT settings FROM shops")).scalar())
        engine.dispose()
        assert contents[1] == {"strategy": "personalized", "pins": ["P1", "P2"], "boost": {"tags": {"gift": 2.0}}}
        assert contents[2] == {"strategy": "recently_viewed", "boost": {"tags": {"gift": 2.0}}}, "pins never applied there"
        assert contents[3] == {"strategy": "similar", "pins": ["P9"]}
        assert contents[4] == {"html": "<p>x</p>"}
        assert settings == {"holdout_percent": 5, "recommendations": {"exclude": {"products": ["X"]}}}
    finally:
        cleanup()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def test_profiles_get_the_order_before_their_last(tmp_path):
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "merchant_0010")
        engine = make_engine(url)
        profile = ("INSERT INTO profiles (id, shop_id, first_seen_at, last_seen_at, session_count, order_count, total_spend, cart_count, "
                   "cart_value, viewed_categories, last_order_at) VALUES (:id, 1, '2025-01-01', '2026-01-01', 1, :orders, 0, 0, 0, '{}', :last)")
        order = ("INSERT INTO orders (id, shop_id, external_id, profile_id, placed_at, total, source, created_at) "
                 "VALUES (:id, 1, :ext, :profile, :at, 10, 'import', '2026-01-01')")
        with engine.begin() as connection:
            connection.execute(text(SHOP), {"settings": "{}"})
            connection.execute(text(profile), {"id": 1, "orders": 3, "last": "2026-06-01 00:00:00"})
            connection.execute(text(profile), {"id": 2, "orders": 1, "last": "2026-05-01 00:00:00"})
            for n, (profile_id, at) in enumerate([(1, "2025-01-01 00:00:00"), (1, "2025-10-01 00:00:00"), (1, "2026-06-01 00:00:00"),
                                                  (2, "2026-05-01 00:00:00")]):
                connection.execute(text(order), {"id": n + 1, "ext": f"O{n}", "profile": profile_id, "at": at})
        migrate.upgrade(url, "merchant_0011")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, previous_order_at FROM profiles ORDER BY id")).all()
        engine.dispose()
        assert [(row[0], str(row[1])[:10] if row[1] else None) for row in rows] == [(1, "2025-10-01"), (2, None)]
    finally:
        cleanup()
