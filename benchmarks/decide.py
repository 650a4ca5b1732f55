"""Decision speed: GET /v1/decide with 10,000 profiles, 20 rules and 5 experiments, against a bare
Flask JSON endpoint served the same way in the same run (the floor: routing, JSON and HTTP only).

    .venv/bin/python benchmarks/decide.py [--requests 2000] [--profiles 10000]

Sliders use the trending strategy here (no trained model needed); the recommender's own cost is
measured by benchmarks/recommend.py.
"""
from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from flask import Flask, jsonify
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import current_app  # noqa: E402

from app import db, migrate  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.ingest.orders import OrderData, OrderLineData, store_new_orders  # noqa: E402
from app.models import Experiment, Product, Profile, Rule, VisitorId  # noqa: E402
from app.schemas.rules import RuleSchema  # noqa: E402
from app.secret_box import IDENTITY_SECRETS, box_for  # noqa: E402
from app.shops import create_shop  # noqa: E402
from benchmarks.benchmark_limits import COUNTED_NEVER_TRIPPED  # noqa: E402
from benchmarks.loopback import loopback_connection  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)
STAGE_SETS = [["new_visitor"], ["returning_browser", "cart_builder"], ["first_time_buyer"], ["loyal"], ["lapsed"]]


def timed_requests(wsgi_app, paths: list[str]) -> list[float]:
    latencies = []
    with loopback_connection(wsgi_app) as connection:
        for n, path in enumerate(paths):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
            if n >= 20:
                latencies.append(elapsed)
    return latencies


def seed(app, profiles: int) -> tuple[str, list[str]]:
    rng = random.Random(1)
    now = datetime.now(UTC)
    schema = RuleSchema()
    with app.app_context():
        session = db.session()
        shop, _ = create_shop(session, "bench", None, settings={"holdout_percent": 5}, box=box_for(current_app, IDENTITY_SECRETS))
        session.execute(insert(Product.__table__), [
            {"shop_id": shop.id, "external_id": f"P{n}", "title": f"Product {n}", "price": 5, "tags": [], "in_stock": True,
             "created_at": now, "updated_at": now} for n in range(2000)
        ])
        ids = session.scalars(insert(Profile.__table__).returning(Profile.id), [
            {"shop_id": shop.id, "first_seen_at": now - timedelta(days=rng.randint(0, 300)), "last_seen_at": now,
             "session_count": rng.randint(1, 20), "customer_id": f"C{n}" if n % 3 == 0 else None} for n in range(profiles)
        ]).all()
        session.execute(insert(VisitorId.__table__), [
            {"shop_id": shop.id, "visitor_id": f"v{pid}", "profile_id": pid, "first_seen_at": now} for pid in ids
        ])
        orders = [
            OrderData(f"O{n}", now - timedelta(days=rng.randint(1, 400)), None, pid,
                      lines=[OrderLineData(f"P{rng.randrange(2000)}", 1, Decimal("5"))])
            for n, pid in enumerate(ids) if n % 3 == 0 for _ in range(rng.randint(1, 4))
        ]
        for n, order in enumerate(orders):
            order.external_id = f"O{n}"
        store_new_orders(session, shop.id, orders, "import")
        rules = []
        for n in range(20):
            kind = ("block", "block", "popup", "slider")[n % 4]
            definition = {
                "kind": kind, "name": f"rule {n}", "priority": n,
                "targeting": {"stages": STAGE_SETS[n % 5], "page_kinds": ["home", "product"]},
                "content": {"block": {"html": f"<p>Block {n} for {{{{first_name}}}}</p>"}, "popup": {"headline": f"Offer {n}"},
                            "slider": {"strategy": "trending", "limit": 8}}[kind],
            }
            if kind != "popup":
                definition["slot"] = f"slot-{n % 6}"
            rule = Rule(shop_id=shop.id, **schema.load(definition))
            session.add(rule)
            rules.append(rule)
        session.flush()
        for rule in rules[:5]:
            session.add(Experiment(shop_id=shop.id, rule_id=rule.id, name=f"test {rule.id}", holdout=0.1,
                                   variants=[{"name": "A", "weight": 1, "content": {}}, {"name": "B", "weight": 1, "content": {}}]))
        session.commit()
        return shop.public_key, [f"v{pid}" for pid in ids]


def report(label: str, latencies: list[float]) -> tuple[float, float, float]:
    p50, p99 = np.percentile(latencies, 50) * 1000, np.percentile(latencies, 99) * 1000
    rps = len(latencies) / sum(latencies)
    print(f"{label:26s} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   {rps:8.0f} req/s")
    return p50, p99, rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profiles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/decide.sqlite3"
        migrate.upgrade(url)
        app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": "bench"})
        key, visitors = seed(app, args.profiles)
        rng = random.Random(2)
        pages = ["https://shop.example/", "https://shop.example/products/P1", "https://shop.example/collections/all"]
        paths = [
            f"/v1/decide?key={key}&visitor_id={rng.choice(visitors)}&url={rng.choice(pages)}"
            for _ in range(args.requests + 20)
        ]
        floor_app = Flask("floor")
        payload = {"blocks": [{"rule_id": 1, "html": "<p>x</p>"}], "popups": [], "sliders": []}
        floor_app.add_url_rule("/v1/decide", "floor", lambda: jsonify(payload))
        decide = report("decide endpoint", timed_requests(app, paths))
        floor = report("bare Flask JSON endpoint", timed_requests(floor_app, paths))
        print(f"decide/floor: p50 {decide[0] / floor[0]:.1f}x, p99 {decide[1] / floor[1]:.1f}x, "
              f"throughput {decide[2] / floor[2]:.2f} of the floor "
              f"({args.profiles:,} profiles, 20 rules, 5 experiments, SQLite)")
        db.database(app).engine.dispose()


if __name__ == "__main__":
    main()
