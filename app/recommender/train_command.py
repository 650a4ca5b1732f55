"""`flask --app wsgi train` and `retrain-loop`: training shops' recommenders from the command line or cron."""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import select

from app import db
from app.models import Shop
from app.models.types import utcnow
from app.recommender.artifacts import active_version
from app.recommender.model import HyperParameters
from app.recommender.pipeline import TrainingOptions
from app.recommender.training import NotEnoughData, train_shop

# Steps train_shop reports: reading, sizes, validation fit, blend, final fit, writing, active.
TRAINING_STEPS = 7


@click.command("train")
@click.option("--shop", "shop_ref", help="Shop id or public key; default: the only shop.")
@click.option("--all", "all_shops", is_flag=True, help="Train every shop (for cron).")
@click.option("--stale-hours", type=click.FloatRange(min=0), help="With --all: skip shops whose active model is younger.")
@click.option("--loss", type=click.Choice(["warp", "bpr", "logistic", "warp-kos"]), help="LightFM loss (default warp).")
@click.option("--components", type=click.IntRange(min=1, max=512), help="Latent dimensions (default 48).")
@click.option("--epochs", type=click.IntRange(min=1, max=1000), help="Training epochs (default 30).")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Learning rate (default 0.1).")
@click.option("--alpha", type=click.FloatRange(min=0), help="L2 penalty on item and user features (default 1e-6).")
def train(shop_ref: str | None, all_shops: bool, stale_hours: float | None, **overrides) -> None:
    """Train a shop's recommender and activate the new version (defaults measured in docs/quality.md)."""
    from app.cli import ensure_schema, resolve_shop

    ensure_schema()
    session = db.session()
    shops = session.scalars(select(Shop).order_by(Shop.id)).all() if all_shops else [resolve_shop(session, shop_ref)]
    failures = 0
    for shop in shops:
        if stale_hours is not None and not is_stale(session, shop.id, stale_hours):
            click.echo(f"shop {shop.id}: model is fresh, skipped", err=True)
            continue
        try:
            version = train_with_progress(session, shop, training_options(**overrides))
        except NotEnoughData as error:
            click.echo(f"shop {shop.id}: not trained: {error}", err=True)
            failures += not all_shops
            continue
        metrics = version.metrics.get("blend", {})
        click.echo(
            f"shop {shop.id}: version {version.version} active: {version.n_items} items, {version.n_users} users, "
            f"{version.n_interactions} interactions, {version.training_seconds}s; "
            f"holdout precision@10 {metrics.get('precision_at_k', float('nan')):.4f} "
            f"(popularity {version.metrics.get('popularity', {}).get('precision_at_k', float('nan')):.4f})"
        )
    if failures:
        sys.exit(1)


def training_options(loss=None, components=None, epochs=None, learning_rate=None, alpha=None) -> TrainingOptions:
    changes = {"loss": loss, "no_components": components, "epochs": epochs, "learning_rate": learning_rate}
    changes = {name: value for name, value in changes.items() if value is not None}
    if alpha is not None:
        changes.update(item_alpha=alpha, user_alpha=alpha)
    return TrainingOptions(hyperparameters=replace(HyperParameters(), **changes))


def train_with_progress(session, shop: Shop, options: TrainingOptions | None = None):
    with click.progressbar(length=TRAINING_STEPS, label=f"training shop {shop.id}", file=sys.stderr,
                           item_show_func=lambda message: message) as bar:
        return train_shop(
            session, shop.id, current_app.config["MODEL_DIR"], options, progress=lambda message: bar.update(1, message)
        )


def is_stale(session, shop_id: int, hours: float) -> bool:
    version = active_version(session, shop_id)
    return version is None or version.activated_at is None or utcnow() - version.activated_at >= timedelta(hours=hours)


@click.command("retrain-loop")
@click.option("--every", "hours", type=click.FloatRange(min=0.01), default=24.0, show_default=True, help="Hours between retrains.")
def retrain_loop(hours: float) -> None:
    """Retrain every shop whose model is older than --every, forever (a worker process for production)."""
    from app.cli import ensure_schema

    ensure_schema()
    while True:
        retrain_stale_shops(hours)
        time.sleep(min(hours * 3600, 600))


def retrain_stale_shops(hours: float) -> None:
    session = db.session()
    try:
        for shop in session.scalars(select(Shop).order_by(Shop.id)).all():
            if not is_stale(session, shop.id, hours):
                continue
            try:
                train_shop(session, shop.id, current_app.config["MODEL_DIR"], progress=lambda message: None)
                click.echo(f"shop {shop.id}: retrained", err=True)
            except NotEnoughData:
                pass
            except Exception as error:  # noqa: BLE001 - one shop's failure must not stop the others
                click.echo(f"shop {shop.id}: training failed: {error}", err=True)
    finally:
        session.close()


def start_background_retraining(app, hours: float) -> threading.Thread:
    """The embedded default's scheduler: a daemon thread in the serving process.

    Fine for one process on SQLite; with several workers run `retrain-loop`
    (or `train --all --stale-hours H` from cron) in its own process instead.
    """

    def loop() -> None:
        while True:
            time.sleep(min(hours * 3600, 600))
            with app.app_context():
                retrain_stale_shops(hours)

    thread = threading.Thread(target=loop, name="p13n-retrain", daemon=True)
    thread.start()
    return thread
