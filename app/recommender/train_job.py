"""The "train" job: the settings UI's retrain button, run by a worker with progress."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session

from app.clv.refresh import refresh_shop_clv
from app.jobs.queue import PermanentFailure, handler, set_progress
from app.models import Job
from app.recommender.train_command import TRAINING_STEPS
from app.recommender.training import NotEnoughData, train_shop

log = logging.getLogger(__name__)


@handler("train")
def run_training(session: Session, job: Job) -> None:
    steps = {"done": 0}
    set_progress(session, job, done=0, total=TRAINING_STEPS, message="starting")

    def progress(message: str) -> None:
        steps["done"] += 1
        set_progress(session, job, done=min(steps["done"], TRAINING_STEPS), total=TRAINING_STEPS, message=message)

    try:
        version = train_shop(session, job.shop_id, current_app.config["MODEL_DIR"], progress=progress)
    except NotEnoughData as error:
        _refresh_clv(session, job.shop_id)
        raise PermanentFailure(str(error)) from error  # retrying cannot help until more data arrives
    _refresh_clv(session, job.shop_id)
    set_progress(session, job, done=TRAINING_STEPS, total=TRAINING_STEPS, message=f"version {version.version} active")


def _refresh_clv(session: Session, shop_id: int) -> None:
    """Retraining refits lifetime value too; a CLV failure is logged, never a failed training."""
    try:
        refresh_shop_clv(session, shop_id)
        session.commit()
    except Exception:  # noqa: BLE001 - the recommender is published already; CLV must not undo that
        session.rollback()
        log.exception("CLV refresh of shop %s failed after training", shop_id)
