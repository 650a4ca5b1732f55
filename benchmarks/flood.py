"""Abuse figures: what one client can do to a shop with its public key, through gunicorn as production runs.

    .venv/bin/python benchmarks/flood.py                      # SQLite, limits' counters in memory
    .venv/bin/python benchmarks/flood.py --workers 2 --redis redis://127.0.0.1:6379/10 \\
        --postgres postgresql://postgres@127.0.0.1:5432/bench  # the database given is wiped

Each flood comes from its own address (X-Forwarded-For behind TRUSTED_PROXIES=1), with 8 concurrent
connections: 6,000 event batches; 600 lead posts; 2,000 batches each from a new visitor id (profiles
created, and how fast); 50 forged pop-up sign-ups after one real one (conversions the stats report);
and a brisk shopper (60 page views as fast as possible: the script, a decision, two event batches).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import migrate  # noqa: E402
from app.config import normalize_database_url  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.models import Lead, Profile, Rule  # noqa: E402
from app.secret_box import IDENTITY_SECRETS, box_for  # noqa: E402
from app.shops import create_shop  # noqa: E402

CONCURRENCY = 8


def prepared_database(url: str) -> tuple[str, str, int]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(url)
    with Session(engine) as session:
        box = box_for("flood", IDENTITY_SECRETS)  # the servers run with SECRET_KEY=flood
        shop, secret = create_shop(session, "Flooded shop", None, settings={"holdout_percent": 0}, box=box)
        rule = Rule(shop_id=shop.id, kind="popup", name="Exit offer", enabled=True, priority=1, content={"headline": "Wait!"},
                    targeting={}, frequency={})
        session.add(rule)
        session.commit()
        return shop.public_key, secret, rule.id


def event(visitor: str, kind: str = "page_view", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "type": kind, "visitor_id": visitor, "url": "https://shop.example/", **fields}


def flood(base: str, address: str, requests_: list[tuple[str, str, dict | None]]) -> tuple[Counter, float]:
    """Send (method, path, body) requests from ``address`` on CONCURRENCY connections; statuses and seconds."""
    sessions = [requests.Session() for _ in range(CONCURRENCY)]

    def one(numbered):
        n, (method, path, body) = numbered
        data = json.dumps(body) if body is not None else None
        response = sessions[n % CONCURRENCY].request(method, base + path, data=data, timeout=30,
                                                     headers={"Content-Type": "text/plain", "X-Forwarded-For": address})
        return response.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        statuses = Counter(pool.map(one, enumerate(requests_)))
    return statuses, time.monotonic() - started


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


def run(url: str, workers: int, redis_url: str | None) -> None:
    key, secret, rule_id = prepared_database(url)
    engine = make_engine(url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "flood", "TRUSTED_PROXIES": "1"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        report(base, engine, key, secret, rule_id)
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(base: str, engine, key: str, secret: str, rule_id: int) -> None:
    batches = [("POST", "/v1/events", {"key": key, "events": [event("flooder")]}) for _ in range(6000)]
    statuses, seconds = flood(base, "203.0.113.1", batches)
    print(f"6,000 event batches in {seconds:.1f} s: {dict(statuses)}")

    leads = [("POST", "/v1/leads", {"key": key, "email": f"spam{n}@example.com", "consent": True}) for n in range(600)]
    statuses, seconds = flood(base, "203.0.113.2", leads)
    print(f"600 lead posts in {seconds:.1f} s: {dict(statuses)}; leads stored: {count(engine, Lead)}")

    before = count(engine, Profile)
    newcomers = [("POST", "/v1/events", {"key": key, "events": [event(f"fake-{n}")]}) for n in range(2000)]
    statuses, seconds = flood(base, "203.0.113.3", newcomers)
    created = count(engine, Profile) - before
    print(f"2,000 batches from new visitor ids in {seconds:.1f} s: {dict(statuses)}; profiles created: {created} ({created / seconds:.0f}/s)")

    real = requests.get(base + "/v1/decide", params={"key": key, "visitor_id": "real"}, headers={"X-Forwarded-For": "198.51.100.1"}).json()
    signed_up = {"rule_id": rule_id, "decision_id": real["decision_id"], "widget": "popup"}
    flood(base, "198.51.100.1", [("POST", "/v1/events", {"key": key, "events": [event("real", "popup_submit", props=signed_up)]})])
    forged = [("POST", "/v1/events", {"key": key, "events": [event(f"bot-{n}", "popup_submit", props={
        "rule_id": rule_id, "decision_id": f"dc_{n:012x}", "widget": "popup"})]}) for n in range(50)]
    flood(base, "203.0.113.4", forged)
    stats = requests.get(base + "/admin/api/stats", headers={"Authorization": f"Bearer {secret}"}).json()
    conversions = sum(variant["popup_conversions"] for rule in stats["rules"] for variant in rule["variants"])
    print(f"1 real and 50 forged pop-up sign-ups: the stats count {conversions} conversions")

    shopper = []
    for page in range(60):
        shopper += [("GET", f"/s/{key}.js", None), ("GET", f"/v1/decide?key={key}&visitor_id=shopper", None),
                    ("POST", "/v1/events", {"key": key, "events": [event("shopper"), event("shopper", "product_view", product_id=f"P{page}")]}),
                    ("POST", "/v1/events", {"key": key, "events": [event("shopper", "page_view")]})]
    statuses, seconds = flood(base, "198.51.100.2", shopper)
    print(f"a brisk shopper, 60 page views ({len(shopper)} requests) in {seconds:.1f} s: {dict(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL URL (wiped) instead of a temporary SQLite file")
    parser.add_argument("--redis", help="REDIS_URL for the limits' counters (default: each worker's memory)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = normalize_database_url(args.postgres) if args.postgres else f"sqlite:///{scratch}/flood.sqlite3"
        run(url, args.workers, args.redis)


if __name__ == "__main__":
    main()
