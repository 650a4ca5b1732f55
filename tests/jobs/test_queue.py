"""The database-backed job queue: claiming, retries with backoff, progress, failure."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.jobs import enqueue, latest_job, queue, set_progress
from app.jobs.queue import claim_next, run_job
from app.models import Job
from app.privacy.retention_job import schedule_daily_purges

calls: list[tuple[str, dict]] = []


def _ok(session, job):
    set_progress(session, job, done=1, total=1)
    calls.append(("ok", job.payload))


def _flaky(session, job):
    calls.append(("flaky", job.payload))
    if job.attempts < 2:
        raise RuntimeError("temporary")


def _broken(session, job):
    raise ValueError("always")


HANDLERS = {"test_ok": _ok, "test_flaky": _flaky, "test_broken": _broken}


def run_pending(session) -> int:
    return queue.run_pending(session, HANDLERS)


@pytest.fixture(autouse=True)
def _clear():
    calls.clear()


def test_a_job_runs_once_and_reports_progress(db_session, make_shop):
    shop, _ = make_shop()
    enqueue(db_session, "test_ok", {"n": 1}, shop_id=shop.id)
    db_session.commit()
    assert run_pending(db_session) == 1
    assert run_pending(db_session) == 0
    job = latest_job(db_session, shop.id, "test_ok")
    assert (job.status, job.progress, job.attempts) == ("done", {"done": 1, "total": 1}, 1)
    assert calls == [("ok", {"n": 1})]


def test_a_failing_job_is_retried_later_with_backoff(db_session):
    job = enqueue(db_session, "test_flaky")
    db_session.commit()
    assert run_pending(db_session) == 1
    db_session.refresh(job)
    assert job.status == "queued" and "temporary" in job.error
    assert job.run_after > utcnow() + timedelta(seconds=5), "not before the backoff"
    assert run_pending(db_session) == 0
    job.run_after = utcnow()
    db_session.commit()
    run_pending(db_session)
    db_session.refresh(job)
    assert (job.status, job.attempts, job.error) == ("done", 2, None)


def test_a_job_that_keeps_failing_ends_failed_with_its_error(db_session):
    job = enqueue(db_session, "test_broken", max_attempts=2)
    db_session.commit()
    for _ in range(2):
        run_pending(db_session)
        db_session.refresh(job)
        job.run_after = utcnow()
        db_session.commit()
    assert (job.status, job.attempts) == ("failed", 2) and "ValueError: always" in job.error


def test_an_unknown_kind_fails_at_once(db_session):
    job = enqueue(db_session, "no_such_kind")
    db_session.commit()
    run_pending(db_session)
    db_session.refresh(job)
    assert job.status == "failed" and "no handler" in job.error


def test_a_claimed_job_is_not_claimed_twice_and_a_dead_workers_job_comes_back(db_session):
    enqueue(db_session, "test_ok")
    db_session.commit()
    first = claim_next(db_session, "worker-a")
    assert first is not None and first.locked_by == "worker-a"
    assert claim_next(db_session, "worker-b") is None
    first.locked_at = utcnow() - timedelta(hours=1)  # worker-a died long ago
    db_session.commit()
    again = claim_next(db_session, "worker-b")
    assert again is not None and again.id == first.id and again.locked_by == "worker-b"
    assert run_job(db_session, again, HANDLERS)
    assert db_session.scalars(select(Job.status)).all() == ["done"]


def test_workers_queue_one_retention_purge_a_day_per_shop_with_a_period(db_session, make_shop):
    keeping, _ = make_shop("Keeps 30 days", settings={"retention_days": 30})
    make_shop("Keeps everything")
    assert schedule_daily_purges(db_session) == 1
    assert schedule_daily_purges(db_session) == 0, "not twice in a day, whichever worker asks"
    assert schedule_daily_purges(db_session, now=utcnow() + timedelta(days=1, minutes=1)) == 1
    assert db_session.scalars(select(Job.shop_id).where(Job.kind == "purge_expired")).all() == [keeping.id, keeping.id]
