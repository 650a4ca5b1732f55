"""Training a shop's recommender from its stored history and publishing it as a new model version.

Reads the store, writes only an artifact directory and a model-version row.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import ModelVersion
from app.recommender.serving import served_model
from app.recommender.training import artifacts, baskets
from app.recommender.training.history import latest_activity, read_history
from app.recommender.training.pipeline import TrainingOptions, train_recommender

# Steps train_shop reports: reading, sizes, validation fit, signals tuned, blend, final fit, writing, active.
TRAINING_STEPS = 8


class NotEnoughData(Exception):
    """The shop has no history to learn from yet."""


def train_shop(
    session: Session,
    shop_id: int,
    model_dir: Path | str,
    options: TrainingOptions | None = None,
    keep: int = artifacts.DEFAULT_KEEP,
    progress: Callable[[str], None] = lambda message: None,
) -> ModelVersion:
    """Train, write the artifact under a new version, then activate it; returns the version row.

    A failed run leaves a ``failed`` row with the error and the active model untouched.
    """
    options = options or TrainingOptions()
    version = ModelVersion(
        shop_id=shop_id, version=artifacts.new_version_name(), status="training",
        hyperparameters={**options.hyperparameters.to_dict(), "half_life_days": options.half_life_days,
                         "identity_weight": options.identity_weight, "history_days": options.history_days},
    )
    session.add(version)
    session.commit()
    started = time.perf_counter()
    try:
        progress("reading history")
        # The window ends where the shop's history ends, not today: an imported history years old still trains.
        latest = latest_activity(session, shop_id) if options.history_days else None
        since = latest - timedelta(days=options.history_days) if latest is not None else None
        history = read_history(session, shop_id, since)
        if len(history.interactions) == 0:
            raise NotEnoughData("no product views, carts or orders stored for this shop yet")
        progress(f"{len(history.interactions):,} interactions, {len(history.item_features):,} products")
        trained = train_recommender(history.interactions, history.item_features, history.user_features, options,
                                    purchases=history.purchase_lines, progress=progress)
        served = trained.served
        served.embeddings.metadata["price_edges"] = list(history.price_edges)
        together = baskets.bought_together(history.purchases, served.embeddings.item_ids)
        progress("writing the model")

        def write(directory: Path) -> None:
            served_model.save(served, directory)
            baskets.save(directory, together)

        path = artifacts.write_artifact(Path(model_dir), shop_id, version.version, write)
        version.artifact_path = str(path)
        version.trained_at = utcnow()
        version.training_seconds = round(time.perf_counter() - started, 2)
        version.n_users = len(trained.data.user_ids)
        version.n_items = len(served.embeddings.item_ids)
        version.n_interactions = int(trained.data.interactions.nnz)
        version.metrics = _json_safe({**trained.validation, "settings": served.settings, "bots_ignored": history.bots})
        version.status = "ready"
        artifacts.publish(session, version)
        artifacts.prune(session, shop_id, keep)
        session.commit()
        progress(f"version {version.version} active")
        return version
    except Exception as error:
        session.rollback()
        version.status = "failed"
        version.error = f"{error.__class__.__name__}: {error}"[:2000]
        version.training_seconds = round(time.perf_counter() - started, 2)
        session.commit()
        raise


def _json_safe(value) -> dict:
    return json.loads(json.dumps(value, default=float))
