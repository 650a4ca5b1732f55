"""/admin/api/segments: CRUD with field messages, shops kept apart, targeted segments kept."""
from __future__ import annotations


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


BUYERS = {"name": "Buyers", "conditions": [{"field": "order_count", "op": "gte", "value": 1}]}


def test_create_read_replace_delete(client, make_shop):
    shop, secret = make_shop()
    created = client.post("/admin/api/segments", json=BUYERS, headers=auth(secret))
    assert created.status_code == 201
    segment = created.get_json()
    assert client.get(f"/admin/api/segments/{segment['id']}", headers=auth(secret)).get_json()["count"] == 0
    replaced = client.put(f"/admin/api/segments/{segment['id']}", json={**BUYERS, "match": "any"}, headers=auth(secret))
    assert replaced.status_code == 200 and replaced.get_json()["match"] == "any"
    bad = client.put(f"/admin/api/segments/{segment['id']}", json={"name": "", "conditions": []}, headers=auth(secret))
    assert bad.status_code == 400 and {"name", "conditions"} <= set(bad.get_json()["errors"])
    assert client.delete(f"/admin/api/segments/{segment['id']}", headers=auth(secret)).status_code == 204
    assert client.get(f"/admin/api/segments/{segment['id']}", headers=auth(secret)).status_code == 404


def test_another_shops_segment_is_a_404(client, make_shop):
    first, first_secret = make_shop("A")
    second, second_secret = make_shop("B")
    segment = client.post("/admin/api/segments", json=BUYERS, headers=auth(first_secret)).get_json()
    for method in ("get", "put", "delete"):
        response = getattr(client, method)(f"/admin/api/segments/{segment['id']}", json=BUYERS, headers=auth(second_secret))
        assert response.status_code == 404 and response.get_json() == {"error": "No such segment."}, method
    assert client.get("/admin/api/segments", headers=auth(second_secret)).get_json()["segments"] == []
    assert client.get(f"/admin/api/segments/{segment['id']}", headers=auth(first_secret)).status_code == 200


def test_a_segment_a_widget_targets_cannot_be_deleted(client, make_shop):
    shop, secret = make_shop()
    segment = client.post("/admin/api/segments", json=BUYERS, headers=auth(secret)).get_json()
    rule = {"kind": "popup", "name": "For buyers", "content": {"headline": "Hi"}, "targeting": {"segments": [segment["id"]]}}
    assert client.post("/admin/api/rules", json=rule, headers=auth(secret)).status_code == 201
    refused = client.delete(f"/admin/api/segments/{segment['id']}", headers=auth(secret))
    assert refused.status_code == 409 and "For buyers" in refused.get_json()["error"]
    assert client.get(f"/admin/api/segments/{segment['id']}", headers=auth(secret)).status_code == 200
