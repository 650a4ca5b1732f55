"""/admin/api/settings {"texts": ...}: the merchant's wording per language, validated by the shop-settings resource."""
from __future__ import annotations


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_overrides_are_set_merged_restored_and_reach_shoppers(client, db_session, make_shop):
    shop, secret = make_shop(locale="de-DE")
    other, other_secret = make_shop("Other", locale="de-DE")
    changed = client.patch("/admin/api/settings", json={"texts": {"de": {"send": "Abschicken", "reason.trending": "Beliebt"}}}, headers=auth(secret))
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["texts"] == {"de": {"send": "Abschicken", "reason.trending": "Beliebt"}}
    again = client.patch("/admin/api/settings", json={"texts": {"de": {"send": None, "close": "Zu"}}}, headers=auth(secret))
    assert again.get_json()["texts"] == {"de": {"reason.trending": "Beliebt", "close": "Zu"}}
    assert client.get("/admin/api/settings", headers=auth(other_secret)).get_json()["texts"] == {}
    body = client.get(f"/s/{shop.public_key}.js", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert '"close":"Zu"' in body and '"send":"Senden"' in body


def test_bad_overrides_are_400_with_field_messages_and_change_nothing(client, db_session, make_shop):
    shop, secret = make_shop(locale="de-DE", settings={"texts": {"de": {"send": "Los"}}})
    bad = client.patch("/admin/api/settings", json={"holdout_percent": 10, "texts": {
        "de": {"send": "<b>x</b>", "nonsense": "x", "reason.viewed": "{product}"}, "xx": {}}}, headers=auth(secret))
    assert bad.status_code == 400
    errors = bad.get_json()["errors"]["texts"]
    assert set(errors["de"]) == {"send", "nonsense", "reason.viewed"} and "xx" in errors
    db_session.refresh(shop)
    assert shop.settings["texts"] == {"de": {"send": "Los"}} and "holdout_percent" not in shop.settings
