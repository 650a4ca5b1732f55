"""Shopify's own HMAC test vectors, and the shop-domain rule."""
from __future__ import annotations

import json

import pytest

from app.shopify.signatures import (
    is_shop_domain,
    query_hmac,
    query_is_authentic,
    query_message,
    webhook_is_authentic,
)


@pytest.fixture
def vectors(shared_datasets):
    return json.loads((shared_datasets / "shopify-hmac-vectors" / "shopify_hmac_vectors.json").read_text())


def test_webhook_body_vectors_verify(vectors):
    for vector in vectors["webhook_body_hmac"]:
        body = vector["raw_body"].encode()
        assert webhook_is_authentic([vector["secret"]], body, vector["expected_hmac_base64"]), vector["source"]
        assert not webhook_is_authentic(["another secret"], body, vector["expected_hmac_base64"])


def test_rotated_secret_is_accepted_alongside_the_current_one(vectors):
    old = [v for v in vectors["webhook_body_hmac"] if v["secret"] == "old_secret"][0]
    assert webhook_is_authentic(["secret", "old_secret"], old["raw_body"].encode(), old["expected_hmac_base64"])


def test_reserialised_webhook_body_fails(vectors):
    vector = next(v for v in vectors["webhook_body_hmac"] if v["raw_body"].startswith("{"))
    reserialised = json.dumps(json.loads(vector["raw_body"]), separators=(",", ":") if " " in vector["raw_body"] else (", ", ": "))
    assert reserialised != vector["raw_body"]
    assert not webhook_is_authentic([vector["secret"]], reserialised.encode(), vector["expected_hmac_base64"])


def test_missing_or_empty_webhook_header_fails():
    assert not webhook_is_authentic(["secret"], b"{}", None)
    assert not webhook_is_authentic(["secret"], b"{}", "")
    assert not webhook_is_authentic([""], b"{}", "anything")


def test_sorted_oauth_vectors_verify(vectors):
    sorted_vectors = [v for v in vectors["oauth_query_hmac"] if "ODD" not in v.get("note", "")]
    assert len(sorted_vectors) == 3
    for vector in sorted_vectors:
        assert query_message(vector["params"]) == vector["signed_message"]
        params = {**vector["params"], "hmac": vector["expected_hmac_hex"]}
        assert query_is_authentic(vector["secret"], params), vector["source"]


def test_php_insertion_order_vector_is_rejected_by_the_sorting_validator(vectors):
    """Documented quirk: the PHP test signs `shop&state&code` unsorted; Shopify's rule sorts."""
    vector = next(v for v in vectors["oauth_query_hmac"] if "ODD" in v.get("note", ""))
    assert not query_is_authentic(vector["secret"], {**vector["params"], "hmac": vector["expected_hmac_hex"]})
    assert query_hmac(vector["secret"], vector["params"]).startswith("0c9ded73")


def test_tampered_oauth_query_fails(vectors):
    vector = vectors["oauth_query_hmac"][0]
    params = {**vector["params"], "hmac": vector["expected_hmac_hex"], "shop": "evil.myshopify.com"}
    assert not query_is_authentic(vector["secret"], params)
    assert not query_is_authentic(vector["secret"], dict(vector["params"]))  # no hmac at all


@pytest.mark.parametrize("domain, ok", [
    ("demo-store.myshopify.com", True),
    ("a1.myshopify.com", True),
    ("x.myshopify.com.evil.com", False),
    ("evil.com/x.myshopify.com", False),
    ("-bad.myshopify.com", False),
    ("Demo.myshopify.com", False),
    ("demo.myshopify.com\n", False),
    ("myshopify.com", False),
    ("", False),
    (None, False),
])
def test_shop_domain_rule(domain, ok):
    assert is_shop_domain(domain) is ok
