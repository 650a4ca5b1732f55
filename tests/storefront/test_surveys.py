"""POST /v1/surveys: answers to NPS and CSAT pop-ups, validated hard, stored with who answered as they were then."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import Segment, SurveyAnswer, SurveyAnswerSegment
from tests.helpers.events import event
from tests.helpers.rules import make_rule
from tests.helpers.stats_history import profile_of


@pytest.fixture
def shop(make_shop):
    return make_shop("Survey shop", "survey.example")[0]


def nps(db_session, shop, **frequency):
    return make_rule(db_session, shop, "popup", name="NPS after purchase",
                     content={"headline": "One question", "survey": {"kind": "nps"}}, frequency=frequency)


def answer(client, shop, rule_id, score, **fields):
    body = {"key": shop.public_key, "rule_id": rule_id, "score": score, **fields}
    return client.post("/v1/surveys", data=json.dumps(body), headers={"Content-Type": "text/plain", "Origin": "https://survey.example"})


def stored(db_session) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(SurveyAnswer))


def test_an_answer_is_stored_with_the_stage_segments_and_clv_band_of_the_shopper(client, db_session, shop):
    now = utcnow()
    ingest_batch(db_session, shop.id, [event("page_view", "v-buyer")], sent_at=None, received_at=now)
    buyer = profile_of(db_session, shop, "v-buyer")
    store_new_orders(db_session, shop.id, [OrderData("O1", now - timedelta(hours=1), None, buyer, total=Decimal("40"))], "storefront")
    buyers = Segment(shop_id=shop.id, name="Buyers", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    browsers = Segment(shop_id=shop.id, name="Browsers", conditions=[{"field": "order_count", "op": "eq", "value": 0}])
    converted = Segment(shop_id=shop.id, name="New since yesterday", conditions=[{"field": "stage", "op": "is_not_set", "value": None, "days_ago": 1}])
    db_session.add_all([buyers, browsers, converted])
    db_session.commit()
    rule = nps(db_session, shop)

    response = answer(client, shop, rule.id, 9, comment="  Great <b>service</b>\x07, thanks!\r\nWill be back ", visitor_id="v-buyer",
                      decision_id="dc_1", variant=None)
    assert response.status_code == 201 and response.headers["Access-Control-Allow-Origin"] == "*"
    saved = db_session.scalar(select(SurveyAnswer))
    assert (saved.kind, saved.score, saved.stage, saved.clv_band, saved.profile_id, saved.decision_id) == (
        "nps", 9, "first_time_buyer", "unknown", buyer, "dc_1")
    assert saved.comment == "Great <b>service</b>, thanks!\nWill be back", "kept as the text it is, control characters dropped"
    nul = answer(client, shop, rule.id, 9, comment="a\x00b", visitor_id="v-other", decision_id="dc_2", variant=None)
    assert nul.status_code == 400 and "comment" in nul.get_json()["errors"], "a NUL is refused at the edge, like everywhere else"
    segments = set(db_session.scalars(select(SurveyAnswerSegment.segment_id).where(SurveyAnswerSegment.answer_id == saved.id)))
    assert segments == {buyers.id, converted.id}


def test_an_anonymous_answer_has_no_stage_and_no_segments(client, db_session, shop):
    rule = make_rule(db_session, shop, "popup", content={"headline": "?", "survey": {"kind": "csat", "comment": False}})
    assert answer(client, shop, rule.id, 4, comment="ignored: no comment box was offered").status_code == 201
    saved = db_session.scalar(select(SurveyAnswer))
    assert (saved.kind, saved.score, saved.stage, saved.clv_band, saved.comment, saved.profile_id) == ("csat", 4, None, "unknown", None, None)


@pytest.mark.parametrize("change, field", [
    ({"score": 11}, "score"), ({"score": -1}, "score"), ({"score": "9"}, "score"), ({"score": 9.5}, "score"), ({"score": True}, "score"),
    ({"score": None}, "score"), ({"comment": "x" * 1001}, "comment"), ({"comment": 42}, "comment"), ({"rule_id": "1"}, "rule_id"),
    ({"visitor_id": "v" * 65}, "visitor_id"), ({"decision_id": "d" * 65}, "decision_id"),
])
def test_bad_answers_are_400s_naming_the_field_and_store_nothing(client, db_session, shop, change, field):
    rule = nps(db_session, shop)
    response = answer(client, shop, **{"rule_id": rule.id, "score": 7, **change})
    assert response.status_code == 400 and field in response.get_json()["errors"], response.get_json()
    assert stored(db_session) == 0


def test_the_score_must_fit_the_surveys_own_scale_and_the_rule_must_be_a_survey_of_this_shop(client, db_session, shop, make_shop):
    csat = make_rule(db_session, shop, "popup", content={"headline": "?", "survey": {"kind": "csat"}})
    offer = make_rule(db_session, shop, "popup", content={"headline": "10% off"})
    other, _ = make_shop("Other")
    theirs = nps(db_session, other)
    for rule_id, score, field in ((csat.id, 0, "score"), (csat.id, 6, "score"), (offer.id, 5, "rule_id"), (theirs.id, 5, "rule_id"), (999999, 5, "rule_id")):
        response = answer(client, shop, rule_id, score)
        assert response.status_code == 400 and list(response.get_json()["errors"]) == [field], (rule_id, score)
    assert answer(client, other, csat.id, 3).status_code == 400, "another shop's key cannot answer this shop's survey"
    assert answer(client, shop, csat.id, 1).status_code == 201 and answer(client, shop, csat.id, 5).status_code == 201
    assert stored(db_session) == 2


def test_one_answer_per_shopper_and_survey_within_its_cap(client, db_session, shop):
    ingest_batch(db_session, shop.id, [event("page_view", "v-1"), event("page_view", "v-2")], sent_at=None, received_at=utcnow())
    db_session.commit()
    rule = nps(db_session, shop, every_days=90)
    assert answer(client, shop, rule.id, 10, visitor_id="v-1").status_code == 201
    again = answer(client, shop, rule.id, 0, visitor_id="v-1")
    assert again.status_code == 409 and "already answered" in again.get_json()["error"]
    assert answer(client, shop, rule.id, 3, visitor_id="v-2").status_code == 201
    assert sorted(db_session.scalars(select(SurveyAnswer.score))) == [3, 10], "the first answer stands"


def test_unknown_keys_bodies_that_are_not_json_and_oversized_bodies(client, db_session, shop):
    rule = nps(db_session, shop)
    assert client.post("/v1/surveys", data=json.dumps({"key": "pk_nope", "rule_id": rule.id, "score": 5})).status_code == 403
    assert client.post("/v1/surveys", data="not json").status_code == 400
    assert client.post("/v1/surveys", data=json.dumps([1, 2])).status_code == 400
    huge = json.dumps({"key": shop.public_key, "rule_id": rule.id, "score": 5, "comment": "x" * 9000})
    assert client.post("/v1/surveys", data=huge).status_code == 413
    assert stored(db_session) == 0
