"""The GraphQL Admin API client: cost-based throttling, THROTTLED, 429 and 5xx retries, downloads."""
from __future__ import annotations

import json

import pytest
import requests
import responses

from app.shopify.client import AdminClient, ShopifyAPIError
from app.shopify.throttle import CostThrottle
from tests.helpers.shopify import DOMAIN, GRAPHQL_URL, TOKEN, cost, graphql_answer

SHOP_QUERY = "{ shop { name } }"
# A THROTTLED answer as Shopify sends it (HTTP 200, no data, the bucket in extensions).
THROTTLED = {
    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED",
                                                       "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
    "extensions": {"cost": {"requestedQueryCost": 752, "actualQueryCost": None,
                            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 666, "restoreRate": 50.0}}},
}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_client(waits: list, clock=None) -> AdminClient:
    clock = clock or Clock()

    def sleep(seconds):  # time passes while we wait, as it would
        waits.append(round(seconds, 3))
        clock.now += seconds
    return AdminClient(DOMAIN, TOKEN, "2026-10", sleep=sleep, clock=clock)


@responses.activate
def test_waits_for_the_cost_bucket_before_a_query_it_cannot_afford():
    waits, clock = [], Clock()
    client = make_client(waits, clock)
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "A"}}, requested=101, available=10, restore=50))
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "B"}}, requested=101, available=1000, restore=50))

    assert client.query(SHOP_QUERY) == {"shop": {"name": "A"}}
    clock.now += 0.5  # 25 points restored meanwhile: 35 of the 101 the query costs
    assert client.query(SHOP_QUERY) == {"shop": {"name": "B"}}
    assert waits == [1.32]  # (101 - 35) / 50 points a second, and no more
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"query": SHOP_QUERY, "variables": {}}
    assert responses.calls[0].request.headers["X-Shopify-Access-Token"] == TOKEN
    assert responses.calls[0].request.url == f"https://{DOMAIN}/admin/api/2026-10/graphql.json"


@responses.activate
def test_a_throttled_query_waits_for_what_it_needs_and_is_retried():
    waits = []
    client = make_client(waits)
    responses.post(GRAPHQL_URL, json=THROTTLED)
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "A"}}, requested=752, available=248))
    assert client.query(SHOP_QUERY) == {"shop": {"name": "A"}}
    assert waits == [1.72]  # (752 requested - 666 available) / 50 restored a second
    assert len(responses.calls) == 2


@responses.activate
def test_429_waits_for_retry_after_and_5xx_backs_off():
    waits = []
    client = make_client(waits)
    responses.post(GRAPHQL_URL, status=429, headers={"Retry-After": "2.0"}, json={"errors": "Exceeded"})
    responses.post(GRAPHQL_URL, status=503, body="unavailable")
    responses.post(GRAPHQL_URL, body=requests.ConnectionError("reset"))
    responses.post(GRAPHQL_URL, json=graphql_answer({"ok": True}))
    assert client.query(SHOP_QUERY) == {"ok": True}
    assert waits == [2.0, 2.0, 4.0]  # Retry-After, then 1 s doubling per failure (the 2nd and 3rd)


@responses.activate
def test_gives_up_after_five_failures():
    waits = []
    client = make_client(waits)
    for _ in range(5):
        responses.post(GRAPHQL_URL, status=500, body="oops")
    with pytest.raises(ShopifyAPIError, match="failed after 5 tries"):
        client.query(SHOP_QUERY)
    assert waits == [1.0, 2.0, 4.0, 8.0]


@responses.activate
def test_graphql_errors_other_than_throttling_are_not_retried():
    client = make_client([])
    responses.post(GRAPHQL_URL, json={"errors": [{"message": "Access denied for orders field.",
                                                  "extensions": {"code": "ACCESS_DENIED"}}], "data": None})
    with pytest.raises(ShopifyAPIError) as raised:
        client.query(SHOP_QUERY)
    assert raised.value.code == "ACCESS_DENIED" and len(responses.calls) == 1


@responses.activate
def test_a_refused_token_is_reported_at_once():
    client = make_client([])
    responses.post(GRAPHQL_URL, status=401, json={"errors": "[API] Invalid API key or access token"})
    with pytest.raises(ShopifyAPIError, match="refused the access token"):
        client.query(SHOP_QUERY)
    assert len(responses.calls) == 1


@responses.activate
def test_bulk_results_are_streamed_without_the_token_and_can_resume():
    client = make_client([])
    url = "https://storage.googleapis.com/bulk/1.jsonl?X-Goog-Signature=x"
    responses.get(url, body=b'{"id": 1}\n{"id": 2}\n\n{"id": 3}\n')
    assert list(client.stream_lines(url)) == [b'{"id": 1}', b'{"id": 2}', b'{"id": 3}']
    assert list(client.stream_lines(url, skip=2)) == [b'{"id": 3}']
    assert all("X-Shopify-Access-Token" not in call.request.headers for call in responses.calls)
    with pytest.raises(ShopifyAPIError):
        list(client.stream_lines("http://storage.example/plain.jsonl"))


def test_throttle_estimates_the_refill_and_never_waits_for_an_impossible_query():
    throttle = CostThrottle()
    assert throttle.wait_before(500, now=0) == 0  # nothing known yet
    throttle.record(cost(requested=100, available=100, maximum=1000, restore=50), now=10)
    assert throttle.wait_before(200, now=10) == 2.0
    assert throttle.wait_before(200, now=11) == 1.0
    assert throttle.wait_before(200, now=13) == 0
    assert throttle.wait_before(5000, now=10) == 0  # over the bucket: Shopify refuses it, waiting cannot help
    assert throttle.estimated_available(now=100) == 1000  # never above the bucket's size
