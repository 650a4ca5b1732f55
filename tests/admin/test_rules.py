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
