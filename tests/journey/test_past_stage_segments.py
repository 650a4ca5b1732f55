"""Segments that look back ("cart builders 7 days ago who bought since"): in the editor's API, the live count
and the decisions that target them."""
from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from app.decisions.decide import DecisionRequest, decide
from app.decisions.decision_ids import DecisionIds
from app.journey.segments import count_matching
from app.models import Segment
from app.resources import segments
from app.resources.errors import Invalid
from tests.helpers.journey import build_week
from tests.helpers.rules import make_rule

CART_THEN_BUYER_NOW = [{"field": "stage", "op": "eq", "value": "cart_builder", "days_ago": 7},
                       {"field": "stage", "op": "eq", "value": "first_time_buyer"}]


def test_a_look_back_condition_is_validated_and_spelled_one_way():
    data = segments.validate({"name": "x", "conditions": [{"field": "stage", "op": "eq", "value": "loyal", "as_of": "2026-11-01T01:00+01:00"}]})
    assert data["conditions"][0]["as_of"] == "2026-11-01T00:00:00+00:00"
    for bad, field in (({"as_of": "last week"}, "as_of"), ({"days_ago": -1}, "days_ago"), ({"days_ago": 3, "as_of": "2026-11-01"}, "as_of")):
        try:
            segments.validate({"name": "x", "conditions": [{"field": "stage", "op": "eq", "value": "loyal", **bad}]})
        except Invalid as error:
            assert field in error.errors["conditions"][0], error.errors
        else:
            raise AssertionError(f"{bad} was accepted")
    try:
        segments.validate({"name": "x", "conditions": [{"field": "order_count", "op": "gt", "value": 1, "days_ago": 3}]})
    except Invalid as error:
        assert "Only stage" in error.errors["conditions"][0]["as_of"][0]
    else:
        raise AssertionError("a look-back on a field without history was accepted")


def test_the_live_count_and_a_decision_use_the_stage_then(db_session, make_shop):
    shop, _ = make_shop(settings={"holdout_percent": 0})  # nobody in the shop-wide holdout, which sees no pop-up
    now = utcnow()
    build_week(db_session, shop, now)
    assert count_matching(db_session, shop, "all", CART_THEN_BUYER_NOW, now) == 1  # c: a cart a week ago, an order yesterday
    assert count_matching(db_session, shop, "all", [{"field": "stage", "op": "is_not_set", "value": None, "days_ago": 7}], now) == 1  # d, new
    segment = Segment(shop_id=shop.id, name="Converted this week", match="all", conditions=CART_THEN_BUYER_NOW)
    db_session.add(segment)
    db_session.commit()
    popup = make_rule(db_session, shop, "popup", targeting={"segments": [segment.id]})
    assert [p["rule_id"] for p in decide(db_session, shop, DecisionRequest(visitor_id="c"), DecisionIds("test"))["popups"]] == [popup.id]
    for other in ("a", "b", "d", "never-seen"):
        assert decide(db_session, shop, DecisionRequest(visitor_id=other), DecisionIds("test"))["popups"] == [], other
    assert count_matching(db_session, shop, "all", CART_THEN_BUYER_NOW, now + timedelta(days=30)) == 0, "a week before that, c had bought already"
