"""Fuzzing the settings UI's form posts and page queries as a signed-in merchant (and the sign-in form as anyone): never a 5xx."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.merchant_auth.accounts import create_user
from app.models import Segment
from tests.helpers.hostile import FUZZ, Tally, encode_query, query_mutations
from tests.helpers.rules import make_rule
from tests.helpers.settings_ui import PASSWORD, SignedIn, csrf_from, sign_in

pytestmark = pytest.mark.fuzz

RULE_FORMS = {
    "block": {"name": "Hero", "enabled": "true", "priority": "3", "slot": "hero", "selector": "#hero", "mode": "replace",
              "content.html": "<p>Hi</p>", "content.min_height": "100", "variant.0.name": "A", "variant.0.weight": "1",
              "variant.0.html": "<b>A</b>", "experiment.name": "t", "experiment.holdout_percent": "10"},
    "popup": {"name": "Exit", "enabled": "true", "content.headline": "Wait", "content.body": "b", "content.coupon": "C10",
              "content.image": "https://cdn.example/i.png", "content.email_capture": "true", "content.button": "Go",
              "content.consent_label": "ok", "content.trigger.exit_intent": "true", "content.trigger.min_dwell_seconds": "3",
              "content.trigger.idle_seconds": "30", "targeting.stages": "new_visitor", "targeting.starts_at": "2026-11-01T10:00",
              "targeting.ends_at": "2026-12-01T10:00", "targeting.url_patterns": "/p/*\n/c/*", "frequency.every_days": "7"},
    "slider": {"name": "Recs", "enabled": "true", "slot": "recs", "content.title": "For you", "content.strategy": "similar",
               "content.limit": "8", "content.category": "K", "targeting.devices": "mobile", "targeting.segments": "1"},
}
SEGMENT_FORM = {"name": "Buyers", "match": "any", "conditions.0.field": "order_count", "conditions.0.op": "gte", "conditions.0.value": "1",
                "conditions.1.field": "stage", "conditions.1.op": "in", "conditions.1.value": "loyal, lapsed",
                "conditions.2.field": "last_seen_at", "conditions.2.op": "before", "conditions.2.value": "2026-01-01"}


@pytest.fixture
def merchant(client, make_shop, db_session):
    shop, _ = make_shop("Fuzzed", "fuzzed.example")
    create_user(db_session, shop.id, "owner@fuzzed.example", PASSWORD)
    segment = Segment(shop_id=shop.id, name="buyers", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    db_session.add(segment)
    db_session.commit()
    rules = {kind: make_rule(db_session, shop, kind).id for kind in RULE_FORMS}
    assert sign_in(client, "owner@fuzzed.example", PASSWORD).status_code == 302
    return SignedIn(client, shop), rules, segment.id


def form_posts(merchant_fixture):
    _signed_in, rules, segment_id = merchant_fixture
    posts = []
    for kind, form in RULE_FORMS.items():
        posts += [(f"/settings/rules/new/{kind}", form), (f"/settings/rules/{rules[kind]}", form),
                  (f"/settings/rules/new/{kind}/preview", form), (f"/settings/rules/{rules[kind]}/preview", form)]
    posts += [
        (f"/settings/rules/{rules['popup']}/enabled", {"enabled": "false", "back": "edit"}),
        ("/settings/segments/new", SEGMENT_FORM), (f"/settings/segments/{segment_id}", SEGMENT_FORM), ("/settings/segments/count", SEGMENT_FORM),
        ("/settings/privacy/settings", {"consent_mode": "required", "retention_days": "90"}),
        ("/settings/privacy/export", {"customer_id": "C1", "email": "a@b.example"}),
        ("/settings/privacy/delete", {"customer_id": "C1"}),
        ("/settings/model/retrain", {"x": "1"}), ("/settings/shopify/sync", {"x": "1"}),
    ]
    return posts


def test_form_posts_never_fail(merchant):
    signed_in = merchant[0]
    posts = form_posts(merchant)
    tally = Tally()

    @FUZZ
    @given(data=st.data())
    def check(data):
        url, form = data.draw(st.sampled_from(posts))
        response = signed_in.post(url, data.draw(query_mutations(form)))
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)[:2000]

    check()
    tally.report("settings UI form posts")


PAGES = ["/settings/dashboard", "/settings/install", "/settings/install/status", "/settings/rules", "/settings/segments",
         "/settings/segments/new", "/settings/rules/new/popup", "/settings/journey", "/settings/model", "/settings/model/progress",
         "/settings/leads", "/settings/leads.csv", "/settings/privacy", "/settings/shopify", "/settings/shopify/sync/progress"]


def test_page_queries_never_fail(merchant):
    signed_in = merchant[0]
    tally = Tally()
    example = {"from": "2026-11-01", "to": "2026-11-23", "rule": "1", "page": "2", "next": "/settings/rules"}

    @FUZZ
    @given(page=st.sampled_from(PAGES), query=query_mutations(example))
    def check(page, query):
        response = signed_in.get(f"{page}?{encode_query(query)}")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)[:2000]

    check()
    tally.report("settings UI pages with hostile queries")


def test_the_sign_in_form_never_fails(app):
    tally = Tally()
    anyone = app.test_client()
    form = {"email": "owner@fuzzed.example", "password": "not it"}

    @FUZZ
    @given(fields=query_mutations(form), next_page=st.sampled_from(["", "/settings/rules", "//evil.example", "javascript:x", "%00"]))
    def check(fields, next_page):
        csrf = csrf_from(anyone.get("/settings/login").get_data(as_text=True))
        response = anyone.post(f"/settings/login?next={next_page}", data={"csrf_token": csrf, **fields})
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)[:2000]

    check()
    tally.report("POST /settings/login")

