"""Fuzzing the admin API with the shop's own secret key: whatever the merchant (or a script of theirs) sends, never a 5xx."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.hostile import FUZZ, Tally, encode_query, junk_bodies, mutations, path_segments, query_mutations

pytestmark = pytest.mark.fuzz

BLOCK = {
    "kind": "block", "name": "Hero", "slot": "hero", "selector": "#hero", "mode": "replace", "priority": 3, "enabled": True,
    "content": {"html": "<p>Hi {{first_name}}</p>", "min_height": 100},
    "targeting": {"stages": ["new_visitor"], "segments": [], "page_kinds": ["home"], "url_patterns": ["/p/*"], "devices": ["mobile"],
                  "sources": ["social"], "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00+01:00"},
    "frequency": {"once_per_session": True, "every_days": 3, "stop_after_conversion": True},
    "experiment": {"name": "t", "variants": [{"name": "a", "weight": 1, "content": {"html": "<b>A</b>"}}], "holdout": 0.1},
}
POPUP = {
    "kind": "popup", "name": "Exit", "content": {"headline": "Wait", "body": "b", "image": "https://cdn.example/i.png", "coupon": "C10",
                                                 "email_capture": True, "button": "Go", "trigger": {"exit_intent": True, "idle_seconds": 30}},
}
SLIDER = {"kind": "slider", "name": "Recs", "slot": "recs", "content": {"title": "For you", "strategy": "similar", "limit": 8, "category": "K"}}
SEGMENT = {"name": "Big spenders", "match": "any", "conditions": [
    {"field": "total_spend", "op": "gt", "value": 100}, {"field": "stage", "op": "in", "value": ["loyal"]},
    {"field": "last_seen_at", "op": "within_days", "value": 30}, {"field": "first_seen_at", "op": "before", "value": "2026-01-01"},
]}
PRODUCTS = {"products": [{"external_id": "P1", "title": "Mug", "url": "/p/mug", "image_url": "https://cdn.example/m.png", "price": "9.50",
                          "currency": "EUR", "vendor": "Acme", "category": "Kitchen", "tags": ["a"], "in_stock": True}]}
MERCHANT_RULES = {"pins": ["P1"], "exclude": {"products": ["P2"], "tags": ["x"], "categories": ["y"]},
                  "boost": {"products": {"P1": 2.0}, "tags": {"a": 1.5}, "categories": {"Kitchen": 3}}}


@pytest.fixture
def admin(client, make_shop):
    """(send(method, path, body=None, raw=None), ids of a rule, segment and experiment of the shop)."""
    shop, secret = make_shop("Fuzzed")
    headers = {"Authorization": f"Bearer {secret}"}

    def send(method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        return client.open(path, method=method, data=data, content_type="application/json", headers=headers)

    rule = send("POST", "/admin/api/rules", POPUP).get_json()
    segment = send("POST", "/admin/api/segments", SEGMENT).get_json()
    experiment = send("POST", "/admin/api/experiments", {"rule_id": rule["id"], "name": "t", "variants": [{"name": "a"}]}).get_json()
    return send, {"rule": rule["id"], "segment": segment["id"], "experiment": experiment["id"]}


def body_strategy(example):
    return st.one_of(mutations(example).map(lambda value: json.dumps(value).encode()), junk_bodies())


WRITES = [
    ("POST", "/admin/api/rules", BLOCK), ("POST", "/admin/api/rules", POPUP), ("POST", "/admin/api/rules", SLIDER),
    ("PUT", "/admin/api/rules/{rule}", BLOCK), ("PATCH", "/admin/api/rules/{rule}", {"enabled": False, "priority": 2}),
    ("POST", "/admin/api/segments", SEGMENT), ("PUT", "/admin/api/segments/{segment}", SEGMENT),
    ("POST", "/admin/api/segments/count", SEGMENT),
    ("POST", "/admin/api/experiments", {"rule_id": 0, "name": "t", "variants": [{"name": "a", "weight": 2, "content": {"headline": "B"}}]}),
    ("PUT", "/admin/api/experiments/{experiment}", {"rule_id": 0, "name": "t", "status": "stopped", "variants": [{"name": "a"}], "holdout": 0.2}),
    ("POST", "/admin/api/products", PRODUCTS), ("PUT", "/admin/api/recommendation-rules", MERCHANT_RULES),
    ("POST", "/admin/api/model/retrain", {"x": 1}),
    ("PATCH", "/admin/api/settings", {"holdout_percent": 10, "free_shipping_threshold": "50.00"}),
    ("PUT", "/admin/api/leads/settings", {"double_opt_in": False, "webhook_url": "https://hooks.example/leads", "webhook_secret": "s" * 32}),
    ("POST", "/admin/api/leads/settings/webhook-secret", {"x": 1}),
    ("POST", "/admin/api/discount-codes", {"pool": "welcome", "codes": ["WELCOME-1", "WELCOME-2"]}),
]


@pytest.mark.parametrize("method, path, example", WRITES, ids=[f"{m} {p} {e.get('kind', '')}" for m, p, e in WRITES])
def test_writes_never_fail(admin, method, path, example):
    send, ids = admin
    example = {**example, "rule_id": ids["rule"]} if "rule_id" in example else example
    tally = Tally()

    @FUZZ
    @given(body=body_strategy(example))
    def check(body):
        response = send(method, path.format(**ids), raw=body)
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"{method} {path}")


RECORD_ROUTES = [
    ("GET", "/admin/api/rules/{}"), ("PUT", "/admin/api/rules/{}"), ("PATCH", "/admin/api/rules/{}"), ("DELETE", "/admin/api/rules/{}"),
    ("GET", "/admin/api/rules/{}/preview"), ("GET", "/admin/api/segments/{}"), ("PUT", "/admin/api/segments/{}"),
    ("DELETE", "/admin/api/segments/{}"), ("GET", "/admin/api/experiments/{}"), ("PUT", "/admin/api/experiments/{}"),
    ("DELETE", "/admin/api/experiments/{}"), ("GET", "/admin/api/jobs/{}"), ("DELETE", "/admin/api/discount-codes/{}"),
]


def test_hostile_ids_in_paths_are_never_a_5xx(admin):
    send, ids = admin
    tally = Tally()

    @FUZZ
    @given(route=st.sampled_from(RECORD_ROUTES), record=path_segments())
    def check(route, record):
        method, path = route
        response = send(method, path.format(record), BLOCK if method in ("PUT", "PATCH") else None)
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report("admin routes with hostile ids")


@pytest.mark.parametrize("path, example", [
    ("/admin/api/stats", {"from": "2026-11-01T00:00:00Z", "to": "2026-11-23T00:00:00Z", "rule": "1"}),
    ("/admin/api/products", {"limit": "10", "offset": "0"}),
    ("/admin/api/rules/{rule}/preview", {"url": "https://shop.example/products/p1?x=1#y"}),
    ("/admin/api/rules", {"x": "1"}), ("/admin/api/segments", {"x": "1"}), ("/admin/api/experiments", {"x": "1"}),
    ("/admin/api/recommendation-rules", {"x": "1"}), ("/admin/api/settings", {"x": "1"}),
    ("/admin/api/leads/settings", {"x": "1"}), ("/admin/api/leads/webhook-deliveries", {"x": "1"}),
    ("/admin/api/discount-codes", {"x": "1"}),
])
def test_reads_never_fail(admin, path, example):
    send, ids = admin
    tally = Tally()

    @FUZZ
    @given(query=query_mutations(example))
    def check(query):
        response = send("GET", f"{path.format(**ids)}?{encode_query(query)}")
        assert tally.record(response.status_code) < 500, response.get_data(as_text=True)

    check()
    tally.report(f"GET {path}")
