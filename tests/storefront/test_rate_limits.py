"""Abuse limits on the public endpoints: per shop key and client address, 429 with Retry-After, a shopper never limited."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.config import from_environment
from app.models import Event, Lead, Profile
from tests.helpers.apps import another_app, dispose
from tests.helpers.events import event

SHOPPER = "198.51.100.23"
FLOODER = "203.0.113.66"


@pytest.fixture
def limited(app):
    """The app as it runs in production: limits on, with the defaults, counters in memory."""
    limited_app = another_app(app, RATE_LIMITS_ENABLED=True)
    yield limited_app
    dispose(limited_app)


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def post_json(client, path: str, body: dict, address: str = SHOPPER, **headers):
    return client.post(path, data=json.dumps(body), content_type="text/plain", headers=headers, **from_address(address))


def count(db_session, model) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(model))


def assert_refused_as_too_many(response) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    if response.mimetype == "application/javascript":  # the script tag's answer stays a script
        assert response.get_data(as_text=True).startswith("/* p13n: too many requests")
    else:
        assert "error" in response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_600_leads_from_one_address_store_at_most_100(limited, make_shop, db_session):
    shop, _ = make_shop()
    client = limited.test_client()
    statuses = [
        post_json(client, "/v1/leads", {"key": shop.public_key, "email": f"spam{n}@example.com", "consent": True}, FLOODER).status_code
        for n in range(600)
    ]
    stored = count(db_session, Lead)
    assert 0 < stored <= 100
    assert statuses.count(200) == stored and statuses.count(429) == 600 - stored
    assert_refused_as_too_many(post_json(client, "/v1/leads", {"key": shop.public_key, "email": "one@example.com", "consent": True}, FLOODER))


def test_a_flood_of_event_batches_is_refused_with_429_and_retry_after(limited, make_shop, db_session):
    shop, _ = make_shop()
    client = limited.test_client()
    statuses = [
        post_json(client, "/v1/events", {"key": shop.public_key, "events": [event(visitor_id="flood")]}, FLOODER).status_code
        for _ in range(1000)
    ]
    per_minute = int(limited.config["RATE_LIMIT_EVENTS"].split("/")[0])
    # At most two windows' worth, wherever the minute boundaries fall while the flood runs.
    assert statuses.count(200) <= 2 * per_minute and statuses.count(429) >= 1000 - 2 * per_minute
    assert set(statuses) == {200, 429}
    assert count(db_session, Event) == statuses.count(200)


@pytest.mark.parametrize("endpoint,setting", [
    ("/v1/decide", "RATE_LIMIT_DECIDE"),
    ("/v1/recommendations", "RATE_LIMIT_RECOMMENDATIONS"),
    ("/s/{key}.js", "RATE_LIMIT_SCRIPT"),
    ("/v1/events", "RATE_LIMIT_EVENTS"),
    ("/v1/leads", "RATE_LIMIT_LEADS"),
])
def test_each_public_endpoint_has_its_own_configurable_limit_per_key_and_address(app, make_shop, endpoint, setting):
    shop, _ = make_shop()
    other_shop, _ = make_shop("Other")
    limited_app = another_app(app, RATE_LIMITS_ENABLED=True, **{setting: "3/hour"})
    client = limited_app.test_client()

    def call(key: str, address: str):
        if endpoint in ("/v1/events", "/v1/leads"):
            body = {"key": key, "events": [event()], "email": "a@example.com", "consent": True}
            return post_json(client, endpoint, body, address)
        return client.get(endpoint.format(key=key), query_string={"key": key, "visitor_id": "v1"}, **from_address(address))

    assert [call(shop.public_key, FLOODER).status_code for _ in range(3)] == [200] * 3
    assert_refused_as_too_many(call(shop.public_key, FLOODER))
    assert call(shop.public_key, SHOPPER).status_code == 200, "another address has its own allowance"
    assert call(other_shop.public_key, FLOODER).status_code == 200, "another shop's key has its own allowance"
    dispose(limited_app)


def test_the_client_address_is_read_from_x_forwarded_for_only_behind_trusted_proxies(app, make_shop):
    shop, _ = make_shop()
    for proxies, expected in ((1, [200, 200, 200, 200]), (0, [200, 200, 429, 429])):
        limited_app = another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_DECIDE="2/hour", TRUSTED_PROXIES=proxies)
        client = limited_app.test_client()
        statuses = [
            client.get("/v1/decide", query_string={"key": shop.public_key}, headers={"X-Forwarded-For": forwarded},
                       **from_address("10.0.0.1")).status_code
            for forwarded in ("192.0.2.1", "192.0.2.1", "192.0.2.2", "192.0.2.2")
        ]
        assert statuses == expected, f"TRUSTED_PROXIES={proxies}"
        dispose(limited_app)


def test_ipv6_clients_are_limited_per_64_prefix(app, make_shop):
    """Anyone holding a /64 can use 2^64 addresses; counting each would be no limit at all."""
    shop, _ = make_shop()
    limited_app = another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_DECIDE="2/hour")
    client = limited_app.test_client()
    statuses = [client.get("/v1/decide", query_string={"key": shop.public_key}, **from_address(f"2001:db8:1:2::{n:x}")).status_code
                for n in range(1, 4)]
    assert statuses == [200, 200, 429]
    assert client.get("/v1/decide", query_string={"key": shop.public_key}, **from_address("2001:db8:1:3::1")).status_code == 200
    dispose(limited_app)


def test_a_normal_shopper_is_never_limited(limited, make_shop, db_session):
    """A minute of brisk shopping, sent as fast as the test client can: a page view every second with the
    script, its decision and its event batches (the page's burst and the beacon at pagehide), a slider's
    recommendations, and two pop-up sign-ups. Sent in one burst it is the worst case for any window."""
    shop, _ = make_shop()
    client = limited.test_client()
    statuses = []
    for second in range(60):
        url = f"https://shop.example/products/P{second}"
        statuses.append(client.get(f"/s/{shop.public_key}.js", **from_address(SHOPPER)).status_code)
        decided = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "shopper", "url": url}, **from_address(SHOPPER))
        statuses.append(decided.status_code)
        statuses.append(client.get("/v1/recommendations", query_string={"key": shop.public_key, "visitor_id": "shopper", "strategy": "trending"},
                                   **from_address(SHOPPER)).status_code)
        page = [event("page_view", "shopper", url=url), event("product_view", "shopper", product_id=f"P{second}", url=url)]
        seen = [event("widget_impression", "shopper", props={"rule_id": 1, "decision_id": decided.get_json()["decision_id"]})]
        for batch in (page, seen):
            statuses.append(post_json(client, "/v1/events", {"key": shop.public_key, "events": batch}).status_code)
        if second in (20, 40):
            statuses.append(post_json(client, "/v1/leads", {"key": shop.public_key, "email": "me@example.com", "consent": True}).status_code)
    assert statuses == [200] * len(statuses)


def test_one_client_cannot_create_profiles_without_end(limited, make_shop, db_session):
    """The finding: one client created about 3,200 profiles a second, one new visitor id per batch."""
    shop, _ = make_shop()
    client = limited.test_client()
    statuses = [
        post_json(client, "/v1/events", {"key": shop.public_key, "events": [event(visitor_id=f"fake-{n}")]}, FLOODER).status_code
        for n in range(200)
    ]
    created = count(db_session, Profile)
    assert statuses.count(200) == created and created <= 60
    refused = post_json(client, "/v1/events", {"key": shop.public_key, "events": [event(visitor_id="one-more")]}, FLOODER)
    assert_refused_as_too_many(refused)
    # Known visitors from that address are still served, and other addresses still get new profiles.
    assert post_json(client, "/v1/events", {"key": shop.public_key, "events": [event(visitor_id="fake-0")]}, FLOODER).status_code == 200
    assert post_json(client, "/v1/events", {"key": shop.public_key, "events": [event(visitor_id="newcomer")]}, SHOPPER).status_code == 200


def test_limits_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_LEADS", "7/minute")
    monkeypatch.setenv("RATE_LIMITS_ENABLED", "0")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/3")
    config = from_environment()
    assert config["RATE_LIMIT_LEADS"] == "7/minute" and config["RATE_LIMITS_ENABLED"] is False
    assert config["REDIS_URL"] == "redis://cache.internal:6379/3"
    monkeypatch.setenv("RATE_LIMIT_DECIDE", "lots")
    with pytest.raises(ValueError, match="RATE_LIMIT_DECIDE"):
        from_environment()
