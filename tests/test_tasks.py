"""The task queue: its storage, every job kind's handler and retries, the periodic work."""
from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.utils import utcnow as huey_now
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.jobs import enqueue
from app.jobs.kinds import KINDS, PURGE_EXPIRED, TRAIN
from app.models import Job, Shop
from app.runner import run_pending
from app.tasks import JOB_KINDS, PERIODIC_TASKS, handler, make_huey, sqlite_queue_path, task_queue
from tests.helpers.events import event

ENTRY_POINTS = ("app.factory", "app.runner", "app.tasks", "app.commands")


def test_the_storage_follows_the_configuration(tmp_path):
    database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert isinstance(make_huey({"DATABASE_URL": database, "REDIS_URL": "redis://127.0.0.1:6379/7"}), RedisHuey)
    on_sqlite = make_huey({"DATABASE_URL": database, "REDIS_URL": ""})
    assert isinstance(on_sqlite, SqliteHuey) and on_sqlite.storage.filename == str(tmp_path / "shop-tasks.sqlite3")
    assert on_sqlite.storage.sql("pragma synchronous", results=True) == [(1,)], "NORMAL: no fsync per enqueue"
    assert isinstance(make_huey({"TASK_QUEUE": "memory"}), MemoryHuey)
    assert make_huey({"TASK_QUEUE": "immediate"}).immediate
    with pytest.raises(ValueError, match="REDIS_URL is not set"):
        make_huey({"TASK_QUEUE": "redis"})
    with pytest.raises(ValueError, match="not 'rabbit'"):
        make_huey({"TASK_QUEUE": "rabbit"})


def test_the_sqlite_queue_sits_beside_a_sqlite_database_and_under_instance_otherwise(tmp_path):
    assert sqlite_queue_path(f"sqlite:///{tmp_path / 'p13n.sqlite3'}") == tmp_path / "p13n-tasks.sqlite3"
    assert sqlite_queue_path("postgresql+psycopg://u@db/p13n").name == "p13n-tasks.sqlite3"


def test_creating_the_app_opens_no_queue(app):
    assert task_queue(app)._built is None


def test_every_kind_has_a_handler_below_the_entry_points():
    assert set(JOB_KINDS) == set(KINDS)
    for kind, spec in JOB_KINDS.items():
        module = spec.handler.partition(":")[0]
        assert not module.startswith(ENTRY_POINTS), kind
        assert callable(handler(spec.handler)) and importlib.import_module(module)


def test_periodic_work_is_scheduled(app):
    huey = task_queue(app).huey
    due = lambda minute: sorted(type(task).__name__ for task in huey.read_periodic(datetime(2026, 12, 3, 4, minute)))  # noqa: E731
    assert due(0) == ["recover_stale_jobs", "retrain_due_models"]
    assert due(5) == ["recover_stale_jobs"]
    assert due(17) == ["queue_daily_purges"]
    assert due(3) == []
    assert set(PERIODIC_TASKS) == {"recover_stale_jobs", "retrain_due_models", "queue_daily_purges"}


def test_the_periodic_retraining_queues_a_training_per_shop_due(app, db_session, make_shop):
    shop, _ = make_shop()
    make_shop("Nothing to learn from yet")
    ingest_batch(db_session, shop.id, [event(visitor_id="v1")], sent_at=None, received_at=utcnow())
    db_session.commit()
    huey = task_queue(app).huey
    [retrain] = [task for task in huey.read_periodic(datetime(2026, 12, 3, 4, 10)) if type(task).__name__ == "retrain_due_models"]
    huey.execute(retrain)
    assert db_session.scalars(select(Job.shop_id).where(Job.kind == TRAIN)).all() == [shop.id]
    assert huey.pending_count() == 1, "the training is on the queue"


def test_a_failing_job_is_retried_with_growing_backoff_then_fails(app, db_session, make_shop):
    shop, _ = make_shop(settings={"retention_days": "not a number"})  # as if a bad value got stored
    job = enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id)
    db_session.commit()
    spec = JOB_KINDS[PURGE_EXPIRED]

    assert run_pending() == 1
    job = db_session.get(Job, job.id)
    assert (job.status, job.attempts) == ("queued", 1) and "ValueError" in job.error
    first_retry = huey_now() + timedelta(seconds=spec.retry_delay)
    assert run_pending(now=first_retry - timedelta(seconds=5)) == 0, "not before its backoff"
    assert run_pending(now=first_retry + timedelta(seconds=5)) == 1
    assert db_session.get(Job, job.id).attempts == 2
    second_retry = huey_now() + timedelta(seconds=spec.retry_delay * 2)
    assert run_pending(now=second_retry - timedelta(seconds=5)) == 0, "the second wait is twice the first"
    assert run_pending(now=second_retry + timedelta(seconds=5)) == 1
    job = db_session.get(Job, job.id)
    assert (job.status, job.attempts) == ("failed", spec.retries + 1) and job.finished_at
    assert run_pending(now=second_retry + timedelta(days=1)) == 0, "no retry after the last"


def test_a_retry_that_succeeds_clears_the_error(app, db_session, make_shop):
    shop, _ = make_shop(settings={"retention_days": "not a number"})
    job = enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id)
    db_session.commit()
    run_pending()
    db_session.get(Shop, shop.id).settings = {"retention_days": 30}
    db_session.commit()
    assert run_pending(now=huey_now() + timedelta(seconds=JOB_KINDS[PURGE_EXPIRED].retry_delay + 5)) == 1
    job = db_session.get(Job, job.id)
    assert (job.status, job.attempts, job.error, job.progress["retention_days"]) == ("done", 2, None, 30)


def test_in_immediate_mode_a_job_runs_when_committed(app, db_session, make_shop):
    app.config["TASK_QUEUE"] = "immediate"
    shop, _ = make_shop(settings={"retention_days": 30})
    job = enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id)
    assert db_session.get(Job, job.id).status == "queued"
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Job, job.id).status == "done"
