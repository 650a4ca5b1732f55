"""Ingest throughput: events/s through POST /v1/events (real HTTP on loopback) against
raw SQLAlchemy Core inserts of the same rows, in the same process and run.

    .venv/bin/python benchmarks/ingest.py                       # SQLite only
    .venv/bin/python benchmarks/ingest.py --postgres postgresql://postgres@127.0.0.1:5432/bench
    (or set BENCH_DATABASE_URL)

The database given for PostgreSQL is wiped (schema public dropped) first.
Prints one line per backend: both rates and endpoint/raw as a ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import logging  # noqa: E402

from flask import current_app  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from app import db, migrate  # noqa: E402
from app.config import normalize_database_url  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import Event, Profile  # noqa: E402
from app.secret_box import IDENTITY_SECRETS, box_for  # noqa: E402
from app.shops import create_shop  # noqa: E402
from benchmarks.benchmark_limits import COUNTED_NEVER_TRIPPED  # noqa: E402
from benchmarks.loopback import loopback_connection  # noqa: E402

BATCH = 100
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request


def make_batches(total: int, visitors: int, seed_ts: datetime) -> list[list[dict]]:
    events = []
    for n in range(total):
        kind = ("page_view", "product_view", "add_to_cart")[n % 3]
        event = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "visitor_id": f"bench-{n % visitors}",
            "url": f"https://shop.example/products/{n % 500}",
            "referrer": "https://www.google.com/",
            "ts": (seed_ts + timedelta(milliseconds=n)).isoformat(),
            "props": {"title": "Product page", "device": "desktop"},
        }
        if kind != "page_view":
            event["product_id"] = f"SKU-{n % 500}"
        events.append(event)
    return [events[i : i + BATCH] for i in range(0, total, BATCH)]


def through_http(app, public_key: str, batches: list[list[dict]]) -> float:
    with loopback_connection(app) as connection:
        started = time.perf_counter()
        for batch in batches:
            body = json.dumps({"key": public_key, "sent_at": datetime.now(UTC).isoformat(), "events": batch})
            connection.request("POST", "/v1/events", body=body, headers={"Content-Type": "text/plain"})
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status != 200 or answer["accepted"] != len(batch):
                raise SystemExit(f"ingest failed: {response.status} {answer}")
        return time.perf_counter() - started


def raw_core_inserts(app, shop_id: int, batches: list[list[dict]]) -> float:
    """The floor: the same rows straight into the events table, one statement and commit per batch."""
    engine = db.database(app).engine
    with app.app_context():
        session = db.session()
        profile = Profile(shop_id=shop_id, first_seen_at=datetime.now(UTC), last_seen_at=datetime.now(UTC))
        session.add(profile)
        session.commit()
        profile_id = profile.id
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.connect() as connection:
        for batch in batches:
            rows = [
                {
                    "shop_id": shop_id, "client_event_id": "raw-" + e["id"], "type": e["type"], "profile_id": profile_id,
                    "visitor_id": e["visitor_id"], "product_id": e.get("product_id"), "url": e["url"], "referrer": e["referrer"],
                    "client_ts": datetime.fromisoformat(e["ts"]), "occurred_at": datetime.fromisoformat(e["ts"]),
                    "received_at": now, "props": e["props"],
                }
                for e in batch
            ]
            connection.execute(insert(Event), rows)
            connection.commit()
    return time.perf_counter() - started


def run_backend(label: str, url: str, total: int, visitors: int) -> None:
    migrate.upgrade(url)
    app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        shop, _ = create_shop(db.session(), f"bench {label}", None, box=box_for(current_app, IDENTITY_SECRETS))
        db.session().commit()
        public_key, shop_id = shop.public_key, shop.id
    batches = make_batches(total, visitors, datetime.now(UTC) - timedelta(hours=1))
    through_http(app, public_key, make_batches(BATCH * 3, visitors, datetime.now(UTC)))  # warm-up
    raw_core_inserts(app, shop_id, make_batches(BATCH * 3, visitors, datetime.now(UTC)))
    raw_seconds = raw_core_inserts(app, shop_id, batches)
    http_seconds = through_http(app, public_key, batches)
    db.database(app).engine.dispose()
    http_rate, raw_rate = total / http_seconds, total / raw_seconds
    print(
        f"{label:10s} endpoint {http_rate:9,.0f} events/s   raw Core insert {raw_rate:9,.0f} events/s   "
        f"endpoint/raw = {http_rate / raw_rate:.2f}   ({total} events, batches of {BATCH}, {visitors} visitors)"
    )


def wipe_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--visitors", type=int, default=2_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.events, args.visitors)
    if args.postgres:
        url = normalize_database_url(args.postgres)
        wipe_postgres(url)
        run_backend("postgresql", url, args.events, args.visitors)
    else:
        print("postgresql skipped: pass --postgres URL or set BENCH_DATABASE_URL")


if __name__ == "__main__":
    main()
