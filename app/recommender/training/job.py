"""The "train" job: the Retrain button, the admin API and the periodic retraining, run by a worker with progress."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from app.clv.refresh import refresh_after_training
from app.jobs import PermanentFailure, set_progress
from app.models import Job
from app.recommender.training.train_shop import TRAINING_STEPS, NotEnoughData, train_shop


def run_training(session: Session, job: Job) -> None:
    steps = {"done": 0}
    set_progress(session, job, done=0, total=TRAINING_STEPS, message="starting")

    def progress(message: str) -> None:
        steps["done"] += 1
        set_progress(session, job, done=min(steps["done"], TRAINING_STEPS), total=TRAINING_STEPS, message=message)

    try:
        version = train_shop(session, job.shop_id, current_app.config["MODEL_DIR"], progress=progress)
    except NotEnoughData as error:
        refresh_after_training(session, job.shop_id)
        raise PermanentFailure(str(error)) from error  # retrying cannot help until more data arrives
    refresh_after_training(session, job.shop_id)
    set_progress(session, job, done=TRAINING_STEPS, total=TRAINING_STEPS, message=f"version {version.version} active")
