"""Fuzzing the public endpoints (what anyone with the public key can send): never a 5xx, no valid event lost.

Hypothesis breaks valid requests (see tests/helpers/hostile.py); each test
counts its requests (FUZZ_TALLY=path writes the counts for the closing figures).
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import Event, Product, Segment
from tests.helpers.events import event
from tests.helpers.hostile import FUZZ, Tally, encode_query, junk_bodies, mutations, path_segments, query_mutations
from tests.helpers.rules import make_rule

pytestmark = pytest.mark.fuzz

FULL_EVENT = {
    "id": "e-template", "type": "purchase", "visitor_id": "v-fuzz", "customer_id": "C-1", "product_id": "P1", "order_id": "O-1",
    "value": "12.50", "currency": "EUR", "url": "https://shop.example/products/p1?utm_source=news", "referrer": "https://www.google.com/",
    "ts": "2026-11-23T10:00:00Z", "props": {"quantity": 2, "device": "mobile", "lines": [{"product_id": "P1", "quantity": 1, "price": "12.50"}]},
}


@pytest.fixture
def shop(make_shop, db_session):
    """A shop whose decisions run every path: a segment-targeted block, a scheduled pop-up, a slider with products."""
    shop, _ = make_shop(settings={"holdout_percent": 0})
    for n in range(3):
        db_session.add(Product(shop_id=shop.id, external_id=f"P{n}", title=f"Product {n}", price=Decimal(5), tags=["t"], in_stock=True))
    segment = Segment(shop_id=shop.id, name="buyers", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    db_session.add(segment)
    db_session.commit()
    make_rule(db_session, shop, "block", slot="hero", targeting={"segments": [segment.id]})
    make_rule(db_session, shop, "popup", targeting={"starts_at": "2026-01-01T00:00:00Z", "page_kinds": ["product"]})
    make_rule(db_session, shop, "slider", slot="recs", content={"strategy": "trending", "title": "Hot"})
    return shop


def post_text(client, body: bytes):
    return client.post("/v1/events", data=body, content_type="text/plain")


def test_a_bad_event_never_costs_its_batch(client, shop, db_session):
    tally = Tally()

    @FUZZ
    @given(bad=mutations(FULL_EVENT), position=st.integers(0, 2))
    def check(bad, position):
        good = [event(visitor_id="v-good"), event("add_to_cart", visitor_id="v-good", product_id="P1", props={"quantity": 1})]
        batch = list(good)
        batch.insert(position, bad)
        response = post_text(client, json.dumps({"key": shop.public_key, "events": batch}).encode())
        assert tally.record(response.status_code) == 200, response.get_data(as_text=True)
        db_session.rollback()
        stored = set(db_session.scalars(select(Event.client_event_id).where(Event.client_event_id.in_([e["id"] for e in good]))))
        assert stored == {e["id"] for e in good}

    check()
    tally.report("POST /v1/events (one bad event in a batch)")


def test_a_bad_batch_envelope_is_a_4xx(client, shop):
    tally = Tally()
    envelope = {"key": shop.public_key, "sent_at": "2026-11-23T10:00:05Z", "events": [FULL_EVENT]}

    @FUZZ
    @given(body=st.one_of(mutations(envelope).map(lambda value: json.dumps(value).encode()), junk_bodies()))
    def check(body):
        response = post_text(client, body)
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report("POST /v1/events (envelope and junk bodies)")


@pytest.mark.parametrize("path, example", [
    ("/v1/decide", {"visitor_id": "v-good", "url": "https://shop.example/products/p1", "product_id": "P1", "cart": "P1,P2",
                    "device": "mobile"}),
    ("/v1/recommendations", {"visitor_id": "v-good", "strategy": "similar", "product_id": "P1", "category": "Kitchen", "limit": "5"}),
])
def test_decisions_and_recommendations_never_fail(client, shop, path, example):
    tally = Tally()

    @FUZZ
    @given(query=query_mutations({"key": shop.public_key, **example}))
    def check(query):
        response = client.get(f"{path}?{encode_query(query)}")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"GET {path}")


def test_leads_never_fail(client, shop):
    tally = Tally()
    lead = {"key": shop.public_key, "email": "a@b.example", "consent": True, "visitor_id": "v-good", "rule_id": 1, "decision_id": "dc_1"}

    @FUZZ
    @given(body=st.one_of(mutations(lead).map(lambda value: json.dumps(value).encode()), junk_bodies()))
    def check(body):
        response = client.post("/v1/leads", data=body, content_type="text/plain")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report("POST /v1/leads")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_double_opt_in_link_never_fails(client, method):
    tally = Tally()

    @FUZZ
    @given(query=query_mutations({"token": "InRva2VuIg.signed.looking"}))
    def check(query):
        response = client.open(f"/v1/leads/confirm?{encode_query(query)}", method=method)
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"{method} /v1/leads/confirm")


def test_survey_answers_never_fail(client, shop, db_session):
    tally = Tally()
    survey = make_rule(db_session, shop, "popup", content={"headline": "?", "survey": {"kind": "nps"}})
    answer = {"key": shop.public_key, "rule_id": survey.id, "score": 9, "comment": "Great", "visitor_id": "v-good",
              "decision_id": "dc_1", "variant": None}

    @FUZZ
    @given(body=st.one_of(mutations(answer).map(lambda value: json.dumps(value).encode()), junk_bodies()))
    def check(body):
        response = client.post("/v1/surveys", data=body, content_type="text/plain")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report("POST /v1/surveys")


def test_script_chunks_never_fail(client):
    tally = Tally()

    @FUZZ
    @given(name=st.one_of(path_segments(), st.just("survey")))
    def check(name):
        response = client.get(f"/s/chunks/{name}.js")
        assert tally.record(response.status_code) < 500

    check()
    tally.report("GET /s/chunks/NAME.js")


def test_the_script_never_fails(client, shop):
    tally = Tally()

    @FUZZ
    @given(key=st.one_of(path_segments(), st.just(shop.public_key)))
    def check(key):
        response = client.get(f"/s/{key}.js")
        assert tally.record(response.status_code) < 500
        if response.status_code == 200:
            assert response.headers["X-Content-Type-Options"] == "nosniff"

    check()
    tally.report("GET /s/KEY.js")
