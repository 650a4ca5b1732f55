"""/admin/api/stats: personalized against holdout within each band of predicted CLV."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import Assignment, Profile, VisitorId
from tests.helpers.events import event

PERCENTILES = [95.0, 70.0, 20.0, None]  # top 10%, 50-90%, bottom 50%, not predicted


def test_uplift_is_reported_per_clv_band(client, db_session, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 50})
    now = utcnow()
    visitors = [f"v{n}" for n in range(80)]
    ingest_batch(db_session, shop.id, [event("page_view", v, ts=(now - timedelta(hours=3)).isoformat()) for v in visitors],
                 sent_at=None, received_at=now)
    db_session.commit()
    for visitor in visitors:
        assert client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": visitor}).status_code == 200
    profile_of = dict(db_session.execute(select(VisitorId.visitor_id, VisitorId.profile_id)).all())
    held_out = {unit[2:] for unit in db_session.scalars(select(Assignment.unit_id).where(Assignment.arm == "holdout"))}
    for n, visitor in enumerate(visitors):
        db_session.get(Profile, profile_of[visitor]).clv_percentile = PERCENTILES[n % 4]
    buyers = [v for n, v in enumerate(visitors) if n % 4 == 0 or (n % 4 == 2 and n % 8 == 2)]
    store_new_orders(db_session, shop.id, [OrderData(f"O-{v}", now - timedelta(hours=1), None, profile_of[v], total=Decimal(40))
                                           for v in buyers], "storefront")
    db_session.commit()

    bands = client.get("/admin/api/stats", headers={"Authorization": f"Bearer {secret}"}).get_json()["by_clv_band"]
    assert [band["band"] for band in bands] == ["top_10", "p50_90", "bottom_50", "unknown"]
    for index, band in enumerate(bands):
        members = [v for n, v in enumerate(visitors) if n % 4 == index]
        assert band["personalized"]["visitors"] == sum(v not in held_out for v in members)
        assert band["holdout"]["visitors"] == sum(v in held_out for v in members)
        bought = [v for v in members if v in buyers]
        assert band["personalized"]["converting_visitors"] == sum(v not in held_out for v in bought)
        assert band["holdout"]["converting_visitors"] == sum(v in held_out for v in bought)
        assert band["personalized"]["revenue"] == 40.0 * sum(v not in held_out for v in bought)
        assert set(band["uplift"]) >= {"conversion_uplift", "revenue_uplift"} and band["label"]
    assert bands[1]["personalized"]["converting_visitors"] == bands[3]["holdout"]["converting_visitors"] == 0
