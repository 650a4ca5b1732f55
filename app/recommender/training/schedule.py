"""Which shops need a new model, and retraining them (the periodic work behind `retrain-loop` and the demo)."""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Shop
from app.recommender.serving.loaded_model import active_version
from app.recommender.training.pipeline import TrainingOptions
from app.recommender.training.train_shop import NotEnoughData, train_shop

log = logging.getLogger(__name__)


def is_stale(session: Session, shop_id: int, hours: float) -> bool:
    version = active_version(session, shop_id)
    return version is None or version.activated_at is None or utcnow() - version.activated_at >= timedelta(hours=hours)


def retrain_stale_shops(session: Session, model_dir: Path | str, hours: float, options: TrainingOptions | None = None) -> list[int]:
    """Retrain every shop whose active model is older than ``hours``; the ids retrained."""
    retrained = []
    for shop in session.scalars(select(Shop).order_by(Shop.id)).all():
        if not is_stale(session, shop.id, hours):
            continue
        try:
            train_shop(session, shop.id, model_dir, options)
            retrained.append(shop.id)
        except NotEnoughData:
            pass
        except Exception:  # noqa: BLE001 - one shop's failure must not stop the others
            log.exception("shop %s: training failed", shop.id)
    return retrained
