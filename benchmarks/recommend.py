"""Recommendation speed: GET /v1/recommendations (real HTTP on loopback) against the floor — a bare
numpy matrix-vector product plus argpartition over the same item matrix — in the same run; and
training time on Online Retail against one plain LightFM fit of the same data.

    .venv/bin/python benchmarks/recommend.py                 # demo catalog + synthetic 100k x 50k
    .venv/bin/python benchmarks/recommend.py --skip-training
    .venv/bin/python benchmarks/recommend.py --requests 2000
    .venv/bin/python benchmarks/recommend.py --only-training

The demo catalog case seeds the shipped demo slice into a temporary SQLite
database and trains it; the synthetic case writes random embeddings for
100,000 items and 50,000 users as an active model (quality is not the point,
the shape is). Training time needs ../shared/datasets (skipped without).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import db, migrate  # noqa: E402
from app.demo.seed import seed_demo  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import Event, ModelVersion, Product, Profile, VisitorId  # noqa: E402
from app.recommender.offline import datasets  # noqa: E402
from app.recommender.offline.csv_input import read_features, read_log  # noqa: E402
from app.recommender.serving import embeddings as model  # noqa: E402
from app.recommender.serving import served_model  # noqa: E402
from app.recommender.serving.blend import BlendWeights  # noqa: E402
from app.recommender.serving.item_to_item import ItemToItem  # noqa: E402
from app.recommender.serving.users import user_key  # noqa: E402
from app.recommender.training import artifacts, baskets  # noqa: E402
from app.recommender.training.features import build_training_data  # noqa: E402
from app.recommender.training.lightfm_model import fit  # noqa: E402
from app.recommender.training.pipeline import TrainingOptions, train_recommender  # noqa: E402
from app.recommender.training.train_shop import train_shop  # noqa: E402
from app.secret_box import IDENTITY_SECRETS, box_for  # noqa: E402
from app.shops import create_shop  # noqa: E402
from benchmarks.benchmark_limits import COUNTED_NEVER_TRIPPED  # noqa: E402
from benchmarks.loopback import loopback_connection  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def time_endpoint(app, public_key: str, visitors: list[str], requests: int, strategy: str) -> list[float]:
    latencies = []
    with loopback_connection(app) as connection:
        for n in range(requests + 20):
            path = f"/v1/recommendations?key={public_key}&strategy={strategy}&limit=10&visitor_id={visitors[n % len(visitors)]}"
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = json.loads(response.read())
            elapsed = time.perf_counter() - started
            if response.status != 200 or body["strategy"] != strategy or len(body["items"]) != 10:
                raise SystemExit(f"unexpected answer: {response.status} {body.get('strategy')} {len(body.get('items', []))}")
            if n >= 20:  # warm-up requests load the model and fill caches
                latencies.append(elapsed)
    return latencies


def time_floor(item_vectors: np.ndarray, user_vectors: np.ndarray, requests: int) -> list[float]:
    latencies = []
    for n in range(requests):
        user = user_vectors[n % len(user_vectors)]
        started = time.perf_counter()
        scores = item_vectors @ user
        top = np.argpartition(-scores, 10)[:10]
        top[np.argsort(-scores[top])]
        latencies.append(time.perf_counter() - started)
    return latencies


def report(label: str, endpoint: list[float], floor: list[float]) -> None:
    p50, p99 = percentile(endpoint, 50) * 1000, percentile(endpoint, 99) * 1000
    f50, f99 = percentile(floor, 50) * 1000, percentile(floor, 99) * 1000
    rps, floor_rps = len(endpoint) / sum(endpoint), len(floor) / sum(floor)
    print(
        f"{label:28s} endpoint p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rps:8.0f} req/s | "
        f"floor p50 {f50:6.3f} ms  p99 {f99:6.3f} ms  {floor_rps:8.0f} req/s | endpoint/floor p50 {p50 / f50:7.1f}x"
    )


def demo_catalog(tmp: Path, requests: int) -> None:
    url = f"sqlite:///{tmp}/demo.sqlite3"
    migrate.upgrade(url)
    app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": "bench", "MODEL_DIR": str(tmp / "models")})
    with app.app_context():
        session = db.session()
        shop = seed_demo(session, box_for(current_app, IDENTITY_SECRETS)).shop
        version = train_shop(session, shop.id, tmp / "models")
        emb = model.load(version.artifact_path)
        known = [(profile_id, f"bench-{profile_id}") for profile_id in session.scalars(
            Profile.__table__.select().with_only_columns(Profile.id).where(Profile.shop_id == shop.id, Profile.customer_id.is_not(None)).limit(500)
        )]
        session.execute(insert(VisitorId.__table__), [
            {"shop_id": shop.id, "visitor_id": visitor, "profile_id": profile_id, "first_seen_at": datetime.now(UTC)}
            for profile_id, visitor in known
        ])
        session.commit()
        public_key = shop.public_key
    user_vectors = np.array([emb.user_vectors[emb.user_index[user_key(pid)]] for pid, _ in known if user_key(pid) in emb.user_index])
    endpoint = time_endpoint(app, public_key, [visitor for _, visitor in known], requests, "personalized")
    report(f"demo ({len(emb.item_ids)} items)", endpoint, time_floor(emb.item_vectors, user_vectors, requests))
    db.database(app).engine.dispose()


def synthetic(tmp: Path, requests: int, n_items: int, n_users: int, dim: int = 48) -> None:
    url = f"sqlite:///{tmp}/synthetic.sqlite3"
    migrate.upgrade(url)
    app = create_app({**COUNTED_NEVER_TRIPPED, "DATABASE_URL": url, "SECRET_KEY": "bench", "MODEL_DIR": str(tmp / "models")})
    rng = np.random.default_rng(0)
    now = datetime.now(UTC)
    with app.app_context():
        session = db.session()
        shop, _ = create_shop(session, "synthetic", None, box=box_for(current_app, IDENTITY_SECRETS))
        session.execute(insert(Product.__table__), [
            {"shop_id": shop.id, "external_id": f"I{n}", "title": f"Item {n}", "price": 1, "tags": [], "in_stock": True,
             "created_at": now, "updated_at": now}
            for n in range(n_items)
        ])
        profile_ids = session.scalars(insert(Profile.__table__).returning(Profile.id), [
            {"shop_id": shop.id, "first_seen_at": now, "last_seen_at": now, "session_count": 1} for _ in range(n_users)
        ]).all()
        session.execute(insert(VisitorId.__table__), [
            {"shop_id": shop.id, "visitor_id": f"v{pid}", "profile_id": pid, "first_seen_at": now} for pid in profile_ids
        ])
        emb = model.Embeddings(
            item_ids=[f"I{n}" for n in range(n_items)],
            item_vectors=rng.standard_normal((n_items, dim), dtype=np.float32),
            item_biases=rng.standard_normal(n_items, dtype=np.float32) * 0.1,
            user_ids=[user_key(pid) for pid in profile_ids],
            user_vectors=rng.standard_normal((n_users, dim), dtype=np.float32),
            user_biases=np.zeros(n_users, np.float32),
            item_feature_names=[], item_feature_vectors=None, item_feature_biases=None,
            user_feature_names=[], user_feature_vectors=None, user_feature_biases=None,
            item_popularity=rng.random(n_items, dtype=np.float32),
        )
        # Served as a trained shop is: popularity, LightFM and item kNN links (50 per item), each visitor
        # with 20 recent views to fold in and expand.
        links = 50
        knn = ItemToItem("knn", sp.csr_matrix((rng.random(n_items * links, dtype=np.float32),
                                               rng.integers(0, n_items, n_items * links), np.arange(0, n_items * links + 1, links)),
                                              shape=(n_items, n_items)), 30.0)
        served = served_model.ServedModel(emb, rng.random(n_items, dtype=np.float32) * 100,
                                          BlendWeights({"hybrid": 0.4, "knn": 0.3, "popularity": 0.3}), {"knn": knn})
        session.execute(insert(Event.__table__), [
            {"shop_id": shop.id, "client_event_id": f"e{pid}-{n}", "type": "product_view", "profile_id": pid, "visitor_id": f"v{pid}",
             "product_id": f"I{int(rng.integers(n_items))}", "occurred_at": now, "received_at": now, "props": {}}
            for pid in profile_ids[:1000] for n in range(20)
        ])
        together = baskets.bought_together([], emb.item_ids)
        name = artifacts.new_version_name()
        path = artifacts.write_artifact(tmp / "models", shop.id, name, lambda d: (served_model.save(served, d), baskets.save(d, together)))
        version = ModelVersion(shop_id=shop.id, version=name, status="ready", artifact_path=str(path))
        session.add(version)
        artifacts.publish(session, version)
        session.commit()
        public_key = shop.public_key
    visitors = [f"v{pid}" for pid in profile_ids[:1000]]
    endpoint = time_endpoint(app, public_key, visitors, requests, "personalized")
    report(f"synthetic ({n_items:,} x {n_users:,})", endpoint, time_floor(emb.item_vectors, emb.user_vectors, requests))
    db.database(app).engine.dispose()


def training_time(tmp: Path) -> None:
    """The whole served pipeline on Online Retail (validation fit, every signal tuned, blend chosen, final refit)
    against one plain LightFM fit of the same rows, both on 2 threads; wall and CPU seconds."""
    shared = ROOT.parent / "shared" / "datasets"
    if not shared.is_dir():
        print("training time skipped: ../shared/datasets is absent")
        return
    datasets.convert_online_retail(shared / datasets.ONLINE_RETAIL, tmp / "retail")
    interactions, purchases = read_log(tmp / "retail" / "interactions.csv")
    items = read_features(tmp / "retail" / "items.csv", "item_id")
    users = read_features(tmp / "retail" / "users.csv", "user_id")
    options = TrainingOptions()
    started, cpu = time.perf_counter(), time.process_time()
    data = build_training_data(interactions, items, users, half_life_days=options.half_life_days, identity_weight=options.identity_weight)
    fit(data, options.hyperparameters)
    one_fit, one_fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    steps: list[tuple[float, str]] = []
    started, cpu = time.perf_counter(), time.process_time()
    train_recommender(interactions, items, users, options, purchases=purchases,
                      progress=lambda message: steps.append((time.perf_counter() - started, message)))
    full, full_cpu = time.perf_counter() - started, time.process_time() - cpu
    for at, message in steps:
        print(f"  {at:6.1f} s  {message}")
    print(
        f"training on Online Retail ({len(interactions):,} lines): served pipeline {full:6.1f} s wall, {full_cpu:6.1f} s CPU "
        f"| floor: one LightFM fit {one_fit:6.1f} s wall, {one_fit_cpu:6.1f} s CPU | ratio {full / one_fit:4.2f}x wall, "
        f"{full_cpu / one_fit_cpu:4.2f}x CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--only-training", action="store_true", help="just the training time on Online Retail")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_demo and not args.only_training:
            demo_catalog(tmp, args.requests)
        if not args.only_training:
            synthetic(tmp, args.requests, args.items, args.users)
        if not args.skip_training:
            training_time(tmp)


if __name__ == "__main__":
    main()
