"""Where the limits' counters live: in each process's memory by default, in Redis when REDIS_URL is set."""
from __future__ import annotations

import json
import socket
import threading

import redis
from limits import parse_many
from limits.storage import memory as limits_memory
from limits.strategies import SlidingWindowCounterRateLimiter

from app.storefront.limit_storage import SweptMemoryStorage
from tests.helpers.apps import another_app, dispose
from tests.helpers.events import event

ADDRESS = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}


def two_instances(app, **config):
    return [another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_DECIDE="4/hour", **config) for _ in range(2)]


def decide_statuses(instances, key: str, rounds: int) -> list[int]:
    """Requests alternating between the instances, as a load balancer would send them."""
    clients = [instance.test_client() for instance in instances]
    return [clients[n % 2].get("/v1/decide", query_string={"key": key}, **ADDRESS).status_code for n in range(rounds)]


def test_instances_sharing_redis_share_the_counters(app, make_shop, redis_url):
    shop, _ = make_shop()
    instances = two_instances(app, REDIS_URL=redis_url)
    assert decide_statuses(instances, shop.public_key, 6) == [200, 200, 200, 200, 429, 429]
    stored = [key.decode() for key in redis.Redis.from_url(redis_url).scan_iter(match=f"*{shop.public_key}*")]
    assert stored and all("LIMITER/p13n/" in key for key in stored)
    for instance in instances:
        dispose(instance)


def test_new_profile_allowance_is_shared_through_redis_too(app, make_shop, redis_url):
    shop, _ = make_shop()
    instances = [another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_NEW_VISITORS="3/hour", REDIS_URL=redis_url) for _ in range(2)]
    clients = [instance.test_client() for instance in instances]
    statuses = [
        clients[n % 2].post("/v1/events", data=json.dumps({"key": shop.public_key, "events": [event(visitor_id=f"v{n}")]}),
                            content_type="text/plain", **ADDRESS).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    for instance in instances:
        dispose(instance)


def test_without_redis_each_process_counts_in_its_own_memory(app, make_shop):
    shop, _ = make_shop()
    instances = two_instances(app)
    assert decide_statuses(instances, shop.public_key, 10) == [200] * 8 + [429, 429]
    for instance in instances:
        dispose(instance)


def test_an_unreachable_redis_falls_back_to_limits_in_memory_never_to_errors(app, make_shop):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    shop, _ = make_shop()
    instance = another_app(app, RATE_LIMITS_ENABLED=True, RATE_LIMIT_DECIDE="4/hour", REDIS_URL=f"redis://127.0.0.1:{closed_port}/0")
    client = instance.test_client()
    statuses = [client.get("/v1/decide", query_string={"key": shop.public_key}, **ADDRESS).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    new_visitor = client.post("/v1/events", data=json.dumps({"key": shop.public_key, "events": [event()]}),
                              content_type="text/plain", **ADDRESS)
    assert new_visitor.status_code == 200
    dispose(instance)


def test_memory_counters_start_no_thread_per_request_and_are_swept_when_stale(monkeypatch):
    """limits' own MemoryStorage starts a timer thread on nearly every hit; ours sweeps inline now and then."""
    storage = SweptMemoryStorage()
    strategy = SlidingWindowCounterRateLimiter(storage)
    [item] = parse_many("2/minute")
    timers, real_timer = [], threading.Timer
    monkeypatch.setattr(limits_memory.threading, "Timer", lambda *args: timers.append(args) or real_timer(*args))
    hits = []
    for _ in range(3):
        storage.timer.join()  # requests come more than the parent's 10 ms apart: its last timer is done
        hits.append(strategy.hit(item, "client"))
    assert hits == [True, True, False] and timers == []
    storage.incr("abandoned", expiry=-1)  # a counter whose window ended, never read again
    storage._next_sweep = 0
    strategy.hit(item, "another client")
    assert "abandoned" not in storage.storage and not strategy.test(item, "client")
