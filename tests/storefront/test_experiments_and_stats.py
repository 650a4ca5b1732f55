"""Experiments and the shop-wide holdout in decisions, and the stats report against the holdout."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import GLOBAL_HOLDOUT, Assignment, Experiment, Profile, VisitorId
from tests.helpers.events import event
from tests.helpers.rules import make_rule


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def decide(client, shop, visitor):
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": visitor, "url": "https://shop.example/"})
    assert response.status_code == 200
    return response.get_json()


def test_experiment_arms_are_sticky_weighted_and_the_holdout_sees_the_default(client, db_session, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 0})
    default = make_rule(db_session, shop, "block", name="default", priority=1, content={"html": "<p>default</p>"})
    tested = make_rule(db_session, shop, "block", name="tested", priority=5, content={"html": "<p>base</p>"})
    created = client.post("/admin/api/experiments", headers=auth(secret), json={
        "rule_id": tested.id, "name": "headline test", "holdout": 0.2,
        "variants": [{"name": "A", "weight": 1, "content": {"html": "<p onclick='x()'>A</p>"}}, {"name": "B", "weight": 1, "content": {"html": "<p>B</p>"}}],
    })
    assert created.status_code == 201, created.get_json()
    seen = {}
    for n in range(300):
        blocks = decide(client, shop, f"visitor-{n}")["blocks"]
        assert len(blocks) == 1
        seen[n] = (blocks[0]["rule_id"], blocks[0]["variant"], blocks[0]["html"])
    arms = Counter(variant if rule == tested.id else "holdout" for rule, variant, _ in seen.values())
    assert set(arms) == {"A", "B", "holdout"}
    assert 30 <= arms["holdout"] <= 90 and abs(arms["A"] - arms["B"]) < 60
    assert all(html == "<p>default</p>" for rule, _, html in seen.values() if rule == default.id)
    assert {html for rule, variant, html in seen.values() if variant == "A"} == {"<p>A</p>"}, "variant HTML is sanitized"
    for n in range(0, 300, 37):  # sticky
        blocks = decide(client, shop, f"visitor-{n}")["blocks"]
        assert (blocks[0]["rule_id"], blocks[0]["variant"], blocks[0]["html"]) == seen[n]
    key = f"experiment:{created.get_json()['id']}"
    recorded = db_session.scalar(select(func.count()).select_from(Assignment).where(Assignment.experiment_key == key))
    assert recorded == 300, "each visitor recorded once, however often decided"


def test_the_shop_wide_holdout_sees_no_personalization(client, db_session, make_shop):
    everyone, _ = make_shop("all held out", settings={"holdout_percent": 100})
    make_rule(db_session, everyone, "block")
    answer = decide(client, everyone, "v")
    assert answer["holdout"] is True and answer["blocks"] == answer["popups"] == answer["sliders"] == []
    default_shop, _ = make_shop("default")
    make_rule(db_session, default_shop, "block")
    held = sum(decide(client, default_shop, f"v{n}")["holdout"] for n in range(400))
    assert 5 <= held <= 40, f"about 5% of 400 held out by default, got {held}"
    arms = dict(db_session.execute(
        select(Assignment.arm, func.count()).where(Assignment.shop_id == default_shop.id, Assignment.experiment_key == GLOBAL_HOLDOUT).group_by(Assignment.arm)
    ).all())
    assert arms == {"holdout": held, "personalized": 400 - held}


def test_stats_attribute_clicks_and_views_and_compare_with_the_holdout(client, db_session, make_shop):
    shop, secret = make_shop(settings={"holdout_percent": 50})
    rule = make_rule(db_session, shop, "slider", content={"strategy": "trending", "title": "Hot"})
    now = utcnow()
    visitors = [f"s{n}" for n in range(40)]
    for visitor in visitors:
        decide(client, shop, visitor)
    held_out = set(db_session.scalars(select(Assignment.unit_id).where(Assignment.arm == "holdout")))
    exposed = [v for v in visitors if f"v:{v}" not in held_out]
    props = {"rule_id": rule.id, "decision_id": "dc_x", "widget": "slider"}
    events = [event("page_view", visitor, ts=(now - timedelta(hours=3)).isoformat()) for visitor in visitors]  # everyone is tracked
    for n, visitor in enumerate(exposed):
        events.append(event("widget_impression", visitor, props=props, ts=(now - timedelta(hours=2)).isoformat()))
        if n % 2 == 0:
            events.append(event("widget_click", visitor, product_id="P1", props=props, ts=(now - timedelta(hours=2)).isoformat()))
    ingest_batch(db_session, shop.id, events, sent_at=None, received_at=now)
    db_session.commit()
    profile_of = {v: db_session.scalar(select(VisitorId.profile_id).where(VisitorId.visitor_id == v)) for v in visitors}
    orders = [OrderData(f"O-{v}", now - timedelta(hours=1, minutes=50), None, profile_of[v], total=Decimal("20")) for v in exposed[:6]]
    store_new_orders(db_session, shop.id, orders, "storefront")
    db_session.commit()

    report = client.get("/admin/api/stats", headers=auth(secret)).get_json()
    [rule_report] = report["rules"]
    [arm] = rule_report["variants"]
    assert arm["impressions"] == len(exposed) and arm["clicks"] == (len(exposed) + 1) // 2
    assert arm["attributed_purchases"] == 6 and arm["attributed_revenue"] == 120.0
    assert arm["visitors"] == len(exposed) and arm["converting_visitors"] == 6
    assert report["overall"]["holdout"]["visitors"] == len(held_out)
    assert report["overall"]["holdout"]["converting_visitors"] == 0
    assert isinstance(arm["uplift"]["note"], str) and arm["uplift"]["note"]
    bad = client.get("/admin/api/stats?from=2026-02-01&to=2026-01-01", headers=auth(secret))
    assert bad.status_code == 400 and "to" in bad.get_json()["errors"]


def test_experiments_api_validates_and_scopes(client, db_session, make_shop):
    shop, secret = make_shop()
    other, other_secret = make_shop("B")
    rule = make_rule(db_session, shop, "popup")
    foreign = client.post("/admin/api/experiments", headers=auth(other_secret), json={"rule_id": rule.id, "name": "x", "variants": [{"name": "A"}]})
    assert foreign.status_code == 400 and "rule_id" in foreign.get_json()["errors"]
    bad = client.post("/admin/api/experiments", headers=auth(secret), json={
        "rule_id": rule.id, "name": "x", "holdout": 2, "variants": [{"name": "A", "content": {"headline": ""}}, {"name": "A"}]})
    assert bad.status_code == 400 and {"holdout", "variants"} <= set(bad.get_json()["errors"])
    assert db_session.scalar(select(func.count()).select_from(Experiment)) == 0
    assert db_session.scalar(select(func.count()).select_from(Profile)) == 0


def test_a_preview_link_shows_the_rule_regardless_of_targeting_and_records_nothing(app, client, db_session, make_shop):
    shop, secret = make_shop(domain="shop.example")
    other, other_secret = make_shop("B")
    hidden = make_rule(db_session, shop, "block", content={"html": "<p>only for loyal</p>"}, targeting={"stages": ["loyal"]}, enabled=False)
    link = client.get(f"/admin/api/rules/{hidden.id}/preview?url=https://shop.example/products/1", headers=auth(secret)).get_json()
    assert link["url"].startswith("https://shop.example/products/1?p13n_preview=")
    answer = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "merchant", "preview": link["token"]}).get_json()
    assert answer["preview"] is True and [b["html"] for b in answer["blocks"]] == ["<p>only for loyal</p>"]
    assert db_session.scalar(select(func.count()).select_from(Assignment)) == 0
    stolen = client.get("/v1/decide", query_string={"key": other.public_key, "preview": link["token"]})
    assert stolen.status_code == 400 and "preview" in stolen.get_json()["errors"]
    forged = client.get("/v1/decide", query_string={"key": shop.public_key, "preview": link["token"][:-2] + "xx"})
    assert forged.status_code == 400
    assert client.get(f"/admin/api/rules/{hidden.id}/preview", headers=auth(other_secret)).status_code == 404

    from app.decisions.preview import previewed_rule_id

    assert previewed_rule_id(app.secret_key, link["token"], shop.id, max_age=-1) is None, "expired"
