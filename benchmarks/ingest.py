"""Ingest throughput the way production runs: POST /v1/events under gunicorn, concurrent clients,
against raw multi-row SQLAlchemy Core inserts of the same rows with the same concurrency, in the same run.

    .venv/bin/python benchmarks/ingest.py                       # SQLite only
    .venv/bin/python benchmarks/ingest.py --postgres postgresql://postgres@127.0.0.1:5432/bench
    (or set BENCH_DATABASE_URL)

The database given for PostgreSQL is wiped (schema public dropped) first.

The endpoint: the app under `gunicorn -w WORKERS` (sync workers, as scripts/serve starts it), CLIENTS
threads each posting batches of BATCH events over real HTTP until all are sent. Every batch carries
BATCH distinct visitors; half of all VISITORS were seen before the run (returning), the other half
are new when they first appear (profile created, counted against the new-visitor limit).
The floor: the same rows straight into the events table, one multi-row INSERT and commit per batch,
from WORKERS processes with CLIENTS connections in all (the same parallelism, no HTTP, no validation,
no profiles). Prints events/s of both and endpoint/floor, and the CPU each spent per event: the
gunicorn workers (or the floor's processes), the clients and, on PostgreSQL, the server backends of
this database; and from those the rate CPU alone would allow on this machine's cores with nothing
else running (the measured rates depend on what else the machine is doing).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
from benchmarks.gunicorn_server import children, cpu_seconds, gunicorn  # noqa: E402

BATCH = 100
SECRET_KEY = "bench"


def make_batches(total: int, visitors: int, seed_ts: datetime, batch: int = BATCH, prefix: str = "bench") -> list[list[dict]]:
    events = []
    for n in range(total):
        kind = ("page_view", "product_view", "add_to_cart")[n % 3]
        event = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "visitor_id": f"{prefix}-{n % visitors}",
            "url": f"https://shop.example/products/{n % 500}",
            "referrer": "https://www.google.com/",
            "ts": (seed_ts + timedelta(milliseconds=n)).isoformat(),
            "props": {"title": "Product page", "device": "desktop"},
        }
        if kind != "page_view":
            event["product_id"] = f"SKU-{n % 500}"
        events.append(event)
    return [events[i : i + batch] for i in range(0, total, batch)]


def bodies(public_key: str, batches: list[list[dict]]) -> list[bytes]:
    sent_at = datetime.now(UTC).isoformat()
    return [json.dumps({"key": public_key, "sent_at": sent_at, "events": batch}).encode() for batch in batches]


def post_all(port: int, payloads: list[bytes], clients: int) -> float:
    """Seconds for ``clients`` threads to post every payload; each must be accepted whole."""
    queue = iter(payloads)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            while True:
                with lock:
                    body = next(queue, None)
                if body is None:
                    return
                connection.request("POST", "/v1/events", body=body, headers={"Content-Type": "text/plain"})
                response = connection.getresponse()
                answer = response.read()
                if response.status != 200 or json.loads(answer)["duplicates"] or json.loads(answer)["rejected"]:
                    raise SystemExit(f"ingest failed: {response.status} {answer[:300]!r}")
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return time.perf_counter() - started


def floor_rows(shop_id: int, profile_id: int, batches: list[list[dict]]) -> list[list[dict]]:
    now = datetime.now(UTC)
    return [
        [
            {
                "shop_id": shop_id, "client_event_id": "raw-" + e["id"], "type": e["type"], "profile_id": profile_id,
                "visitor_id": e["visitor_id"], "product_id": e.get("product_id"), "url": e["url"], "referrer": e["referrer"],
                "client_ts": datetime.fromisoformat(e["ts"]), "occurred_at": datetime.fromisoformat(e["ts"]),
                "received_at": now, "props": e["props"],
            }
            for e in batch
        ]
        for batch in batches
    ]


def _floor_process(url: str, batches: list[list[dict]], threads: int) -> tuple[float, float]:
    """One of the floor's processes: ``threads`` connections inserting its share of the batches.

    Returns its CPU seconds and, on PostgreSQL, those of the server backends its connections used.
    """
    engine = make_engine(url, pool_size=threads)
    queue = iter(batches)
    lock = threading.Lock()

    def insert_all() -> float:
        with engine.connect() as connection:
            backend = connection.scalar(text("SELECT pg_backend_pid()")) if url.startswith("postgresql") else None
            backend_cpu = cpu_seconds([backend]) if backend else 0.0
            connection.commit()
            while True:
                with lock:
                    rows = next(queue, None)
                if rows is None:
                    return cpu_seconds([backend]) - backend_cpu if backend else 0.0
                connection.execute(insert(Event), rows)
                connection.commit()

    cpu = time.process_time()
    with ThreadPoolExecutor(threads) as pool:
        server_cpu = sum(future.result() for future in [pool.submit(insert_all) for _ in range(threads)])
    cpu = time.process_time() - cpu
    engine.dispose()
    return cpu, server_cpu


def raw_core_inserts(url: str, batches: list[list[dict]], workers: int, clients: int) -> tuple[float, float, float]:
    """The floor: seconds, CPU seconds of its processes and of the database server, for ``workers`` processes with ``clients`` connections in all."""
    shares = [batches[i::workers] for i in range(workers)]
    threads = [clients // workers + (1 if i < clients % workers else 0) for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        warm = [[[{**row, "client_event_id": "warm-" + row["client_event_id"]} for row in rows] for rows in share[:2]] for share in shares]
        list(pool.map(_floor_process, [url] * workers, warm, threads))  # start and warm the processes
        started = time.perf_counter()
        spent_cpu = list(pool.map(_floor_process, [url] * workers, shares, threads))
        return time.perf_counter() - started, sum(cpu for cpu, _ in spent_cpu), sum(server for _, server in spent_cpu)


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving this database (same machine): what the server spent."""

    def __init__(self, url: str):
        self.engine = make_engine(url) if url.startswith("postgresql") else None

    def pids(self) -> list[int]:
        if self.engine is None:
            return []
        with self.engine.connect() as connection:
            return list(connection.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )))

    def seconds(self) -> dict[int, float]:
        return {pid: cpu_seconds([pid]) for pid in self.pids()}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def run_backend(label: str, url: str, total: int, visitors: int, workers: int, clients: int, batch: int) -> None:
    migrate.upgrade(url)
    app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        session = db.session()
        shop, _ = create_shop(session, f"bench {label}", None, box=box_for(current_app, IDENTITY_SECRETS))
        session.commit()
        public_key, shop_id = shop.public_key, shop.id
    # Returning visitors: the first half of the run's visitor ids were seen an hour ago.
    client = app.test_client()
    for body in bodies(public_key, make_batches(visitors // 2, visitors // 2, datetime.now(UTC) - timedelta(hours=2), batch)):
        assert client.post("/v1/events", data=body, content_type="text/plain").status_code == 200
    batches = make_batches(total, visitors, datetime.now(UTC) - timedelta(minutes=30), batch)
    with app.app_context():
        session = db.session()
        profile = Profile(shop_id=shop_id, first_seen_at=datetime.now(UTC), last_seen_at=datetime.now(UTC))
        session.add(profile)
        session.commit()
        profile_id = profile.id
    db.database(app).engine.dispose()
    database_cpu = DatabaseCpu(url)

    env = {**os.environ, **COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
    with gunicorn("wsgi:app", workers, env) as (port, master):
        warm = bodies(public_key, make_batches(batch * clients * 2, batch * clients, datetime.now(UTC), batch, prefix="warm"))
        post_all(port, warm, clients)
        worker_pids = children(master.pid)
        payloads = bodies(public_key, batches)
        cpu_before, db_before, client_before = cpu_seconds(worker_pids), database_cpu.seconds(), time.process_time()
        http_seconds = post_all(port, payloads, clients)
        client_cpu = time.process_time() - client_before
        http_cpu, http_db_cpu = cpu_seconds(worker_pids) - cpu_before, spent(db_before, database_cpu.seconds())

    rows = floor_rows(shop_id, profile_id, batches)
    raw_seconds, raw_cpu, raw_db_cpu = raw_core_inserts(url, rows, workers, clients)
    if database_cpu.engine is not None:
        database_cpu.engine.dispose()

    http_rate, raw_rate = total / http_seconds, total / raw_seconds
    micro = 1e6 / total
    db_note = (
        f"; database server {http_db_cpu * micro:.0f} vs {raw_db_cpu * micro:.0f}" if database_cpu.engine is not None else ""
    )
    # What the rates would be if CPU were the only limit, on a machine with nothing else running: every
    # figure here is measured on whatever else the machine is doing, so this says what the code costs.
    cores = os.cpu_count() or 1
    cpu_bound = cores / ((http_cpu + http_db_cpu + client_cpu) / total)
    floor_cpu_bound = cores / ((raw_cpu + raw_db_cpu) / total)
    print(
        f"{label:10s} endpoint {http_rate:9,.0f} events/s   raw Core insert {raw_rate:9,.0f} events/s   "
        f"endpoint/raw = {http_rate / raw_rate:.2f}\n"
        f"{'':10s} CPU per event (us): app workers {http_cpu * micro:.0f} vs floor processes {raw_cpu * micro:.0f}{db_note}; "
        f"clients {client_cpu * micro:.0f}\n"
        f"{'':10s} CPU-bound rates on {cores} idle cores (all CPU per event): endpoint {cpu_bound:,.0f} events/s, "
        f"floor {floor_cpu_bound:,.0f} events/s\n"
        f"{'':10s} ({total} events in batches of {batch}, {visitors} visitors of which {visitors // 2} returning, "
        f"gunicorn -w {workers}, {clients} concurrent clients)"
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
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (and floor processes)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (and floor connections)")
    parser.add_argument("--batch", type=int, default=BATCH, help="events per request")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.events, args.visitors, args.workers, args.clients, args.batch)
    if args.postgres:
        url = normalize_database_url(args.postgres)
        wipe_postgres(url)
        run_backend("postgresql", url, args.events, args.visitors, args.workers, args.clients, args.batch)
    else:
        print("postgresql skipped: pass --postgres URL or set BENCH_DATABASE_URL")


if __name__ == "__main__":
    main()
