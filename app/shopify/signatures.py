"""Checking that a request really comes from Shopify: plain functions over bytes and dicts.

Two schemes (https://shopify.dev/docs/apps/build/authentication-authorization):
- webhooks: base64(HMAC-SHA256(secret, raw body)) in X-Shopify-Hmac-Sha256. The
  raw bytes, never a re-serialised body: any change of spacing breaks the HMAC.
- OAuth redirects: hex(HMAC-SHA256(secret, message)) in the `hmac` query
  parameter, where message is the other parameters as sorted `k=v` pairs joined by `&`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping

# Shopify's own store domains only: `x.myshopify.com.evil.com` and custom domains are refused.
SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*\.myshopify\.com")
UNSIGNED_PARAMS = ("hmac", "signature")


def is_shop_domain(value: str | None) -> bool:
    # fullmatch, not `$`: `$` would also accept a trailing newline.
    return bool(value) and len(value) <= 255 and SHOP_DOMAIN.fullmatch(value) is not None


def webhook_hmac(secret: str, raw_body: bytes) -> str:
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_is_authentic(secrets: Iterable[str], raw_body: bytes, header: str | None) -> bool:
    """True when the header matches the body under any of the secrets (several during a rotation)."""
    if not header:
        return False
    sent = header.strip().encode()
    matched = False
    for secret in secrets:
        if secret:
            # No early exit: every secret costs the same, whichever matches.
            matched |= hmac.compare_digest(webhook_hmac(secret, raw_body).encode(), sent)
    return matched


def _signed_pairs(params: Mapping[str, str | list]) -> Iterable[str]:
    for key, value in params.items():
        if key in UNSIGNED_PARAMS:
            continue
        if isinstance(value, (list, tuple)):
            # Array parameters (`ids[]=2&ids[]=1`) are signed as `ids=["2", "1"]`.
            key = key[:-2] if key.endswith("[]") else key
            value = json.dumps([str(item) for item in value])
        # Escaped so a value containing `&` or `=` cannot forge another pair.
        key = str(key).replace("%", "%25").replace("=", "%3D")
        value = str(value).replace("%", "%25")
        yield f"{key}={value}".replace("&", "%26")


def query_message(params: Mapping[str, str | list]) -> str:
    return "&".join(sorted(_signed_pairs(params)))


def query_hmac(secret: str, params: Mapping[str, str | list]) -> str:
    return hmac.new(secret.encode(), query_message(params).encode(), hashlib.sha256).hexdigest()


def query_is_authentic(secret: str, params: Mapping[str, str | list]) -> bool:
    sent = params.get("hmac")
    if not secret or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(query_hmac(secret, params).encode(), sent.strip().lower().encode())


def params_from_multidict(args) -> dict[str, str | list[str]]:
    """A werkzeug MultiDict as the signing rule sees it: repeated or `[]` keys become lists."""
    params: dict[str, str | list[str]] = {}
    for key in args.keys():
        values = args.getlist(key)
        params[key] = values if key.endswith("[]") or len(values) > 1 else values[0]
    return params
