"""Segments on lifetime value: "top 10% predicted CLV" and the win-back audience "p_alive < 0.3",
counted live and targeted by a rule, for known customers on /v1/decide."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.clv.refresh import refresh_shop_clv
from app.ingest.events import ingest_batch
from app.journey.segments import matches, profile_traits
from app.models import Profile
from tests.clv.simulate import simulate_purchases, stock_shop
from tests.helpers.events import event

NOW = datetime(2025, 12, 31, 12, tzinfo=UTC)
TOP_TENTH = {"name": "Top 10% predicted CLV", "conditions": [{"field": "clv_percentile", "op": "gte", "value": 90}]}
WIN_BACK = {"name": "Probably gone", "conditions": [{"field": "p_alive", "op": "lt", "value": 0.3}]}


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("condition, traits, expected", [
    ({"field": "clv_percentile", "op": "gte", "value": 90}, {"clv_percentile": 93.5}, True),
    ({"field": "clv_percentile", "op": "gte", "value": 90}, {"clv_percentile": 89.9}, False),
    ({"field": "p_alive", "op": "lt", "value": 0.3}, {"p_alive": 0.12}, True),
    ({"field": "p_alive", "op": "lt", "value": 0.3}, {"p_alive": None}, False),  # unknown is not "probably gone"
    ({"field": "predicted_clv", "op": "is_not_set"}, {"predicted_clv": None}, True),
    ({"field": "expected_orders_90d", "op": "gt", "value": 1}, {"expected_orders_90d": 1.4}, True),
    ({"field": "average_order_value", "op": "gte", "value": 50}, {"average_order_value": 49.99}, False),
    ({"field": "tenure_days", "op": "gt", "value": 365}, {"tenure_days": 400}, True),
])
def test_clv_conditions(condition, traits, expected):
    assert matches("all", [condition], traits, NOW) is expected


@pytest.fixture
def clv_shop(db_session, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 0})
    profiles = stock_shop(db_session, shop, simulate_purchases(300, days=364, r=0.5, alpha=40.0, a=0.9, b=1.5, seed=8))
    assert refresh_shop_clv(db_session, shop.id, now=NOW).status == "fitted"
    db_session.commit()
    return shop, secret, [db_session.get(Profile, p.id) for p in profiles.values()]


def test_clv_segments_count_live_through_the_api(client, db_session, clv_shop):
    _shop, secret, buyers = clv_shop
    top = client.post("/admin/api/segments/count", json=TOP_TENTH, headers=auth(secret))
    assert top.status_code == 200 and top.get_json() == {"count": 30}
    gone = sum(1 for p in buyers if p.p_alive < 0.3)
    assert 0 < gone < len(buyers)
    assert client.post("/admin/api/segments/count", json=WIN_BACK, headers=auth(secret)).get_json() == {"count": gone}
    bad = client.post("/admin/api/segments/count", json={"name": "x", "conditions": [
        {"field": "p_alive", "op": "lt", "value": "low"}]}, headers=auth(secret))
    assert bad.status_code == 400 and "value" in bad.get_json()["errors"]["conditions"]["0"]
    assert profile_traits(buyers[0], utcnow())["clv_percentile"] == buyers[0].clv_percentile


def test_a_rule_targeting_top_clv_customers_shows_to_them_only(client, db_session, clv_shop):
    shop, secret, buyers = clv_shop
    segment = client.post("/admin/api/segments", json=TOP_TENTH, headers=auth(secret))
    assert segment.status_code == 201
    assert client.get(f"/admin/api/segments/{segment.get_json()['id']}", headers=auth(secret)).get_json()["count"] == 30
    rule = client.post("/admin/api/rules", headers=auth(secret), json={
        "kind": "block", "name": "VIP early access", "slot": "home-hero", "content": {"html": "<p>Early access for you</p>"},
        "targeting": {"segments": [segment.get_json()["id"]]},
    })
    assert rule.status_code == 201, rule.get_json()
    best = max(buyers, key=lambda p: p.clv_percentile)
    lowest = min(buyers, key=lambda p: p.clv_percentile)
    ingest_batch(db_session, shop.id, [event("identify", "vip-browser", customer_id=best.customer_id),
                                       event("identify", "other-browser", customer_id=lowest.customer_id)],
                 sent_at=None, received_at=utcnow())
    db_session.commit()

    def blocks(visitor):
        response = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": visitor, "url": "https://shop.example/"})
        assert response.status_code == 200
        return [block["html"] for block in response.get_json()["blocks"]]

    assert blocks("vip-browser") == ["<p>Early access for you</p>"]
    assert blocks("other-browser") == []
    assert blocks("someone-new") == []
    assert db_session.scalar(select(Profile.clv_percentile).where(Profile.customer_id == best.customer_id)) >= 90
