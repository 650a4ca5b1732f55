"""/admin/api/rules: a slider's own pins and boosts, checked against the shop's catalog."""
from __future__ import annotations

from app.models import Product


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def slider(**content):
    return {"kind": "slider", "name": "Home", "slot": "home-recommendations", "content": {"strategy": "trending", **content}}


def test_pins_and_boosts_are_saved_on_the_slider(client, db_session, make_shop):
    shop, secret = make_shop()
    db_session.add_all([Product(shop_id=shop.id, external_id=pid, title=pid, tags=[]) for pid in ("A", "B")])
    db_session.commit()
    saved = client.post("/admin/api/rules", json=slider(pins=["B", "A"], boost={"products": {"A": 3}, "tags": {"gift": 2}}),
                        headers=auth(secret))
    assert saved.status_code == 201, saved.get_json()
    content = saved.get_json()["content"]
    assert content["pins"] == ["B", "A"] and content["boost"] == {"products": {"A": 3.0}, "tags": {"gift": 2.0}, "categories": {}}


def test_unknown_products_and_pins_on_an_own_history_slider_are_refused(client, db_session, make_shop):
    shop, secret = make_shop()
    other, _ = make_shop("Other")
    db_session.add(Product(shop_id=other.id, external_id="THEIRS", title="t", tags=[]))
    db_session.commit()
    unknown = client.post("/admin/api/rules", json=slider(pins=["THEIRS"], boost={"products": {"NOPE": 2}}), headers=auth(secret))
    assert unknown.status_code == 400
    assert unknown.get_json()["errors"] == {"content": {"pins": ["No such product: THEIRS."], "boost": {"products": ["No such product: NOPE."]}}}
    history = client.post("/admin/api/rules", json=slider(strategy="recently_viewed", pins=["THEIRS"]), headers=auth(secret))
    assert history.status_code == 400 and "pins" in history.get_json()["errors"]["content"]
