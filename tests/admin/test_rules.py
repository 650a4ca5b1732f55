"""/admin/api/rules: CRUD, validation with field messages, sanitized HTML, shops kept apart."""


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


BLOCK = {
    "kind": "block", "name": "Welcome", "slot": "home-hero", "priority": 5,
    "content": {"html": '<h2 onclick="steal()">Hi {{first_name}}</h2><script>alert(1)</script><a href="javascript:x()">x</a><img src="https://cdn.example/a.png" onerror="y()">'},
    "targeting": {"stages": ["new_visitor"], "page_kinds": ["home"]},
}


def test_create_read_update_delete(client, make_shop):
    shop, secret = make_shop()
    created = client.post("/admin/api/rules", json=BLOCK, headers=auth(secret))
    assert created.status_code == 201, created.get_json()
    rule = created.get_json()
    html = rule["content"]["html"]
    assert "<script" not in html and "onclick" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h2>Hi {{first_name}}</h2>" in html and 'src="https://cdn.example/a.png"' in html
    assert client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).get_json()["name"] == "Welcome"
    patched = client.patch(f"/admin/api/rules/{rule['id']}", json={"enabled": False}, headers=auth(secret))
    assert patched.status_code == 200 and patched.get_json()["enabled"] is False
    assert [r["id"] for r in client.get("/admin/api/rules", headers=auth(secret)).get_json()["rules"]] == [rule["id"]]
    assert client.delete(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).status_code == 204
    assert client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).status_code == 404


def test_invalid_rules_get_field_messages_and_change_nothing(client, make_shop):
    shop, secret = make_shop()
    rule = client.post("/admin/api/rules", json=BLOCK, headers=auth(secret)).get_json()
    bad = client.put(
        f"/admin/api/rules/{rule['id']}",
        json={"kind": "popup", "name": "", "content": {"coupon": ""}, "targeting": {"stages": ["whale"]}},
        headers=auth(secret),
    )
    assert bad.status_code == 400
    errors = bad.get_json()["errors"]
    assert {"name", "content", "targeting"} <= set(errors)
    assert "headline" in errors["content"] and "stages" in errors["targeting"]
    assert client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).get_json()["kind"] == "block"
    no_place = client.post("/admin/api/rules", json={"kind": "slider", "name": "s", "content": {}}, headers=auth(secret))
    assert no_place.status_code == 400 and "slot" in no_place.get_json()["errors"]


def test_another_shops_rule_is_a_404(client, make_shop):
    first, first_secret = make_shop("A")
    second, second_secret = make_shop("B")
    rule = client.post("/admin/api/rules", json=BLOCK, headers=auth(first_secret)).get_json()
    for method in ("get", "put", "patch", "delete"):
        response = getattr(client, method)(f"/admin/api/rules/{rule['id']}", json=BLOCK, headers=auth(second_secret))
        assert response.status_code == 404, method
    assert client.get("/admin/api/rules", headers=auth(second_secret)).get_json()["rules"] == []


def _segment(client, secret, name="Buyers"):
    body = {"name": name, "conditions": [{"field": "order_count", "op": "gte", "value": 1}]}
    created = client.post("/admin/api/segments", json=body, headers=auth(secret))
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def test_targeting_another_shops_segment_or_a_missing_one_is_refused(client, make_shop):
    shop, secret = make_shop("A")
    other, other_secret = make_shop("B")
    own = _segment(client, secret)
    theirs = _segment(client, other_secret, "Theirs")
    for segments in ([theirs], [own, theirs], [own + theirs + 1000]):
        body = {**BLOCK, "targeting": {"segments": segments}}
        refused = client.post("/admin/api/rules", json=body, headers=auth(secret))
        assert refused.status_code == 400, segments
        assert refused.get_json()["errors"] == {"targeting": {"segments": [f"No such segment: {segments[-1]}."]}}
    assert client.get("/admin/api/rules", headers=auth(secret)).get_json()["rules"] == []
    rule = client.post("/admin/api/rules", json={**BLOCK, "targeting": {"segments": [own]}}, headers=auth(secret)).get_json()
    assert rule["targeting"]["segments"] == [own]
    for method in ("put", "patch"):
        body = {**BLOCK, "targeting": {"segments": [theirs]}} if method == "put" else {"targeting": {"segments": [theirs]}}
        response = getattr(client, method)(f"/admin/api/rules/{rule['id']}", json=body, headers=auth(secret))
        assert response.status_code == 400 and "segments" in response.get_json()["errors"]["targeting"], method
    assert client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).get_json()["targeting"]["segments"] == [own]


POPUP = {"kind": "popup", "name": "Exit coupon", "content": {"headline": "Wait!", "coupon": "TEN"}}
TEST = {"name": "Coupon test", "holdout": 0.1,
        "variants": [{"name": "ten", "weight": 1}, {"name": "fifteen", "weight": 3, "content": {"coupon": "FIFTEEN"}}]}


def test_a_rule_and_its_experiment_are_saved_in_one_request(client, make_shop):
    shop, secret = make_shop()
    created = client.post("/admin/api/rules", json={**POPUP, "experiment": TEST}, headers=auth(secret))
    assert created.status_code == 201, created.get_json()
    rule = created.get_json()
    [experiment] = client.get("/admin/api/experiments", headers=auth(secret)).get_json()["experiments"]
    assert experiment["rule_id"] == rule["id"] and experiment["name"] == "Coupon test" and experiment["holdout"] == 0.1
    assert [v["content"] for v in experiment["variants"]] == [{}, {"coupon": "FIFTEEN"}]
    # Without "experiment" the rule's test is left alone; with null it ends.
    assert client.patch(f"/admin/api/rules/{rule['id']}", json={"priority": 3}, headers=auth(secret)).status_code == 200
    assert len(client.get("/admin/api/experiments", headers=auth(secret)).get_json()["experiments"]) == 1
    assert client.patch(f"/admin/api/rules/{rule['id']}", json={"experiment": None}, headers=auth(secret)).status_code == 200
    assert client.get("/admin/api/experiments", headers=auth(secret)).get_json()["experiments"] == []


def test_a_bad_experiment_saves_neither_the_rule_nor_the_experiment(client, make_shop):
    shop, secret = make_shop()
    both_bad = client.post("/admin/api/rules", json={**POPUP, "name": "", "experiment": {**TEST, "holdout": 2}}, headers=auth(secret))
    assert both_bad.status_code == 400
    assert "name" in both_bad.get_json()["errors"] and "holdout" in both_bad.get_json()["errors"]["experiment"]
    bad_variant = {**TEST, "variants": [{"name": "A", "content": {"headline": ""}}]}
    response = client.post("/admin/api/rules", json={**POPUP, "experiment": bad_variant}, headers=auth(secret))
    assert response.status_code == 400
    assert "headline" in response.get_json()["errors"]["experiment"]["variants"]["0"]["content"]
    assert client.get("/admin/api/rules", headers=auth(secret)).get_json()["rules"] == []
    assert client.get("/admin/api/experiments", headers=auth(secret)).get_json()["experiments"] == []
    not_an_object = client.post("/admin/api/rules", json={**POPUP, "experiment": "A/B"}, headers=auth(secret))
    assert not_an_object.status_code == 400 and "experiment" in not_an_object.get_json()["errors"]


def test_a_block_may_use_the_restock_template_without_html_and_gets_its_reserved_height(client, make_shop):
    shop, secret = make_shop()
    body = {"kind": "block", "name": "Restock", "slot": "home-hero", "content": {"template": "restock"}}
    created = client.post("/admin/api/rules", json=body, headers=auth(secret))
    assert created.status_code == 201, created.get_json()
    content = created.get_json()["content"]
    assert (content["template"], content["html"], content["min_height"]) == ("restock", "", 64)
    linked = {**body, "content": {"template": "restock", "html": '<p>{{restock_title}} <a href="{{restock_url}}" onclick="x()">Again</a></p>'}}
    html = client.post("/admin/api/rules", json=linked, headers=auth(secret)).get_json()["content"]["html"]
    assert html == '<p>{{restock_title}} <a href="{{restock_url}}" rel="noopener noreferrer">Again</a></p>', "the link survives sanitizing"
    unknown = client.post("/admin/api/rules", json={**body, "content": {"template": "refill"}}, headers=auth(secret))
    assert unknown.status_code == 400 and "template" in unknown.get_json()["errors"]["content"]
