from app.schemas.recommendations import PER_SLIDER


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_exclusions_round_trip_and_invalid_rules_change_nothing(client, make_shop):
    shop, secret = make_shop()
    rules = {"exclude": {"tags": ["sale"], "categories": ["Gift cards"]}}
    saved = client.put("/admin/api/recommendation-rules", json=rules, headers=auth(secret))
    assert saved.status_code == 200
    assert saved.get_json() == {"exclude": {"tags": ["sale"], "categories": ["Gift cards"], "products": []}}
    bad = client.put("/admin/api/recommendation-rules", json={"exclude": {"tags": "sale"}}, headers=auth(secret))
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"exclude"}
    assert client.get("/admin/api/recommendation-rules", headers=auth(secret)).get_json()["exclude"]["tags"] == ["sale"]


def test_pins_and_boosts_are_per_slider_now(client, make_shop):
    shop, secret = make_shop()
    refused = client.put("/admin/api/recommendation-rules", json={"pins": ["A"], "boost": {"categories": {"Mugs": 2.5}}}, headers=auth(secret))
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == {"pins": [PER_SLIDER], "boost": [PER_SLIDER]}
    # The former whole document, with nothing pinned or boosted, is still accepted.
    empty = {"pins": [], "boost": {"products": {}, "tags": {}, "categories": {}}, "exclude": {"products": ["B"]}}
    assert client.put("/admin/api/recommendation-rules", json=empty, headers=auth(secret)).status_code == 200


def test_rules_need_the_secret_key(client, make_shop):
    make_shop()
    assert client.put("/admin/api/recommendation-rules", json={}).status_code == 401
