"""Recommender commands, registered by app.cli."""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from app.recommender import evaluate as evaluation
from app.recommender.model import HyperParameters
from app.recommender.pipeline import TrainingOptions


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command("evaluate")
@click.option("--interactions", "interactions_path", required=True, type=click.Path(path_type=Path),
              help="CSV user_id,item_id,timestamp[,weight] (timestamp: UNIX seconds or ISO-8601; .gz read directly).")
@click.option("--items", "items_path", required=True, type=click.Path(path_type=Path),
              help="CSV item_id, then feature columns (text, numbers, or |-separated lists).")
@click.option("--users", "users_path", type=click.Path(path_type=Path), help="CSV user_id, then feature columns.")
@click.option("--split", type=click.Choice(["temporal"]), default="temporal", show_default=True)
@click.option("--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.2, show_default=True)
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--epochs", type=click.IntRange(min=1), help="Override the default LightFM epochs.")
@click.option("--components", type=click.IntRange(min=1), help="Override the default number of latent components.")
@click.option("--loss", type=click.Choice(["warp", "bpr", "logistic", "warp-kos"]), help="Override the default loss.")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Override the default learning rate.")
@click.option("--alpha", type=click.FloatRange(min=0), help="Override item and user L2 penalties.")
@click.option("--half-life-days", type=click.FloatRange(min=0), help="Recency decay half-life of interaction weights (0: none).")
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def evaluate(interactions_path, items_path, users_path, split, test_fraction, k, as_json, epochs, components, loss,
             learning_rate, alpha, half_life_days, threads, seed) -> None:
    """Offline evaluation of the recommender and its baselines on CSV files (see docs/quality.md)."""
    hp = HyperParameters(num_threads=threads)
    overrides = {"epochs": epochs, "no_components": components, "loss": loss, "learning_rate": learning_rate,
                 "item_alpha": alpha, "user_alpha": alpha}
    hp = replace(hp, **{name: value for name, value in overrides.items() if value is not None})
    options = TrainingOptions(hyperparameters=hp, k=k, seed=seed)
    if half_life_days is not None:
        options.half_life_days = half_life_days or None
    try:
        interactions = evaluation.read_interactions(interactions_path)
        items = evaluation.read_features(items_path, "item_id")
        users = evaluation.read_features(users_path, "user_id") if users_path else None
        _progress(f"read {len(interactions)} interactions, {len(items)} items, {len(users or ())} users")
        report = evaluation.run(interactions, items, users, test_fraction=test_fraction, k=k, options=options,
                                progress=_progress)
    except (evaluation.InputError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report))
    else:
        click.echo(evaluation.format_table(report))
    sys.stdout.flush()


from app.recommender.train_command import retrain_loop, train  # noqa: E402

commands = [evaluate, train, retrain_loop]
