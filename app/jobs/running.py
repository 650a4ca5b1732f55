"""Running a job with its record kept current: claimed once, a heartbeat while it runs, done or failed after.

The task queue (huey) delivers a job's id at least once and retries failures
with backoff; this module makes a second delivery harmless (only a queued
record can be claimed) and recovers jobs whose worker died, which a queue
cannot see: the heartbeat stops, and the sweep queues the job again.
"""
from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs.records import dispatch_after_commit
from app.models import Job

log = logging.getLogger(__name__)

Handler = Callable[[Session, Job], None]

HEARTBEAT_EVERY = 60.0  # seconds between a running job's "still alive" updates
# A running job without a heartbeat for this long lost its worker (killed, machine gone).
RUNNING_STALE_AFTER = timedelta(minutes=10)
# A queued job this old was most likely never handed to the queue (the queue's storage was
# down at commit, or the job predates it); handing it over again is harmless.
QUEUED_LOST_AFTER = timedelta(hours=1)
# Runs of one job whose worker keeps dying (say, out of memory) before it is failed for good.
MAX_RUNS = 5


class PermanentFailure(Exception):
    """Raised by a job when retrying cannot help (say, not enough data to train): it fails at once."""


class RunLater(Exception):
    """Raised by a job that has to look again later (Shopify still exporting): queued again, not a failure."""

    def __init__(self, seconds: float):
        super().__init__(f"run again in {seconds:g} s")
        self.seconds = seconds


def run_job(session: Session, job_id: int, handler: Handler, last_attempt: bool,
            heartbeat_every: float = HEARTBEAT_EVERY) -> str:
    """Claim the job and run ``handler(session, job)``; the job's final status, or "skipped".

    "skipped": the job is not queued (another delivery of it ran, or is running). A failure
    other than PermanentFailure is recorded and raised again unless this is the last attempt,
    so the task queue retries it after its backoff.
    """
    job = claim(session, job_id)
    if job is None:
        return "skipped"
    try:
        with heartbeat(session.get_bind(), job_id, heartbeat_every):
            handler(session, job)
    except RunLater as later:
        _queue_again(session, job_id, later.seconds)
        return "queued"
    except Exception as error:
        session.rollback()
        final = last_attempt or isinstance(error, PermanentFailure)
        _record_failure(session, job_id, error, final)
        if final:
            return "failed"
        raise
    now = utcnow()
    job.status, job.error, job.finished_at, job.updated_at = "done", None, now, now
    session.commit()
    return "done"


def _queue_again(session: Session, job_id: int, seconds: float) -> None:
    session.rollback()  # what the job wrote before saying so is committed already (set_progress)
    job = session.get(Job, job_id, populate_existing=True)
    job.status, job.updated_at = "queued", utcnow()
    dispatch_after_commit(session, job, delay=seconds)
    session.commit()


def claim(session: Session, job_id: int) -> Job | None:
    """Flip a queued job to running; None when it is not queued (so no two workers run it)."""
    now = utcnow()
    claimed = session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, started_at=now, updated_at=now)
    ).rowcount
    session.commit()
    return session.get(Job, job_id, populate_existing=True) if claimed == 1 else None


@contextmanager
def heartbeat(engine: Engine, job_id: int, every: float) -> Iterator[None]:
    """Touch the running job's ``updated_at`` every ``every`` seconds, on its own connection."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with engine.begin() as connection:
                    connection.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(updated_at=utcnow()))
            except Exception:  # noqa: BLE001 - a missed beat only risks a later takeover, never the job
                log.warning("job %s: heartbeat failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"p13n-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _record_failure(session: Session, job_id: int, error: Exception, final: bool) -> None:
    job = session.get(Job, job_id, populate_existing=True)
    cause = error.__cause__ if isinstance(error, PermanentFailure) and error.__cause__ else error
    log.warning("job %s (%s) failed, attempt %s%s: %s", job.id, job.kind, job.attempts, "" if final else ", will retry", error)
    job.error = "".join(traceback.format_exception_only(type(cause), cause)).strip()[:4000]
    job.status = "failed" if final else "queued"
    job.updated_at = utcnow()
    if final:
        job.finished_at = job.updated_at
    session.commit()


def recover_stale_jobs(session: Session, now: datetime | None = None, limit: int = 500) -> list[Job]:
    """Queue again the jobs whose worker died or that the queue never got; the ones handed over.

    Run periodically by the workers (any number of them: a job handed over twice runs once).
    """
    now = now or utcnow()
    stale = session.scalars(select(Job).where(or_(
        and_(Job.status == "running", Job.updated_at < now - RUNNING_STALE_AFTER),
        and_(Job.status == "queued", Job.updated_at < now - QUEUED_LOST_AFTER),
    )).order_by(Job.id).limit(limit)).all()
    handed_over = []
    for job in stale:
        if job.status == "running" and job.attempts >= MAX_RUNS:
            job.status, job.finished_at = "failed", now
            job.error = f"Its worker stopped while running it, {job.attempts} times; not tried again."
        else:
            if job.status == "running":
                log.warning("job %s (%s): its worker stopped; queued again", job.id, job.kind)
            job.status = "queued"
            dispatch_after_commit(session, job)
            handed_over.append(job)
        job.updated_at = now
    session.commit()
    return handed_over
