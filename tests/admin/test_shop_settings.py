"""/admin/api/settings: the shop-wide holdout and the free-shipping threshold, per shop, with field messages."""
from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from tests.helpers.traffic import visits_and_buyers


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_the_holdout_is_read_and_set_with_an_estimate_of_the_tests_length(client, db_session, make_shop):
    shop, secret = make_shop()
    other, other_secret = make_shop("Other")
    visits_and_buyers(db_session, shop, visitors=280, buyers=14, days=28, now=utcnow() - timedelta(minutes=5))
    first = client.get("/admin/api/settings", headers=auth(secret)).get_json()
    assert (first["holdout_percent"], first["free_shipping_threshold"]) == (5.0, None)
    estimate = first["holdout_estimate"]
    assert (estimate["visitors_per_day"], estimate["conversion_rate"], estimate["relative_uplift"]) == (10.0, 0.05, 0.1)
    assert estimate["days_needed"] == -(-estimate["visitors_needed"] // 10)

    changed = client.patch("/admin/api/settings", json={"holdout_percent": 10, "free_shipping_threshold": "50"}, headers=auth(secret))
    assert changed.status_code == 200
    assert (changed.get_json()["holdout_percent"], changed.get_json()["free_shipping_threshold"]) == (10.0, 50.0)
    assert changed.get_json()["holdout_estimate"]["days_needed"] < estimate["days_needed"]
    assert client.get("/admin/api/settings", headers=auth(other_secret)).get_json()["holdout_percent"] == 5.0
    db_session.refresh(shop)
    assert shop.settings["holdout_percent"] == 10 and shop.settings["free_shipping_threshold"] == 50.0


def test_bad_values_get_field_messages_and_change_nothing(client, db_session, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 3, "consent_required": True})
    bad = client.patch("/admin/api/settings", json={"holdout_percent": 80, "free_shipping_threshold": -5}, headers=auth(secret))
    assert bad.status_code == 400
    assert set(bad.get_json()["errors"]) == {"holdout_percent", "free_shipping_threshold"}
    assert client.patch("/admin/api/settings", json={"holdout_percent": "a lot"}, headers=auth(secret)).status_code == 400
    db_session.refresh(shop)
    assert shop.settings == {"holdout_percent": 3, "consent_required": True}
