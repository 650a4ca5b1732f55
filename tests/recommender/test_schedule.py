"""Which shops the periodic retraining picks: history, an old or missing model, no attempt this interval."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.jobs.kinds import TRAIN
from app.models import Job, ModelVersion
from app.recommender.training.schedule import queue_due_trainings, shops_due_for_training
from tests.helpers.events import event


def with_history(db_session, make_shop, name):
    shop, _ = make_shop(name)
    ingest_batch(db_session, shop.id, [event(visitor_id=f"{name}-visitor")], sent_at=None, received_at=utcnow())
    db_session.commit()
    return shop


def test_shops_with_history_and_an_old_or_missing_model_are_due_once_per_interval(db_session, make_shop):
    never_trained = with_history(db_session, make_shop, "never")
    fresh = with_history(db_session, make_shop, "fresh")
    stale = with_history(db_session, make_shop, "stale")
    make_shop("empty")
    now = utcnow()
    db_session.add_all([
        ModelVersion(shop_id=fresh.id, version="fresh-v1", status="active", activated_at=now - timedelta(hours=2), metrics={}),
        ModelVersion(shop_id=stale.id, version="stale-v1", status="active", activated_at=now - timedelta(hours=25), metrics={}),
    ])
    db_session.commit()
    assert shops_due_for_training(db_session, hours=24) == [never_trained.id, stale.id]

    jobs = queue_due_trainings(db_session, hours=24)
    assert [(job.kind, job.shop_id) for job in jobs] == [(TRAIN, never_trained.id), (TRAIN, stale.id)]
    assert shops_due_for_training(db_session, hours=24) == [], "one attempt per interval, even while it runs"
    for job in jobs:
        job.status = "failed"
    db_session.commit()
    assert shops_due_for_training(db_session, hours=24) == [], "a failed attempt is not retried every ten minutes"
    a_day_later = now + timedelta(hours=24, minutes=1)
    assert shops_due_for_training(db_session, hours=24, now=a_day_later) == [never_trained.id, fresh.id, stale.id]
    assert db_session.scalar(select(func.count()).select_from(Job)) == 2
