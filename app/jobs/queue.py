"""The queue itself: enqueue, claim (safe with many workers), run with retries and backoff."""
from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Job

log = logging.getLogger(__name__)

# Runs one job of a kind; the table of kinds is assembled by the runner (app/runner.py).
Handler = Callable[[Session, Job], None]

# A job still "running" this long after its worker claimed it belongs to a dead worker.
STALE_AFTER = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=1)


class PermanentFailure(Exception):
    """Raised by a job when retrying cannot help (say, not enough data to train): it fails at once."""


def enqueue(
    session: Session,
    kind: str,
    payload: dict | None = None,
    shop_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 5,
) -> Job:
    """Add a job; it runs once the caller commits."""
    job = Job(kind=kind, payload=payload or {}, shop_id=shop_id, run_after=run_after or utcnow(),
              max_attempts=max_attempts, progress={})
    session.add(job)
    session.flush()
    return job


def latest_job(session: Session, shop_id: int, kind: str) -> Job | None:
    return session.scalar(
        select(Job).where(Job.shop_id == shop_id, Job.kind == kind).order_by(Job.id.desc()).limit(1)
    )


def set_progress(session: Session, job: Job, **progress) -> None:
    """Record how far a job got and commit, so the settings UI sees it while the job runs."""
    job.progress = {**(job.progress or {}), **progress}
    session.commit()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(session: Session, worker: str, kinds: list[str] | None = None) -> Job | None:
    """Take the oldest runnable job for this worker, or None.

    The candidate is read with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite
    serializes writers anyway) and flipped to running only if it is still
    queued, so two workers never run the same job.
    """
    now = utcnow()
    stale = select(Job.id).where(Job.status == "running", Job.locked_at < now - STALE_AFTER)
    session.execute(update(Job).where(Job.id.in_(stale.scalar_subquery())).values(status="queued", locked_by=None))
    query = select(Job.id).where(Job.status == "queued", Job.run_after <= now)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    job_id = session.scalar(query.order_by(Job.run_after, Job.id).limit(1).with_for_update(skip_locked=True))
    if job_id is None:
        session.commit()
        return None
    claimed = session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", locked_by=worker, locked_at=now, attempts=Job.attempts + 1)
    ).rowcount
    session.commit()
    return session.get(Job, job_id) if claimed == 1 else None


def run_job(session: Session, job: Job, handlers: Mapping[str, Handler]) -> bool:
    """Run one claimed job; True when it succeeded. Failures are retried with exponential backoff."""
    function = handlers.get(job.kind)
    try:
        if function is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        function(session, job)
    except Exception as error:  # noqa: BLE001 - a failing job must never kill its worker
        session.rollback()
        job = session.get(Job, job.id)
        log.warning("job %s (%s) failed, attempt %s: %s", job.id, job.kind, job.attempts, error)
        cause = error.__cause__ if isinstance(error, PermanentFailure) and error.__cause__ else error
        job.error = "".join(traceback.format_exception_only(type(cause), cause)).strip()[:4000]
        job.locked_by = job.locked_at = None
        if job.attempts >= job.max_attempts or function is None or isinstance(error, PermanentFailure):
            job.status, job.finished_at = "failed", utcnow()
        else:
            job.status = "queued"
            job.run_after = utcnow() + min(timedelta(seconds=10 * 2 ** (job.attempts - 1)), MAX_BACKOFF)
        session.commit()
        return False
    job.status, job.finished_at, job.error = "done", utcnow(), None
    job.locked_by = job.locked_at = None
    session.commit()
    return True


def run_pending(session: Session, handlers: Mapping[str, Handler], limit: int | None = None,
                kinds: list[str] | None = None) -> int:
    """Run runnable jobs until none is left (or ``limit``); the number run."""
    count, worker = 0, worker_name()
    while limit is None or count < limit:
        job = claim_next(session, worker, kinds)
        if job is None:
            break
        run_job(session, job, handlers)
        count += 1
    return count
