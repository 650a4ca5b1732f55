"""Job records: handed to the task queue only once committed, one active job per shop and kind, read per shop."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.jobs import active_job, describe, enqueue, enqueue_single, latest_job, shop_job
from app.jobs.kinds import PURGE_EXPIRED, SHOPIFY_WEBHOOK, TRAIN
from app.jobs.records import DISPATCH
from app.jobs.running import recover_stale_jobs
from app.models import Job
from app.runner import run_pending
from app.tasks import task_queue


def waiting(app) -> int:
    return task_queue(app).huey.pending_count()


def test_a_job_reaches_the_queue_when_committed_and_never_when_rolled_back(app, db_session, make_shop):
    shop, _ = make_shop()
    enqueue(db_session, SHOPIFY_WEBHOOK, {"delivery_id": 1}, shop_id=shop.id)
    db_session.flush()
    assert waiting(app) == 0, "a worker must not look for a record that is not committed"
    db_session.commit()
    assert waiting(app) == 1

    enqueue(db_session, SHOPIFY_WEBHOOK, {"delivery_id": 2}, shop_id=shop.id)
    db_session.rollback()
    db_session.commit()
    assert waiting(app) == 1, "the rolled-back job is not handed over by a later commit"
    assert db_session.scalars(select(Job.payload)).all() == [{"delivery_id": 1}]


def test_one_queued_or_running_job_per_shop_and_kind(app, db_session, make_shop):
    shop, _ = make_shop()
    other, _ = make_shop("Other")
    first, created = enqueue_single(db_session, TRAIN, shop.id)
    db_session.commit()
    again, created_again = enqueue_single(db_session, TRAIN, shop.id)
    assert created and not created_again and again.id == first.id
    assert enqueue(db_session, TRAIN, shop_id=shop.id).id == first.id
    assert enqueue(db_session, TRAIN, shop_id=other.id).id != first.id, "another shop's training is its own"
    assert enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id).id != first.id, "another kind is its own"
    db_session.commit()
    assert waiting(app) == 3

    first.status = "done"
    db_session.commit()
    after, created = enqueue_single(db_session, TRAIN, shop.id)
    assert created and after.id != first.id, "once finished, a new one may start"


def test_the_database_refuses_a_second_active_job_with_the_same_key(db_session, make_shop):
    shop, _ = make_shop()
    row = {"kind": TRAIN, "shop_id": shop.id, "payload": {}, "progress": {}, "status": "queued", "attempts": 0,
           "singleton_key": f"train:{shop.id}", "created_at": utcnow(), "updated_at": utcnow()}
    db_session.execute(insert(Job), [row, {**row, "status": "done"}, {**row, "status": "failed"}])
    db_session.commit()
    with pytest.raises(IntegrityError):
        db_session.execute(insert(Job), [{**row, "status": "running"}])
    db_session.rollback()


def test_an_unknown_kind_is_refused_at_once(db_session):
    with pytest.raises(ValueError, match="unknown job kind 'tarin'"):
        enqueue(db_session, "tarin")


def test_a_job_the_queue_did_not_take_is_handed_over_by_the_sweep(app, db_session, make_shop, caplog):
    shop, _ = make_shop()
    dispatch = app.extensions[DISPATCH]

    def queue_down(kind, job_id):
        raise ConnectionError("Redis is down")

    app.extensions[DISPATCH] = queue_down
    with caplog.at_level(logging.ERROR):
        job = enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id)
        db_session.commit()
    assert "could not be handed to the task queue" in caplog.text
    assert job.status == "queued" and waiting(app) == 0

    app.extensions[DISPATCH] = dispatch
    assert recover_stale_jobs(db_session, now=utcnow() + timedelta(minutes=30)) == [], "maybe just waiting its turn"
    assert recover_stale_jobs(db_session, now=utcnow() + timedelta(hours=1, minutes=1)) == [job]
    assert run_pending() == 1
    assert db_session.get(Job, job.id).status == "done"


def test_jobs_are_read_per_shop(db_session, make_shop):
    shop, _ = make_shop()
    other, _ = make_shop("Other")
    mine = enqueue(db_session, SHOPIFY_WEBHOOK, {"delivery_id": 1}, shop_id=shop.id)
    theirs = enqueue(db_session, SHOPIFY_WEBHOOK, {"delivery_id": 2}, shop_id=other.id)
    db_session.commit()
    assert shop_job(db_session, shop.id, mine.id) is mine and shop_job(db_session, shop.id, theirs.id) is None
    assert latest_job(db_session, shop.id, SHOPIFY_WEBHOOK) is mine and active_job(db_session, shop.id, SHOPIFY_WEBHOOK) is mine
    mine.status = "done"
    db_session.commit()
    assert active_job(db_session, shop.id, SHOPIFY_WEBHOOK) is None
    shown = describe(mine)
    assert (shown["job_id"], shown["kind"], shown["status"], shown["error"]) == (mine.id, SHOPIFY_WEBHOOK, "done", None)
    assert shown["progress"] == {} and shown["created_at"] and shown["started_at"] is None
