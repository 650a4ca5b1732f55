"""Recommender commands: train and the offline evaluate (the workers retrain stale models by themselves)."""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app import db
from app.clv.refresh import refresh_after_training
from app.commands.schema import ensure_schema, resolve_shop
from app.models import Shop
from app.recommender.offline import evaluate as evaluation
from app.recommender.offline.bootstrap import DEFAULT_RESAMPLES
from app.recommender.offline.csv_input import InputError, read_features, read_log
from app.recommender.offline.protocols import PROTOCOLS
from app.recommender.training.lightfm_model import HyperParameters
from app.recommender.training.pipeline import TrainingOptions, options_from_config
from app.recommender.training.schedule import is_stale
from app.recommender.training.train_shop import TRAINING_STEPS, NotEnoughData, train_shop


@click.command("train")
@click.option("--shop", "shop_ref", help="Shop id or public key; default: the only shop.")
@click.option("--all", "all_shops", is_flag=True, help="Train every shop.")
@click.option("--stale-hours", type=click.FloatRange(min=0), help="With --all: skip shops whose active model is younger.")
@click.option("--loss", type=click.Choice(["warp", "bpr", "logistic", "warp-kos"]), help="LightFM loss (default warp).")
@click.option("--components", type=click.IntRange(min=1, max=512), help="Latent dimensions (default 48).")
@click.option("--epochs", type=click.IntRange(min=1, max=1000), help="Most training epochs (default 30; validation picks fewer if more do not help).")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Learning rate (default 0.1).")
@click.option("--alpha", type=click.FloatRange(min=0), help="L2 penalty on item and user features (default 1e-6).")
def train(shop_ref: str | None, all_shops: bool, stale_hours: float | None, **overrides) -> None:
    """Train a shop's recommender and activate the new version (defaults measured in docs/quality.md)."""
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
        finally:
            refresh_after_training(session, shop.id)
        served = version.metrics.get("served", {}).get("precision_at_k", float("nan"))
        recent = version.metrics.get("recent_popularity", {}).get("precision_at_k", float("nan"))
        click.echo(
            f"shop {shop.id}: version {version.version} active: {version.n_items} items, {version.n_users} users, "
            f"{version.n_interactions} interactions, {version.training_seconds}s; "
            f"validation precision@10 {served:.4f} (recent popularity {recent:.4f})"
        )
    if failures:
        sys.exit(1)


def training_options(loss=None, components=None, epochs=None, learning_rate=None, alpha=None) -> TrainingOptions:
    changes = {"loss": loss, "no_components": components, "epochs": epochs, "learning_rate": learning_rate}
    changes = {name: value for name, value in changes.items() if value is not None}
    if alpha is not None:
        changes.update(item_alpha=alpha, user_alpha=alpha)
    return options_from_config(current_app.config, hyperparameters=replace(HyperParameters(), **changes))


def train_with_progress(session, shop: Shop, options: TrainingOptions | None = None):
    with click.progressbar(length=TRAINING_STEPS, label=f"training shop {shop.id}", file=sys.stderr,
                           item_show_func=lambda message: message) as bar:
        return train_shop(
            session, shop.id, current_app.config["MODEL_DIR"], options, progress=lambda message: bar.update(1, message)
        )


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command("evaluate")
@click.option("--interactions", "interactions_path", required=True, type=click.Path(path_type=Path),
              help="CSV user_id,item_id,timestamp[,weight][,kind][,quantity] (timestamp: UNIX seconds or ISO-8601; "
                   "rows of kind 'purchase' are purchases, every row without a kind column; .gz read directly).")
@click.option("--items", "items_path", required=True, type=click.Path(path_type=Path),
              help="CSV item_id, then feature columns (text, numbers, or |-separated lists).")
@click.option("--users", "users_path", type=click.Path(path_type=Path), help="CSV user_id, then feature columns.")
@click.option("--protocol", type=click.Choice(PROTOCOLS), default="discovery", show_default=True,
              help="discovery: new products for known customers; repeat: bought-before products allowed (buy_again); "
                   "new-visitors: customers first seen after the cutoff, two events folded in.")
@click.option("--split", type=click.Choice(["temporal"]), default="temporal", show_default=True)
@click.option("--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.2, show_default=True)
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--bootstrap", "resamples", type=click.IntRange(min=100), default=DEFAULT_RESAMPLES, show_default=True,
              help="Paired bootstrap resamples (over users) for the 95% intervals.")
@click.option("--validation-users", type=click.IntRange(min=50), help="Sample at most this many validation users for the blend search.")
@click.option("--cold-start/--no-cold-start", default=True, show_default=True, help="Discovery: also hold items out entirely.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--epochs", type=click.IntRange(min=1), help="Most LightFM epochs (default 30; validation picks fewer if more do not help).")
@click.option("--components", type=click.IntRange(min=1), help="Override the default number of latent components.")
@click.option("--loss", type=click.Choice(["warp", "bpr", "logistic", "warp-kos"]), help="Override the default loss.")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Override the default learning rate.")
@click.option("--alpha", type=click.FloatRange(min=0), help="Override item and user L2 penalties.")
@click.option("--half-life-days", type=click.FloatRange(min=0), help="Recency decay half-life of LightFM's interaction weights (0: none).")
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def evaluate(interactions_path, items_path, users_path, protocol, split, test_fraction, k, resamples, validation_users, cold_start,
             as_json, epochs, components, loss, learning_rate, alpha, half_life_days, threads, seed) -> None:
    """Offline evaluation of the served ranking and the baselines tuned like it, with 95% intervals (see docs/quality.md)."""
    hp = HyperParameters(num_threads=threads)
    overrides = {"epochs": epochs, "no_components": components, "loss": loss, "learning_rate": learning_rate,
                 "item_alpha": alpha, "user_alpha": alpha}
    hp = replace(hp, **{name: value for name, value in overrides.items() if value is not None})
    options = TrainingOptions(hyperparameters=hp, k=k, seed=seed)
    if half_life_days is not None:
        options.half_life_days = half_life_days or None
    if validation_users is not None:
        options.max_validation_users = validation_users
    try:
        interactions, purchases = read_log(interactions_path)
        items = read_features(items_path, "item_id")
        users = read_features(users_path, "user_id") if users_path else None
        _progress(f"read {len(interactions)} interactions ({len(purchases)} purchases), {len(items)} items, {len(users or ())} users")
        report = evaluation.run(interactions, items, users, protocol=protocol, purchases=purchases, test_fraction=test_fraction,
                                k=k, options=options, resamples=resamples, with_cold_start=cold_start, progress=_progress)
    except (InputError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report))
    else:
        click.echo(evaluation.format_table(report))
    sys.stdout.flush()
