"""Every page view's cost the way production runs: gunicorn workers, real HTTP, concurrent clients (wrk).

    .venv/bin/python benchmarks/load.py                                     # SQLite
    .venv/bin/python benchmarks/load.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

Seeds the demo shop (3,796 products, 19,773 orders) into a fresh database (a new
SQLite file; on PostgreSQL a new database on the given server, dropped at the
end), trains its model, identifies known customers from fresh browsers as the
storefront script does, then starts the app and a bare Flask JSON endpoint
under the same gunicorn (`-w WORKERS`) and drives each path with wrk
(`-t THREADS -c CONNECTIONS -d DURATION`), visitors drawn at random per request.
Prints req/s, p50 and p99 per path and its share of the bare endpoint's req/s
measured in the same run (first and last; the share is of their mean).

wrk draws the same known customers again and again, so their answers are
remembered between page views (app/recommender/serving/visitor_memo.py). The
rows "history changed since their last page view" drive a second app that
remembers nothing (VISITOR_MEMO_VISITORS=0): what a page view costs right
after the visitor viewed a product or placed an order. Needs Debian's wrk
(`apt-get install wrk`).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text, update  # noqa: E402

from app import db, migrate  # noqa: E402
from app.clock import utcnow  # noqa: E402
from app.config import normalize_database_url  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.demo.seed import seed_demo  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.identity_secrets import current_secret  # noqa: E402
from app.models import Order, Profile  # noqa: E402
from app.recommender.training.train_shop import train_shop  # noqa: E402
from app.secret_box import IDENTITY_SECRETS, box_for  # noqa: E402
from benchmarks.benchmark_limits import COUNTED_NEVER_TRIPPED  # noqa: E402
from benchmarks.gunicorn_server import gunicorn  # noqa: E402
from benchmarks.identify import identify_events  # noqa: E402

HOME = "https://demo-store.localhost/store/"
BARE, BARE_AGAIN = "bare Flask JSON", "bare Flask JSON, again at the end"
WARM_UP_PASSES = 4  # each worker then missed a given customer with probability 1/16 (2 workers)
PRODUCT = "85123A"
BROWSER_ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate, br"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="A PostgreSQL server URL; a new database is created on it and dropped after.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15, help="seconds per path")
    parser.add_argument("--customers", type=int, default=1500, help="known customers identified before the run")
    parser.add_argument("--only", help="comma-separated path names to run (see PATHS)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="p13n-load-") as tmp, database(args.postgres, Path(tmp)) as url:
        tmp_path = Path(tmp)
        model_dir = tmp_path / "models"
        key, known = prepare(url, model_dir, args.customers)
        env = {**os.environ, **COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "MODEL_DIR": str(model_dir), "SECRET_KEY": "load-benchmark"}
        scripts = write_wrk_scripts(tmp_path, key, known)
        # The same app remembering nothing between a visitor's page views: what every page view costs
        # whose visitor's history changed since their last one (a product viewed, an order placed).
        cold_env = {**env, "VISITOR_MEMO_VISITORS": "0"}
        with gunicorn("benchmarks.bare_app:app", args.workers, env) as (bare_port, _), \
                gunicorn("wsgi:app", args.workers, env) as (app_port, _), \
                gunicorn("wsgi:app", args.workers, cold_env) as (cold_port, _):
            rows = run_paths(args, scripts, bare_port, app_port, cold_port, key, known)
    print_table(rows, "PostgreSQL" if args.postgres else "SQLite", args)


@contextmanager
def database(postgres: str | None, tmp: Path):
    if not postgres:
        url = f"sqlite:///{tmp / 'load.sqlite3'}"
        migrate.upgrade(url)
        yield url
        return
    admin = make_engine(normalize_database_url(postgres), isolation_level="AUTOCOMMIT")
    name = f"p13n_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, model_dir: Path, customers: int) -> tuple[str, list[str]]:
    """Seed and train the demo shop, identify ``customers`` known customers; (public key, their visitor ids)."""
    app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "MODEL_DIR": str(model_dir), "SECRET_KEY": "load-benchmark"})
    with app.app_context():
        session = db.session()
        started = time.perf_counter()
        box = box_for(app, IDENTITY_SECRETS)
        shop = seed_demo(session, box).shop
        identity_secret = current_secret(shop, box)
        print(f"seeded the demo shop in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        move_history_to_now(session, shop.id)
        started = time.perf_counter()
        train_shop(session, shop.id, model_dir)
        print(f"trained its model in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        customer_ids = session.scalars(
            select(Profile.customer_id).join(Order, Order.profile_id == Profile.id)
            .where(Profile.shop_id == shop.id, Profile.customer_id.is_not(None))
            .group_by(Profile.customer_id).order_by(func.count().desc(), Profile.customer_id).limit(customers)
        ).all()
        key = shop.public_key
    client = app.test_client()
    visitors = []
    for start in range(0, len(customer_ids), 100):
        chunk = customer_ids[start : start + 100]
        events, chunk_visitors = identify_events(identity_secret, chunk)
        response = client.post("/v1/events", json={"key": key, "events": events})
        assert response.status_code in (200, 202), response.get_data(as_text=True)
        visitors += chunk_visitors
    db.database(app).engine.dispose()
    print(f"identified {len(visitors)} known customers", file=sys.stderr)
    vacuum(url)
    return key, visitors


def vacuum(url: str) -> None:
    """On PostgreSQL, VACUUM ANALYZE, as pgbench does before it measures: a live shop's tables have been
    vacuumed and analyzed by autovacuum long ago, while a fresh seed's updates (every order and profile
    moved forward) would otherwise be vacuumed by autovacuum in the middle of the measured paths."""
    if not url.startswith("postgresql"):
        return
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def move_history_to_now(session, shop_id: int) -> None:
    """Move the demo's 2010-2011 order history so that its last day is yesterday, as a live shop's is.

    A page view reads the visitor's last two years (serving/visitor.py); left in 2011, every known
    customer would have no history inside it, and their decisions would cost what a stranger's does.
    """
    last = session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id))
    shift = (utcnow() - timedelta(days=1)) - last
    orders = session.execute(select(Order.id, Order.placed_at).where(Order.shop_id == shop_id)).all()
    session.execute(update(Order), [{"id": order_id, "placed_at": at + shift} for order_id, at in orders])
    moved = ("first_seen_at", "last_seen_at", "first_order_at", "previous_order_at", "last_order_at")
    profiles = session.execute(select(Profile.id, *(getattr(Profile, name) for name in moved)).where(Profile.shop_id == shop_id)).all()
    session.execute(update(Profile), [
        {"id": row[0], **{name: (value + shift if value is not None else None) for name, value in zip(moved, row[1:], strict=True)}}
        for row in profiles
    ])
    session.commit()
    print(f"moved the order history forward by {shift.days} days", file=sys.stderr)


def write_wrk_scripts(tmp: Path, key: str, known: list[str]) -> dict[str, Path]:
    """Lua scripts drawing a known visitor (or a brand-new one) at random for every request."""
    ids = ",".join(f'"{visitor}"' for visitor in known)
    common = f'local known = {{{ids}}}\nmath.randomseed(os.time())\n'
    paths = {
        "decide_new": f'"/v1/decide?key={key}&visitor_id=n" .. math.random(1, 1e9) .. "&url={HOME}"',
        "decide_known": f'"/v1/decide?key={key}&visitor_id=" .. known[math.random(#known)] .. "&url={HOME}"',
        "personalized": f'"/v1/recommendations?key={key}&strategy=personalized&limit=12&visitor_id=" .. known[math.random(#known)]',
        "similar": f'"/v1/recommendations?key={key}&strategy=similar&limit=12&product_id={PRODUCT}&visitor_id=n" .. math.random(1, 1e9)',
    }
    scripts = {}
    for name, expression in paths.items():
        script = tmp / f"{name}.lua"
        script.write_text(common + f"request = function()\n  return wrk.format('GET', {expression})\nend\n")
        scripts[name] = script
    return scripts


def run_paths(args, scripts: dict[str, Path], bare_port: int, app_port: int, cold_port: int, key: str, known: list[str]) -> list[dict]:
    changed = "history changed since their last page view"
    plan = [
        (BARE, bare_port, "/bare", None),
        ("/s/KEY.js", app_port, f"/s/{key}.js", None),
        ("/v1/decide, new visitor, home", app_port, "/", scripts["decide_new"]),
        ("/v1/decide, known customer, home", app_port, "/", scripts["decide_known"]),
        (f"/v1/decide, known customer, home, {changed}", cold_port, "/", scripts["decide_known"]),
        ("/v1/recommendations personalized, known", app_port, "/", scripts["personalized"]),
        (f"/v1/recommendations personalized, known, {changed}", cold_port, "/", scripts["personalized"]),
        ("/v1/recommendations similar", app_port, "/", scripts["similar"]),
        # The floor again at the end: the share is taken of both runs' mean, so a machine that got
        # slower or faster during the run moves the floor with the paths.
        (BARE_AGAIN, bare_port, "/bare", None),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        plan = [step for step in plan if step[0] in (BARE, BARE_AGAIN) or any(name in step[0] for name in wanted)]
    rows = []
    for name, port, path, script in plan:
        if port == app_port and script in (scripts["decide_known"], scripts["personalized"]):
            # Every known customer's page view, a few times over, so that each worker has seen each
            # customer: the row is then what a repeat page view costs (the other row: a changed history).
            warm_up(port, [known_path(script, key, visitor) for visitor in known], passes=WARM_UP_PASSES)
        # A short warm-up fills the caches (model, catalog, script) as a running server has them.
        wrk(port, path, script, args.threads, args.connections, 3)
        result = wrk(port, path, script, args.threads, args.connections, args.duration)
        rows.append({"path": name, **result})
        print(f"{name}: {result['rps']:.0f} req/s", file=sys.stderr)
    return rows


def known_path(script: Path, key: str, visitor: str) -> str:
    if script.stem == "personalized":
        return f"/v1/recommendations?key={key}&strategy=personalized&limit=12&visitor_id={visitor}"
    return f"/v1/decide?key={key}&visitor_id={visitor}&url={HOME}"


def warm_up(port: int, paths: list[str], passes: int) -> None:
    def get(path: str) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(get, paths * passes))


def wrk(port: int, path: str, script: Path | None, threads: int, connections: int, duration: int) -> dict:
    # What every browser sends: the script then goes out as its stored gzip, not 23 KB of text.
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-H", BROWSER_ACCEPT_ENCODING]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def latency(output: str, percentile: str) -> float:
    """wrk's latency at a percentile, in milliseconds."""
    value, unit = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def print_table(rows: list[dict], backend: str, args) -> None:
    bare = sum(row["rps"] for row in rows if row["path"] in (BARE, BARE_AGAIN)) / 2
    print(f"\n{backend}: gunicorn -w {args.workers}, wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
          f"{args.customers} known customers; share of the bare endpoint's mean over its two runs ({bare:,.0f} req/s)")
    print("| path | req/s | share of bare | p50 | p99 | non-2xx |\n| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['path']} | {row['rps']:,.0f} | {row['rps'] / bare:.3f} | {row['p50']:.1f} ms | {row['p99']:.1f} ms | {row['errors']} |")


if __name__ == "__main__":
    main()
