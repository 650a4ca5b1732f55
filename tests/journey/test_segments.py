"""Segment conditions on plain trait dicts, and the admin API's live count."""
from datetime import UTC, datetime, timedelta

import pytest

from app.journey.segments import matches

NOW = datetime(2026, 11, 23, tzinfo=UTC)
TRAITS = {
    "stage": "loyal", "traffic_class": "email", "device": "mobile", "country": "DE", "session_count": 9,
    "order_count": 4, "total_spend": 310.5, "cart_count": 0, "cart_value": 0.0, "days_since_last_order": 12,
    "top_categories": ["Kitchen", "Lighting"], "first_seen_at": NOW - timedelta(days=400),
    "last_seen_at": NOW - timedelta(days=1), "last_order_at": NOW - timedelta(days=12),
}


@pytest.mark.parametrize("condition, expected", [
    ({"field": "order_count", "op": "gte", "value": 4}, True),
    ({"field": "total_spend", "op": "gt", "value": 500}, False),
    ({"field": "stage", "op": "in", "value": ["loyal", "first_time_buyer"]}, True),
    ({"field": "country", "op": "eq", "value": "de"}, True),
    ({"field": "traffic_class", "op": "ne", "value": "email"}, False),
    ({"field": "device", "op": "starts_with", "value": "mob"}, True),
    ({"field": "top_categories", "op": "contains", "value": "kitchen"}, True),
    ({"field": "top_categories", "op": "any_of", "value": ["Garden", "Toys"]}, False),
    ({"field": "last_order_at", "op": "within_days", "value": 30}, True),
    ({"field": "first_seen_at", "op": "before", "value": "2026-01-01"}, True),
    ({"field": "days_since_last_order", "op": "lt", "value": 10}, False),
])
def test_each_operator(condition, expected):
    assert matches("all", [condition], TRAITS, NOW) is expected


def test_all_and_any_and_unknown_values():
    conditions = [{"field": "order_count", "op": "gte", "value": 10}, {"field": "stage", "op": "eq", "value": "loyal"}]
    assert not matches("all", conditions, TRAITS, NOW)
    assert matches("any", conditions, TRAITS, NOW)
    assert matches("all", [{"field": "last_order_at", "op": "is_not_set"}], {"last_order_at": None}, NOW)
    assert not matches("all", [{"field": "order_count", "op": "gt", "value": 0}], {}, NOW)


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_segments_api_validates_counts_and_scopes(client, make_shop, db_session):
    from app.clock import utcnow
    from app.ingest.events import ingest_batch
    from tests.helpers.events import event

    shop, secret = make_shop()
    other, other_secret = make_shop("B")
    ingest_batch(db_session, shop.id, [event(visitor_id="a"), event(visitor_id="b"), event("add_to_cart", "b", product_id="X")],
                 sent_at=None, received_at=utcnow())
    db_session.commit()
    carts = {"name": "Has a cart", "conditions": [{"field": "cart_count", "op": "gt", "value": 0}]}
    assert client.post("/admin/api/segments/count", json=carts, headers=auth(secret)).get_json() == {"count": 1}
    created = client.post("/admin/api/segments", json=carts, headers=auth(secret))
    assert created.status_code == 201
    segment_id = created.get_json()["id"]
    assert client.get(f"/admin/api/segments/{segment_id}", headers=auth(secret)).get_json()["count"] == 1
    assert client.get(f"/admin/api/segments/{segment_id}", headers=auth(other_secret)).status_code == 404
    bad = client.post("/admin/api/segments", json={"name": "x", "conditions": [
        {"field": "cart_count", "op": "contains", "value": 1}, {"field": "shoe_size", "op": "eq", "value": 9},
        {"field": "order_count", "op": "gt", "value": "many"}]}, headers=auth(secret))
    assert bad.status_code == 400
    errors = bad.get_json()["errors"]["conditions"]
    assert set(errors) == {"0", "1", "2"} and "op" in errors["0"] and "field" in errors["1"] and "value" in errors["2"]


@pytest.mark.parametrize("condition", [
    {"field": "stage", "op": "in", "value": [{}]},
    {"field": "stage", "op": "in", "value": "loyal"},
    {"field": "order_count", "op": "gt", "value": {"a": 1}},
    {"field": "order_count", "op": "gt", "value": "many"},
    {"field": "last_order_at", "op": "within_days", "value": 1e300},
    {"field": "last_order_at", "op": "within_days", "value": float("nan")},
    {"field": "first_seen_at", "op": "before", "value": "yesterday"},
    {"field": "first_seen_at", "op": "before", "value": 5},
    {"field": "top_categories", "op": "any_of", "value": [[]]},
    {"field": "stage", "op": "teleports", "value": 1},
    {"op": "eq"},
    "not an object",
])
def test_a_malformed_stored_condition_never_matches_and_never_raises(condition):
    assert matches("all", [condition], TRAITS, NOW) is False
    assert matches("any", [condition], TRAITS, NOW) is False
