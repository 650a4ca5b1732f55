"""The segment editor offers the lifetime-value traits and counts them live."""
from __future__ import annotations

from datetime import UTC, datetime

from app.clv.refresh import refresh_shop_clv
from tests.clv.simulate import simulate_purchases, stock_shop

NOW = datetime(2025, 12, 31, 12, tzinfo=UTC)


def test_top_clv_customers_are_counted_live_in_the_editor(signed_in, db_session):
    stock_shop(db_session, signed_in.shop, simulate_purchases(200, days=364, r=0.5, alpha=40.0, a=0.9, b=1.5, seed=8))
    refresh_shop_clv(db_session, signed_in.shop.id, now=NOW)
    db_session.commit()
    editor = signed_in.get("/settings/segments/new").get_data(as_text=True)
    assert 'value="clv_percentile"' in editor and 'value="p_alive"' in editor
    top = {"name": "Top CLV", "match": "all", "conditions.0.field": "clv_percentile", "conditions.0.op": "gte",
           "conditions.0.value": "90"}
    assert signed_in.post("/settings/segments/count", top).get_json() == {"count": 20, "errors": {}}
