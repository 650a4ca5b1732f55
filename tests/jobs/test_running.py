"""Running a job: claimed once, a heartbeat while it runs, failures recorded, dead workers' jobs taken over."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.clock import utcnow
from app.jobs import PermanentFailure, enqueue, set_progress
from app.jobs.kinds import PURGE_EXPIRED, SHOPIFY_WEBHOOK
from app.jobs.running import MAX_RUNS, recover_stale_jobs, run_job
from app.models import Job
from app.runner import run_pending
from app.tasks import task_queue


@pytest.fixture
def job(db_session, make_shop):
    shop, _ = make_shop()
    created = enqueue(db_session, SHOPIFY_WEBHOOK, {"n": 1}, shop_id=shop.id)
    db_session.commit()
    return created


def test_a_job_runs_once_with_its_progress_even_when_delivered_twice(db_session, job):
    calls = []

    def handler(session, running):
        calls.append(running.payload)
        set_progress(session, running, done=1, total=1)

    assert run_job(db_session, job.id, handler, last_attempt=False) == "done"
    assert run_job(db_session, job.id, handler, last_attempt=False) == "skipped"
    assert calls == [{"n": 1}]
    db_session.refresh(job)
    assert (job.status, job.progress, job.attempts, job.error) == ("done", {"done": 1, "total": 1}, 1, None)
    assert job.started_at <= job.finished_at


def test_a_failure_is_raised_for_a_retry_and_recorded_until_the_last_attempt(db_session, job):
    def broken(session, running):
        raise ValueError("the shop's API is down")

    with pytest.raises(ValueError):
        run_job(db_session, job.id, broken, last_attempt=False)
    db_session.refresh(job)
    assert job.status == "queued" and "ValueError: the shop's API is down" in job.error and job.finished_at is None
    assert run_job(db_session, job.id, broken, last_attempt=True) == "failed"
    db_session.refresh(job)
    assert (job.status, job.attempts) == ("failed", 2) and job.finished_at is not None


def test_a_permanent_failure_fails_at_once_with_its_cause(db_session, job):
    def hopeless(session, running):
        try:
            raise LookupError("no product views yet")
        except LookupError as error:
            raise PermanentFailure(str(error)) from error

    assert run_job(db_session, job.id, hopeless, last_attempt=False) == "failed"
    db_session.refresh(job)
    assert job.status == "failed" and job.error == "LookupError: no product views yet"


def test_a_running_job_beats_while_it_works(app, db_session, job):
    seen = []

    def slow(session, running):
        claimed_at = running.updated_at
        engine = db.database(app).engine
        for _ in range(2000):  # until the heartbeat thread has written, however long the machine takes
            with engine.connect() as connection:
                latest = connection.scalar(select(Job.updated_at).where(Job.id == running.id))
            if latest.replace(tzinfo=None) > claimed_at.replace(tzinfo=None):
                seen.append(latest)
                return
            time.sleep(0.005)

    assert run_job(db_session, job.id, slow, last_attempt=True, heartbeat_every=0.01) == "done"
    assert seen, "the heartbeat never touched the running job"


def test_jobs_of_dead_workers_are_queued_again_and_given_up_after_many_runs(app, db_session, make_shop):
    shop, _ = make_shop()
    now = utcnow()

    def record(status, minutes_ago, attempts=1):
        job = Job(shop_id=shop.id, kind=PURGE_EXPIRED, status=status, attempts=attempts, progress={}, payload={},
                  updated_at=now - timedelta(minutes=minutes_ago))
        db_session.add(job)
        return job

    dead = record("running", 11)
    alive = record("running", 9)
    lost = record("queued", 61)
    waiting = record("queued", 30)
    hopeless = record("running", 11, attempts=MAX_RUNS)
    db_session.commit()

    assert recover_stale_jobs(db_session, now=now) == [dead, lost]
    assert (dead.status, lost.status, alive.status, waiting.status) == ("queued", "queued", "running", "queued")
    assert hopeless.status == "failed" and "stopped while running it, 5 times" in hopeless.error
    assert task_queue(app).huey.pending_count() == 2
    assert run_pending() == 2
    assert [db_session.get(Job, job.id).status for job in (dead, lost)] == ["done", "done"]
    assert db_session.get(Job, dead.id).attempts == 2
