"""Widget events count only with a decision this server issued, and a pop-up converts a visitor once.

The finding: forged widget events moved a pop-up from 1 to 51 conversions.
"""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app.clock import utcnow
from app.decisions.decision_ids import DecisionIds
from app.models import Event, RejectedEvent
from tests.helpers.events import event
from tests.helpers.rules import make_rule

NO_HOLDOUT = {"holdout_percent": 0}


def post_events(client, shop, *events):
    response = client.post("/v1/events", data=json.dumps({"key": shop.public_key, "events": list(events)}), content_type="text/plain")
    assert response.status_code == 200
    return response.get_json()


def decide(client, shop, visitor_id=None) -> dict:
    query = {"key": shop.public_key, "url": "https://shop.example/"}
    if visitor_id:
        query["visitor_id"] = visitor_id
    return client.get("/v1/decide", query_string=query).get_json()


def pop_up_conversions(client, secret, rule_id) -> int:
    report = client.get("/admin/api/stats", headers={"Authorization": f"Bearer {secret}"}).get_json()
    [rule] = [rule for rule in report["rules"] if rule["rule_id"] == rule_id]
    return sum(variant["popup_conversions"] for variant in rule["variants"])


def sign_up(visitor_id, rule_id, decision_id):
    return event("popup_submit", visitor_id, props={"rule_id": rule_id, "decision_id": decision_id, "widget": "popup"})


def test_forged_pop_up_sign_ups_do_not_move_its_conversions(client, make_shop, db_session):
    shop, secret = make_shop(settings=NO_HOLDOUT)
    popup = make_rule(db_session, shop, "popup")
    post_events(client, shop, event("page_view", "real"))
    decision = decide(client, shop, "real")
    assert [p["rule_id"] for p in decision["popups"]] == [popup.id]
    assert post_events(client, shop, sign_up("real", popup.id, decision["decision_id"]))["accepted"] == 1
    assert pop_up_conversions(client, secret, popup.id) == 1

    made_up = [sign_up(f"bot-{n}", popup.id, f"dc_{n:012x}") for n in range(25)]  # the script's old id format
    well_formed = [sign_up(f"bot-{n}", popup.id, "dc_" + f"{n:08x}" * 4) for n in range(25)]
    answer = post_events(client, shop, *made_up, *well_formed)
    assert answer["accepted"] == 0 and len(answer["rejected"]) == 50
    assert answer["rejected"][0]["errors"] == {"props": {"decision_id": ["Not a decision this server made for this visitor (or older than 7 days)."]}}
    replayed = [sign_up("real", popup.id, decision["decision_id"]) for _ in range(25)]
    lent = [sign_up(f"bot-{n}", popup.id, decision["decision_id"]) for n in range(25)]
    post_events(client, shop, *replayed, *lent)
    assert pop_up_conversions(client, secret, popup.id) == 1
    assert db_session.scalar(select(func.count()).select_from(RejectedEvent)) >= 50, "kept as dead letters"


def test_a_decision_made_before_consent_counts_for_the_visitor_who_then_consents(client, make_shop, db_session):
    """Without consent the page asks without a visitor id; the events it held are sent with one once allowed."""
    shop, secret = make_shop(settings=NO_HOLDOUT)
    popup = make_rule(db_session, shop, "popup")
    decision = decide(client, shop)
    shown = event("widget_impression", "late", props={"rule_id": popup.id, "decision_id": decision["decision_id"], "widget": "popup"})
    assert post_events(client, shop, shown, sign_up("late", popup.id, decision["decision_id"]))["accepted"] == 2
    assert pop_up_conversions(client, secret, popup.id) == 1
    # The same anonymous decision cannot be spent again by made-up visitors.
    post_events(client, shop, *[sign_up(f"bot-{n}", popup.id, decision["decision_id"]) for n in range(10)])
    assert pop_up_conversions(client, secret, popup.id) == 1


def test_impressions_and_clicks_need_a_real_decision_too(client, make_shop, db_session):
    shop, _ = make_shop(settings=NO_HOLDOUT)
    slider = make_rule(db_session, shop, "slider")
    real = decide(client, shop, "v1")["decision_id"]
    props = {"rule_id": slider.id, "widget": "slider"}
    answer = post_events(client, shop, event("widget_impression", "v1", props={**props, "decision_id": real}),
                         event("widget_click", "v1", product_id="P1", props={**props, "decision_id": real}),
                         event("widget_click", "v1", product_id="P1", props=props),
                         event("widget_impression", "v1", props={**props, "decision_id": 12345}))
    assert answer["accepted"] == 2 and [r["index"] for r in answer["rejected"]] == [2, 3]
    assert db_session.scalar(select(func.count()).select_from(Event)) == 2


def test_decision_ids_are_bound_to_the_shop_the_visitor_and_their_age():
    ids, now = DecisionIds("secret"), utcnow()
    for_visitor, for_nobody = ids.issue(1, "v1", now), ids.issue(1, None, now)
    assert ids.verify(1, "v1", for_visitor, now) and ids.verify(1, "anyone", for_nobody, now)
    assert not ids.verify(1, "v2", for_visitor, now), "another visitor's decision"
    assert not ids.verify(2, "v1", for_visitor, now), "another shop's decision"
    assert not DecisionIds("other secret").verify(1, "v1", for_visitor, now)
    assert ids.verify(1, "v1", for_visitor, now + timedelta(days=6))
    assert not ids.verify(1, "v1", for_visitor, now + timedelta(days=8)), "stale"
    tampered = for_visitor[:-1] + ("0" if for_visitor[-1] != "0" else "1")
    assert not ids.verify(1, "v1", tampered, now)
    assert not any(ids.verify(1, "v1", value, now) for value in (None, 7, "", "dc_", for_visitor + "0", "dc_zzzzzzzz" + for_visitor[11:]))
