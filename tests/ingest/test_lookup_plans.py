"""On PostgreSQL, a batch looks its visitors up by one index probe per visitor id, whatever the statistics say.

With ``visitor_id = ANY(...)`` the planner read every visitor id of the shop and filtered them when its
statistics made the shop look small (a new shop, a table analyzed when it was nearly empty): a batch
then cost as much as the shop had visitors (~50 us of server CPU per event in benchmarks/ingest.py).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.clock import utcnow
from app.ingest import bulk, identity
from app.ingest.events import ingest_batch
from tests.helpers.events import event


def rows_read(node: dict, relation: str) -> int:
    """Rows the plan read from ``relation``: those returned and those its filters threw away."""
    found = 0
    if node.get("Relation Name") == relation:
        found += node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return found + sum(rows_read(child, relation) for child in node.get("Plans", []))


def test_a_batch_reads_only_its_own_visitors_rows_of_a_big_shop(db_session, make_shop):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner property")
    shop, _ = make_shop("Plan shop")
    ingest_batch(db_session, shop.id, [event(visitor_id="first")], sent_at=None, received_at=utcnow())
    db_session.commit()
    db_session.execute(text("ANALYZE visitor_ids"))  # statistics from when the shop was one visitor
    for start in range(0, 2000, 500):
        ingest_batch(db_session, shop.id, [event(visitor_id=f"v-{n}") for n in range(start, start + 500)], sent_at=None, received_at=utcnow())
    db_session.commit()
    wanted = [f"v-{n}" for n in range(0, 2000, 100)]
    statement = identity._visitor_profiles(db_session).compile(dialect=db_session.get_bind().dialect)
    plan = db_session.connection().exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}",
        {**statement.params, "shop_id": shop.id, "visitor_ids": bulk.in_values(db_session, wanted)},
    ).scalar()
    plan = json.loads(json.dumps(plan))[0]["Plan"]
    assert rows_read(plan, "visitor_ids") == len(wanted), json.dumps(plan, indent=1)[:4000]
