"""The admin API under hostile input: ids no table can hold, numbers and dates past any bound, JSON nested past any parser."""
from __future__ import annotations

import pytest

from app.schemas.json_values import NOT_FINITE

HUGE = 10**30


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("method, path", [
    ("get", "/admin/api/rules/{id}"), ("put", "/admin/api/rules/{id}"), ("patch", "/admin/api/rules/{id}"),
    ("delete", "/admin/api/rules/{id}"), ("get", "/admin/api/rules/{id}/preview"),
    ("get", "/admin/api/segments/{id}"), ("put", "/admin/api/segments/{id}"), ("delete", "/admin/api/segments/{id}"),
    ("get", "/admin/api/experiments/{id}"), ("put", "/admin/api/experiments/{id}"), ("delete", "/admin/api/experiments/{id}"),
])
@pytest.mark.parametrize("record_id", [HUGE, 2**31, 2**63])
def test_an_id_no_table_can_hold_is_a_404(client, make_shop, method, path, record_id):
    shop, secret = make_shop()
    response = getattr(client, method)(path.format(id=record_id), json={}, headers=auth(secret))
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize("query, field", [
    ({"from": "0001-01-01T00:00:00Z"}, "from"),
    ({"to": "9999-12-31T23:59:59Z"}, "to"),
    ({"rule": HUGE}, "rule"),
])
def test_stats_with_an_impossible_period_or_rule_is_a_400(client, make_shop, query, field):
    shop, secret = make_shop()
    response = client.get("/admin/api/stats", query_string=query, headers=auth(secret))
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("query", [{"offset": HUGE}, {"limit": HUGE}, {"offset": -HUGE}])
def test_a_product_page_past_any_bound_is_still_answered(client, make_shop, query):
    shop, secret = make_shop()
    response = client.get("/admin/api/products", query_string=query, headers=auth(secret))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value, message", [
    ([{}], "in"), ([["nested"]], "in"), ([None], "in"), (["x" * 300], "in"),
])
def test_a_segment_list_value_must_be_short_texts(client, make_shop, value, message):
    shop, secret = make_shop()
    body = {"name": "S", "conditions": [{"field": "stage", "op": message, "value": value}]}
    response = client.post("/admin/api/segments", json=body, headers=auth(secret))
    assert response.status_code == 400
    assert "value" in response.get_json()["errors"]["conditions"]["0"]


@pytest.mark.parametrize("condition", [
    {"field": "order_count", "op": "gt", "value": 1e999},
    {"field": "last_seen_at", "op": "within_days", "value": 1e300},
    {"field": "last_seen_at", "op": "within_days", "value": -3},
    {"field": "first_seen_at", "op": "before", "value": "0001-01-01T00:00:00+05:00"},
    {"field": "stage", "op": "eq", "value": "x" * 300},
])
def test_segment_numbers_days_and_dates_are_bounded(client, make_shop, condition):
    shop, secret = make_shop()
    response = client.post("/admin/api/segments", json={"name": "S", "conditions": [condition]}, headers=auth(secret))
    assert response.status_code == 400
    errors = response.get_json()["errors"]["conditions"]
    # Infinity (1e999) is refused before the conditions are read, under the field's name.
    assert errors == [NOT_FINITE] if condition["value"] == float("inf") else "value" in errors["0"]


def test_segment_count_of_a_malformed_definition_is_a_400(client, make_shop):
    shop, secret = make_shop()
    body = {"name": "S", "conditions": [{"field": "stage", "op": "in", "value": [{}]}]}
    assert client.post("/admin/api/segments/count", json=body, headers=auth(secret)).status_code == 400


@pytest.mark.parametrize("path", ["/admin/api/rules", "/admin/api/segments", "/admin/api/products", "/admin/api/experiments"])
def test_a_body_nested_past_any_parser_is_a_400(client, make_shop, path):
    shop, secret = make_shop()
    response = client.post(path, data="[" * 50_000 + "]" * 50_000, content_type="application/json", headers=auth(secret))
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]


def test_deeply_nested_rule_content_is_a_field_error(client, make_shop):
    shop, secret = make_shop()
    nested: dict = {}
    for _ in range(500):
        nested = {"x": nested}
    body = {"kind": "popup", "name": "n", "content": {"headline": "Hi", "extra": nested}}
    response = client.post("/admin/api/rules", json=body, headers=auth(secret))
    assert response.status_code == 400
    assert "content" in response.get_json()["errors"]


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
def test_text_no_database_can_store_is_a_field_error(client, make_shop, text):
    shop, secret = make_shop()
    response = client.post("/admin/api/segments", json={"name": text, "conditions": [{"field": "stage", "op": "eq", "value": "loyal"}]},
                           headers=auth(secret))
    assert response.status_code == 400
    assert "name" in response.get_json()["errors"]


@pytest.mark.parametrize("segments", [[HUGE], [2**31], [0]])
def test_a_rule_targeting_an_impossible_segment_id_is_a_400(client, make_shop, segments):
    shop, secret = make_shop()
    body = {"kind": "popup", "name": "n", "content": {"headline": "Hi"}, "targeting": {"segments": segments}}
    response = client.post("/admin/api/rules", json=body, headers=auth(secret))
    assert response.status_code == 400
    assert "segments" in response.get_json()["errors"]["targeting"]


def test_an_experiment_for_an_impossible_rule_id_is_a_400(client, make_shop):
    shop, secret = make_shop()
    body = {"rule_id": HUGE, "name": "t", "variants": [{"name": "a"}]}
    response = client.post("/admin/api/experiments", json=body, headers=auth(secret))
    assert response.status_code == 400
    assert "rule_id" in response.get_json()["errors"]


def test_a_rule_targeting_another_shops_segment_is_refused_on_every_route(client, make_shop):
    mine, my_secret = make_shop("Mine")
    theirs, their_secret = make_shop("Theirs")
    segment = client.post("/admin/api/segments", json={"name": "Their buyers", "conditions": [{"field": "order_count", "op": "gte", "value": 1}]},
                          headers=auth(their_secret)).get_json()
    rule = {"kind": "popup", "name": "n", "content": {"headline": "Hi"}}
    created = client.post("/admin/api/rules", json=rule, headers=auth(my_secret)).get_json()
    targeting = {"targeting": {"segments": [segment["id"]]}}
    for response in (
        client.post("/admin/api/rules", json={**rule, **targeting}, headers=auth(my_secret)),
        client.put(f"/admin/api/rules/{created['id']}", json={**rule, **targeting}, headers=auth(my_secret)),
        client.patch(f"/admin/api/rules/{created['id']}", json=targeting, headers=auth(my_secret)),
    ):
        assert response.status_code == 400
        assert "segments" in response.get_json()["errors"]["targeting"]
