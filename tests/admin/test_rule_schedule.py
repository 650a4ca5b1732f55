"""A rule with a schedule (targeting.starts_at / ends_at) through the admin API: saved, listed, read, patched, shown."""
from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


SCHEDULED = {
    "kind": "popup", "name": "Black Friday", "content": {"headline": "30% off today"},
    "targeting": {"starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-28T06:00:00+02:00"},
}


def test_a_scheduled_rule_is_created_listed_read_and_patched(client, make_shop):
    shop, secret = make_shop()
    created = client.post("/admin/api/rules", json=SCHEDULED, headers=auth(secret))
    assert created.status_code == 201, created.get_data(as_text=True)
    rule = created.get_json()
    # Stored and answered in UTC, whatever offset was sent.
    assert rule["targeting"]["starts_at"] == "2026-11-27T00:00:00+00:00"
    assert rule["targeting"]["ends_at"] == "2026-11-28T04:00:00+00:00"
    listed = client.get("/admin/api/rules", headers=auth(secret))
    assert listed.status_code == 200 and listed.get_json()["rules"][0]["targeting"] == rule["targeting"]
    read = client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret))
    assert read.status_code == 200 and read.get_json()["targeting"] == rule["targeting"]
    patched = client.patch(f"/admin/api/rules/{rule['id']}", json={"enabled": False}, headers=auth(secret))
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert patched.get_json()["enabled"] is False and patched.get_json()["targeting"] == rule["targeting"]
    moved = client.patch(f"/admin/api/rules/{rule['id']}", json={"targeting": {"ends_at": None}}, headers=auth(secret))
    assert moved.status_code == 200 and moved.get_json()["targeting"]["ends_at"] is None


def test_a_scheduled_rule_shows_only_within_its_window(client, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 0})
    now = utcnow()
    for name, starts, ends in (("now", now - timedelta(hours=1), now + timedelta(hours=1)),
                               ("later", now + timedelta(days=1), None), ("over", None, now - timedelta(hours=1))):
        body = {**SCHEDULED, "name": name, "priority": len(name),
                "targeting": {"starts_at": starts and starts.isoformat(), "ends_at": ends and ends.isoformat()}}
        assert client.post("/admin/api/rules", json=body, headers=auth(secret)).status_code == 201
    decision = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "v"}).get_json()
    assert [popup["content"]["headline"] for popup in decision["popups"]] == ["30% off today"]
    assert len(decision["popups"]) == 1
