def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_rules_round_trip_and_invalid_rules_change_nothing(client, make_shop):
    shop, secret = make_shop()
    rules = {"pins": ["A"], "exclude": {"tags": ["sale"]}, "boost": {"categories": {"Mugs": 2.5}}}
    saved = client.put("/admin/api/recommendation-rules", json=rules, headers=auth(secret))
    assert saved.status_code == 200
    assert saved.get_json()["boost"]["categories"] == {"Mugs": 2.5}
    bad = client.put("/admin/api/recommendation-rules", json={"boost": {"products": {"A": -1}}, "pins": "A"}, headers=auth(secret))
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"boost", "pins"}
    current = client.get("/admin/api/recommendation-rules", headers=auth(secret)).get_json()
    assert current["pins"] == ["A"] and current["exclude"]["tags"] == ["sale"]


def test_rules_need_the_secret_key(client, make_shop):
    make_shop()
    assert client.put("/admin/api/recommendation-rules", json={}).status_code == 401
