"""Abuse limits on the public endpoints (the ``limits`` library), per shop key and client address.

The public key is on every page of the shop, so anyone can call these
endpoints; what one client may do is bounded per endpoint (``RATE_LIMIT_*``,
README "Configuration"). Past a limit the answer is 429 with ``Retry-After``,
which the storefront script honours (it keeps the events and sends them
later). Counters live in Redis when ``REDIS_URL`` is set, so that every
instance counts the same client; otherwise in this process's memory, which is
right for the embedded single process. With Redis unreachable the limits are
kept in memory for a while rather than failing requests.

Beyond requests, new profiles are counted too: each first-seen visitor id
creates one, and a script makes one per browser, not thousands a second.
"""
from __future__ import annotations

import ipaddress
import logging
import math
import time
from functools import lru_cache

from flask import Flask, Response, current_app, jsonify, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from app.redis_outage import RedisOutage
from app.storefront.body import posted_key
from app.storefront.limit_storage import SweptMemoryStorage

log = logging.getLogger(__name__)

EXTENSION = "p13n.limits"
KEY_PREFIX = "p13n"
# Which setting limits which endpoint; endpoints not named here are not limited.
ENDPOINT_LIMITS = {
    "storefront.post_events": "RATE_LIMIT_EVENTS",
    "storefront.post_lead": "RATE_LIMIT_LEADS",
    "storefront.get_decision": "RATE_LIMIT_DECIDE",
    "storefront.get_recommendations": "RATE_LIMIT_RECOMMENDATIONS",
    "storefront.storefront_script": "RATE_LIMIT_SCRIPT",
}
LIMITED_METHODS = ("GET", "HEAD", "POST")  # not CORS preflights
# A slow Redis must not slow every request: give up quickly and count in memory for a while.
REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 10.0
JS_MIMETYPE = "application/javascript; charset=utf-8"


class RequestLimits:
    """Counts each limited request with ``limits`` (sliding-window counters) before its view runs.

    flask-limiter did this before; its per-request work (resolving the limits of the endpoint, its
    exemptions and URL building) cost a quarter of a millisecond, a sixth of a warm /s/KEY.js. The
    limits here are parsed once, at start-up, and the counting is the same library's.
    """

    def __init__(self, app: Flask):
        self.enabled = bool(app.config.get("RATE_LIMITS_ENABLED", True))
        self.by_endpoint: dict[str, list[RateLimitItem]] = {
            endpoint: parse_many(app.config[setting]) for endpoint, setting in ENDPOINT_LIMITS.items()
        }
        self.new_visitors: list[RateLimitItem] = parse_many(app.config["RATE_LIMIT_NEW_VISITORS"])
        redis_url = app.config.get("REDIS_URL")
        self._shared = SlidingWindowCounterRateLimiter(storage_from_string(redis_url, **_storage_options(redis_url))) if redis_url else None
        self._memory = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
        self._outage = RedisOutage("rate-limit counters", "counting in memory", REDIS_RETRY_SECONDS)

    def count(self, work):
        """``work(strategy)`` on the shared counters, or in this process's memory while Redis is unreachable."""
        if self._shared is not None and self._outage.reachable():
            try:
                return work(self._shared)
            except Exception:  # noqa: BLE001 - the counters' store failing must never fail a shopper's request
                self._outage.failed()
        return work(self._memory)

    def check_request(self) -> Response | None:
        """A 429 answer when this request is over its endpoint's limit, else None (and the request is counted)."""
        if not self.enabled or request.method not in LIMITED_METHODS:
            return None
        items = self.by_endpoint.get(request.endpoint or "")
        if not items:
            return None
        identifiers = (KEY_PREFIX, request.endpoint, shop_key_and_address())

        def hit(strategy) -> float | None:
            for item in items:
                if not strategy.hit(item, *identifiers):
                    return strategy.get_window_stats(item, *identifiers).reset_time
            return None

        reset_at = self.count(hit)
        return too_many_requests_response(reset_at) if reset_at is not None else None


def init_app(app: Flask) -> None:
    limits = app.extensions[EXTENSION] = RequestLimits(app)
    app.before_request(limits.check_request)


def _storage_options(storage_uri: str) -> dict:
    if storage_uri.startswith(("redis", "rediss", "valkey")):
        return {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS}
    return {}


def shop_key_and_address() -> str:
    return f"{_shop_key()}|{client_address()}"


def _shop_key() -> str:
    """The public key the request names: in the script's path, the query, or the posted body."""
    if request.view_args and "public_key" in request.view_args:
        key = request.view_args["public_key"]
    elif request.method == "POST":
        key = posted_key()
    else:
        key = request.args.get("key")
    # Bounded, so a made-up key cannot make a huge counter name; an unknown key is refused by the view.
    return key[:64] if isinstance(key, str) and key else "-"


def client_address() -> str:
    """The client's address (from X-Forwarded-For only behind TRUSTED_PROXIES, through ProxyFix).

    IPv6 clients count per /64: a single subscriber usually holds a whole /64,
    and counting each of its addresses apart would be no limit at all.
    """
    address = request.remote_addr or ""
    # Remembered, as a few addresses make most requests; only short ones, which every real address is.
    return _remembered_address_name(address) if len(address) <= 64 else _address_name(address)


def _address_name(address: str) -> str:
    """The name ``address`` is counted under."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "-"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


_remembered_address_name = lru_cache(maxsize=4096)(_address_name)


def too_many_requests_response(reset_at: float) -> Response:
    seconds = max(1, math.ceil(reset_at - time.time()))
    if request.path.startswith("/s/"):
        response = Response(f"/* p13n: too many requests; retry after {seconds} s */\n", status=429, content_type=JS_MIMETYPE)
    else:
        response = jsonify(error=f"Too many requests from this address; retry after {seconds} seconds.", retry_after=seconds)
        response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


class NewVisitorAllowance:
    """Whether this request's client may create ``count`` more profiles (RATE_LIMIT_NEW_VISITORS).

    Called by ingest with the number of visitor ids it has never seen; when
    refused, ``reset_at`` says when to come back.
    """

    def __init__(self, shop_key: str):
        self._limits: RequestLimits = current_app.extensions[EXTENSION]
        self._identifiers = (KEY_PREFIX, f"{shop_key[:64]}|{client_address()}", "new_visitors")
        self._items = self._limits.new_visitors
        self.reset_at = time.time() + 1

    def __call__(self, count: int) -> bool:
        if not self._limits.enabled or count <= 0:
            return True
        try:
            return self._limits.count(lambda strategy: self._admit(strategy, count))
        except Exception:  # noqa: BLE001 - the counters' store failing must not cost the shop its events
            log.warning("new-visitor limit unavailable; admitting %d new visitors", count, exc_info=True)
        return True

    def _admit(self, strategy, count: int) -> bool:
        for item in self._items:
            if not strategy.test(item, *self._identifiers, cost=count):
                reset_at = strategy.get_window_stats(item, *self._identifiers).reset_time
                # More at once than the limit ever allows (a proxy's batch): come back after a whole window.
                self.reset_at = reset_at if count <= item.amount else time.time() + item.get_expiry()
                return False
        for item in self._items:
            strategy.hit(item, *self._identifiers, cost=count)
        return True
