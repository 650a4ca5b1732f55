"""App Proxy requests: storefront requests Shopify forwards to us, signed so that their parameters can be trusted.

A shopper's browser asks the shop for `/apps/p13n/...`; Shopify forwards it to `/shopify/proxy/...` here with
`shop`, `logged_in_customer_id` (empty when nobody is signed in), `path_prefix`, `timestamp` and `signature`
added (shopify.dev, "Authenticate app proxies"):

    signature = hex(HMAC-SHA256(app secret, sorted "key=value" pairs joined with nothing between them))

where `signature` itself is left out and a repeated key's values are joined by commas (`extra=1&extra=2`
is signed as `extra=1,2`). Unlike the OAuth `hmac`, nothing is escaped, so one message may be cut into pairs
in more than one way; a key holding `=` is refused, and the caller checks the values it relies on strictly
(a customer id is digits, the shop a myshopify domain), so a signature cannot be re-cut into another customer.

`timestamp` must be recent: a signed address copied from a log or a proxy cache stops working after
MAX_AGE_SECONDS (Shopify's own libraries allow 90 s). Plain Python, no Flask.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.shopify.signatures import is_shop_domain

SIGNATURE_PARAM = "signature"
MAX_AGE_SECONDS = 90
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]{1,20}")


class InvalidProxyRequest(Exception):
    """Not a current request signed by Shopify for this app. The reason is for our logs only, never the response."""


@dataclass(frozen=True)
class ProxyRequest:
    shop_domain: str  # your-store.myshopify.com
    customer_id: str | None  # Shopify's numeric customer id; None when no customer is signed in
    path_prefix: str  # where the shop mounts the proxy, e.g. /apps/p13n
    timestamp: int


def message(params: Mapping[str, str | list[str]]) -> str:
    pairs = []
    for key, value in params.items():
        if key == SIGNATURE_PARAM:
            continue
        joined = ",".join(str(item) for item in value) if isinstance(value, (list, tuple)) else str(value)
        pairs.append(f"{key}={joined}")
    return "".join(sorted(pairs))


def signature(secret: str, params: Mapping[str, str | list[str]]) -> str:
    return hmac.new(secret.encode(), message(params).encode(), hashlib.sha256).hexdigest()


def is_authentic(secrets: Iterable[str], params: Mapping[str, str | list[str]]) -> bool:
    """True when `signature` matches the other parameters under one of the secrets (two during a rotation)."""
    sent = params.get(SIGNATURE_PARAM)
    if not isinstance(sent, str) or _HEX_SHA256.fullmatch(sent.lower()) is None:
        return False
    if any("=" in key for key in params):
        return False
    matched = False
    for secret in secrets:
        if secret:
            # No early exit: every secret costs the same, whichever matches.
            matched |= hmac.compare_digest(signature(secret, params).encode(), sent.lower().encode())
    return matched


def verify(params: Mapping[str, str | list[str]], secrets: Iterable[str], now: float | None = None,
           max_age: float = MAX_AGE_SECONDS) -> ProxyRequest:
    """What Shopify vouches for in a proxied request, else InvalidProxyRequest.

    `params`: the query as app/shopify/signatures.params_from_multidict gives it (repeated keys as lists).
    """
    if not is_authentic(secrets, params):
        raise InvalidProxyRequest("missing or wrong signature")
    shop, customer, prefix, stamp = (params.get(name) for name in ("shop", "logged_in_customer_id", "path_prefix", "timestamp"))
    if not isinstance(stamp, str) or _DIGITS.fullmatch(stamp) is None:
        raise InvalidProxyRequest("no timestamp")
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > max_age:
        raise InvalidProxyRequest(f"timestamp {stamp} is more than {max_age:.0f} s away from now")
    if not isinstance(shop, str) or not is_shop_domain(shop):
        raise InvalidProxyRequest("shop is not a myshopify domain")
    if customer is None or not isinstance(customer, str) or (customer and _DIGITS.fullmatch(customer) is None):
        # Shopify always sends the parameter, empty when nobody is signed in.
        raise InvalidProxyRequest("logged_in_customer_id is missing or not a customer id")
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise InvalidProxyRequest("no path_prefix")
    return ProxyRequest(shop_domain=shop, customer_id=customer or None, path_prefix=prefix, timestamp=int(stamp))
