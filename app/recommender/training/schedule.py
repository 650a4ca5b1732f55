"""Which shops need a new model: the periodic retraining the workers run (app/tasks.py), and `train --stale-hours`.

Light on purpose: it queues training jobs and never imports the training code,
so the process that assembles the task queue does not load LightFM.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs import enqueue
from app.jobs.kinds import TRAIN
from app.models import Event, Job, ModelVersion, Order, Shop
from app.recommender.serving.loaded_model import active_version


def is_stale(session: Session, shop_id: int, hours: float) -> bool:
    version = active_version(session, shop_id)
    return version is None or version.activated_at is None or utcnow() - version.activated_at >= timedelta(hours=hours)


def shops_due_for_training(session: Session, hours: float, now: datetime | None = None) -> list[int]:
    """Shops with history whose active model is ``hours`` old (or missing) and that no training tried since.

    One attempt per interval, whether a merchant or the schedule started it:
    a shop whose training fails is not retried every few minutes.
    """
    now = now or utcnow()
    cutoff = now - timedelta(hours=hours)
    fresh = select(ModelVersion.shop_id).where(ModelVersion.status == "active", ModelVersion.activated_at > cutoff)
    tried = select(Job.shop_id).where(Job.kind == TRAIN, Job.created_at > cutoff, Job.shop_id.is_not(None))
    has_history = exists().where(Event.shop_id == Shop.id) | exists().where(Order.shop_id == Shop.id)
    return list(session.scalars(
        select(Shop.id).where(Shop.id.not_in(fresh), Shop.id.not_in(tried), has_history).order_by(Shop.id)
    ))


def queue_due_trainings(session: Session, hours: float, now: datetime | None = None) -> list[Job]:
    """Queue a training job for every shop due (see shops_due_for_training); the jobs, committed."""
    jobs = [enqueue(session, TRAIN, shop_id=shop_id) for shop_id in shops_due_for_training(session, hours, now)]
    session.commit()
    return jobs
