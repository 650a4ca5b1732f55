"""Shopify webhooks are answered fast and processed after: POST /shopify/webhooks (verify HMAC, dedupe,
store, enqueue on the task queue) against a bare Flask endpoint that only reads the body, in the same run, and the time the
worker then spends on each delivery.

    .venv/bin/python benchmarks/webhooks.py [--requests 1000]

The payload is Shopify's own `product.json` fixture when ../shared/datasets is present, else a product
of the same shape; each request is a distinct event id (a real delivery, not a duplicate).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from flask import Flask, request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import db, migrate  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import Product, ShopifyInstall  # noqa: E402
from app.runner import run_pending  # noqa: E402
from app.shops import create_shop  # noqa: E402
from benchmarks.loopback import loopback_connection  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)
SECRET = "benchmark-secret"
DOMAIN = "bench-store.myshopify.com"
FIXTURE = ROOT.parent / "shared/datasets/shopify-admin-fixtures/shopify_python_api/product.json"


def product_payload(n: int) -> dict:
    if FIXTURE.exists():
        product = json.loads(FIXTURE.read_text())["product"]
    else:
        product = {"title": "IPod Nano - 8GB", "handle": "ipod-nano", "product_type": "Cult Products", "vendor": "Apple",
                   "tags": "Emotive, Flash Memory, MP3, Music", "variants": [{"price": "199.00", "inventory_quantity": 10}],
                   "images": [], "image": None}
    return {**product, "id": 10_000_000 + n}


def post_all(wsgi_app, bodies: list[tuple[bytes, dict]]) -> list[float]:
    latencies = []
    with loopback_connection(wsgi_app) as connection:
        for n, (body, headers) in enumerate(bodies):
            started = time.perf_counter()
            connection.request("POST", "/shopify/webhooks", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"webhook answered {response.status}")
            if n >= 20:
                latencies.append(elapsed)
    return latencies


def bare_app() -> Flask:
    app = Flask("floor")

    @app.post("/shopify/webhooks")
    def receive():
        request.get_data()
        return "ok"

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SHOPIFY_API_KEY": "key", "SHOPIFY_API_SECRET": SECRET})
        with app.app_context():
            session = db.session()
            shop, _ = create_shop(session, "Bench", DOMAIN)
            session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, sync_state={}))
            session.commit()

        bodies = []
        for n in range(args.requests + 20):
            body = json.dumps(product_payload(n)).encode()
            signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
            bodies.append((body, {"Content-Type": "application/json", "X-Shopify-Topic": "products/update",
                                  "X-Shopify-Shop-Domain": DOMAIN, "X-Shopify-Event-Id": f"evt-{n}",
                                  "X-Shopify-Hmac-Sha256": signature}))

        floor = post_all(bare_app(), bodies)
        ours = post_all(app, bodies)
        with app.app_context():
            session = db.session()
            started = time.perf_counter()
            processed = run_pending(app)  # through the task queue (SQLite file beside the database), as a worker would
            work = time.perf_counter() - started
            stored = session.query(Product).count()

    def summary(latencies):
        values = np.array(latencies) * 1000
        return np.percentile(values, 50), np.percentile(values, 99), len(values) / sum(latencies)

    (f50, f99, frps), (o50, o99, orps) = summary(floor), summary(ours)
    print(f"payload: {'Shopify product.json fixture' if FIXTURE.exists() else 'built-in product'}, {len(bodies)} deliveries, SQLite")
    print(f"bare Flask endpoint (reads the body):   p50 {f50:.2f} ms  p99 {f99:.2f} ms  {frps:,.0f} req/s")
    print(f"POST /shopify/webhooks (HMAC, dedupe, store, enqueue): p50 {o50:.2f} ms  p99 {o99:.2f} ms  {orps:,.0f} req/s")
    print(f"answer time vs the floor: {o50 / f50:.1f}x at p50")
    print(f"worker afterwards: {processed} jobs in {work:.1f} s ({work / max(processed, 1) * 1000:.1f} ms each), {stored} products stored")


if __name__ == "__main__":
    main()
