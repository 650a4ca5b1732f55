"""/admin/api/experiments: shops kept apart, variants checked against the rule."""
from __future__ import annotations

from tests.helpers.rules import make_rule


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_another_shops_experiment_is_a_404(client, db_session, make_shop):
    first, first_secret = make_shop("A")
    second, second_secret = make_shop("B")
    rule = make_rule(db_session, first, "popup")
    body = {"rule_id": rule.id, "name": "Test", "variants": [{"name": "A"}]}
    experiment = client.post("/admin/api/experiments", json=body, headers=auth(first_secret)).get_json()
    for method in ("get", "put", "delete"):
        response = getattr(client, method)(f"/admin/api/experiments/{experiment['id']}", json=body, headers=auth(second_secret))
        assert response.status_code == 404 and response.get_json() == {"error": "No such experiment."}, method
    assert client.get("/admin/api/experiments", headers=auth(second_secret)).get_json()["experiments"] == []
    assert client.get(f"/admin/api/experiments/{experiment['id']}", headers=auth(first_secret)).status_code == 200


def test_an_experiment_cannot_move_to_another_shops_rule(client, db_session, make_shop):
    first, first_secret = make_shop("A")
    second, _ = make_shop("B")
    rule = make_rule(db_session, first, "popup")
    theirs = make_rule(db_session, second, "popup")
    body = {"rule_id": rule.id, "name": "Test", "variants": [{"name": "A"}]}
    experiment = client.post("/admin/api/experiments", json=body, headers=auth(first_secret)).get_json()
    moved = client.put(f"/admin/api/experiments/{experiment['id']}", json={**body, "rule_id": theirs.id}, headers=auth(first_secret))
    assert moved.status_code == 400 and moved.get_json()["errors"] == {"rule_id": ["No such rule."]}
    assert client.get(f"/admin/api/experiments/{experiment['id']}", headers=auth(first_secret)).get_json()["rule_id"] == rule.id
