"""On PostgreSQL, the journey map's query computes each shopper aggregate once, even before the tables have statistics.

A freshly imported shop has no statistics until autovacuum's first ANALYZE;
PostgreSQL then estimates one row everywhere and, unless told otherwise, runs
each per-profile aggregate inside nested loops once per outer row: the demo
history's journey map then took more than 15 minutes instead of a second.
"""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.journey.moves import moves_query
from app.journey.stages import StageThresholds
from tests.helpers.events import event
from tests.helpers.stats_history import profile_of

RERUN_WHEN_INNER = {"Aggregate", "WindowAgg"}


def aggregates_rerun_per_row(node: dict, inner: bool = False) -> list[str]:
    """Aggregate nodes on the inner side of a nested loop (run again for each outer row)."""
    found = [node["Node Type"]] if inner and node["Node Type"] in RERUN_WHEN_INNER else []
    for child in node.get("Plans", []):
        rerun = inner or (node["Node Type"] == "Nested Loop" and child.get("Parent Relationship") == "Inner")
        found += aggregates_rerun_per_row(child, rerun and child.get("Parent Relationship") not in ("InitPlan", "SubPlan"))
    return found


def test_each_aggregate_of_the_two_moment_query_runs_once_without_statistics(db_session, make_shop):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner property")
    shop, _ = make_shop("Plan shop")
    now = utcnow()
    for n in range(20):
        visitor, when = f"v{n}", now - timedelta(days=40 - n)
        ingest_batch(db_session, shop.id, [event("page_view", visitor, ts=when.isoformat()),
                                           event("add_to_cart", visitor, ts=when.isoformat(), product_id="P1")],
                     sent_at=None, received_at=when)
        if n % 2:
            store_new_orders(db_session, shop.id, [OrderData(f"O{n}", when, None, profile_of(db_session, shop, visitor),
                                                             total=Decimal(10))], "storefront")
    db_session.commit()
    query = moves_query("postgresql", shop.id, now - timedelta(days=30), now - timedelta(days=5), now, StageThresholds())
    sql = query.compile(dialect=db_session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = json.loads(json.dumps(db_session.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar()))[0]["Plan"]
    assert aggregates_rerun_per_row(plan) == [], json.dumps(plan, indent=1)[:4000]
