"""Unique codes from the merchant's pool: uploaded once, each given to one lead, shown only after the email."""
from __future__ import annotations

import json
import threading

from sqlalchemy import select

from app import db
from app.leads.codes import POOL_EMPTY, draw_from_pool
from app.models import DiscountCode, Lead
from app.texts import CATALOGS
from tests.helpers.rules import make_rule

POPUP = {"headline": "10% off your first order", "email_capture": True,
         "unique_code": {"source": "pool", "pool": "welcome10"}}


def _upload(admin, secret_key, codes, pool="welcome10"):
    return admin("POST", "/admin/api/discount-codes", secret_key, {"pool": pool, "codes": codes})


def test_codes_are_uploaded_once_each_and_counted(shop, admin):
    shop, secret_key = shop
    first = _upload(admin, secret_key, "AAA111\nBBB222, CCC333\nAAA111\n")
    assert first.status_code == 201 and first.get_json() == {
        "added": 3, "skipped": 1, "pool": {"pool": "welcome10", "total": 3, "given": 0, "left": 3}}
    again = _upload(admin, secret_key, ["CCC333", "DDD444"], pool="other")
    assert again.get_json()["added"] == 1 and again.get_json()["skipped"] == 1  # a code lives in one pool only
    bad = _upload(admin, secret_key, ["ok-code", "no spaces please"], pool="bad pool")
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"pool", "codes"}
    pools = admin("GET", "/admin/api/discount-codes", secret_key).get_json()["pools"]
    assert [(pool["pool"], pool["left"]) for pool in pools] == [("other", 1), ("welcome10", 3)]


def test_the_code_comes_with_the_lead_never_with_the_decision(client, shop, admin, post_lead, db_session):
    shop, secret_key = shop
    _upload(admin, secret_key, ["AAA111", "BBB222"])
    rule = make_rule(db_session, shop, "popup", content=POPUP)
    decision = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "v1"}).get_json()
    (popup,) = decision["popups"]
    assert "AAA111" not in json.dumps(decision) and "unique_code" not in popup["content"] and "welcome10" not in json.dumps(decision)

    assert post_lead(shop, "ann@example.com", True, rule_id=rule.id).get_json()["discount_code"] == "AAA111"
    assert post_lead(shop, "ANN@example.com", False, rule_id=rule.id).get_json()["discount_code"] == "AAA111"  # same lead, same code
    assert post_lead(shop, "bob@example.com", True, rule_id=rule.id).get_json()["discount_code"] == "BBB222"
    empty = post_lead(shop, "cy@example.com", True, rule_id=rule.id)
    assert empty.status_code == 200 and "discount_code" not in empty.get_json() and empty.get_json()["message"] == CATALOGS["en"][POOL_EMPTY]
    leads = {lead.email: lead.discount_code for lead in db_session.scalars(select(Lead))}
    assert leads == {"ann@example.com": "AAA111", "bob@example.com": "BBB222", "cy@example.com": None}
    assert admin("GET", "/admin/api/discount-codes", secret_key).get_json()["pools"][0]["left"] == 0
    # A lead without the pop-up's rule gets no code.
    assert "discount_code" not in post_lead(shop, "dee@example.com", True).get_json()


def test_unused_codes_can_be_removed_given_ones_stay(shop, admin, post_lead, db_session):
    shop, secret_key = shop
    _upload(admin, secret_key, ["AAA111", "BBB222", "CCC333"])
    rule = make_rule(db_session, shop, "popup", content=POPUP)
    post_lead(shop, "ann@example.com", True, rule_id=rule.id)
    assert admin("DELETE", "/admin/api/discount-codes/welcome10", secret_key).get_json() == {"removed": 2}
    assert admin("DELETE", "/admin/api/discount-codes/nope", secret_key).status_code == 404
    assert db_session.scalars(select(DiscountCode.code)).all() == ["AAA111"]


def test_concurrent_draws_never_give_one_code_twice(app, shop, admin, db_session):
    shop, secret_key = shop
    codes = [f"CODE{number:03d}" for number in range(40)]
    _upload(admin, secret_key, codes)
    leads = [Lead(shop_id=shop.id, email=f"shopper{number}@example.com", consent=True) for number in range(48)]
    db_session.add_all(leads)
    db_session.commit()
    lead_ids = [lead.id for lead in leads]
    drawn: list[str | None] = []
    start = threading.Barrier(8)

    def shopper(ids):
        with app.app_context():
            session = db.session()
            start.wait()
            for lead_id in ids:
                drawn.append(draw_from_pool(session, shop.id, "welcome10", lead_id))
                session.commit()

    threads = [threading.Thread(target=shopper, args=(lead_ids[index::8],)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    given = [code for code in drawn if code is not None]
    assert sorted(given) == codes and drawn.count(None) == 8
    rows = db_session.scalars(select(DiscountCode)).all()
    assert len({row.lead_id for row in rows}) == 40 and all(row.assigned_at for row in rows)


def test_pools_and_lead_settings_are_the_shops_own(client, shop, make_shop, admin):
    shop, secret_key = shop
    other, other_key = make_shop("Other", settings={"holdout_percent": 0})
    _upload(admin, secret_key, ["AAA111"])
    assert admin("GET", "/admin/api/discount-codes", other_key).get_json() == {"pools": []}
    assert admin("DELETE", "/admin/api/discount-codes/welcome10", other_key).status_code == 404
    assert _upload(admin, other_key, ["AAA111"]).get_json()["added"] == 1  # codes are per shop
    for method, url in (("GET", "/admin/api/discount-codes"), ("GET", "/admin/api/leads/settings"),
                        ("PUT", "/admin/api/leads/settings"), ("GET", "/admin/api/leads/webhook-deliveries")):
        assert client.open(url, method=method, json={}).status_code == 401
