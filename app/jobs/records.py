"""Job records: create one (handed to the task queue once committed), read, report progress."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs.kinds import KINDS, SINGLE_PER_SHOP
from app.models import Job
from app.models.job import ACTIVE_STATUSES, ACTIVE_WHERE

log = logging.getLogger(__name__)

# app.extensions key of the app's ``dispatch(kind, job_id)``: puts a committed job on the task
# queue. Installed by the task queue itself (app/tasks.py), which sits above this package.
DISPATCH = "p13n.dispatch_job"
Dispatch = Callable[[str, int, float | None], None]  # (kind, job id, delay in seconds or None)

_PENDING = "p13n.jobs_to_dispatch"


def enqueue(session: Session, kind: str, payload: dict | None = None, shop_id: int | None = None) -> Job:
    """Record a job; the task queue gets it when the caller commits, and never if it rolls back.

    For kinds in SINGLE_PER_SHOP, a job of that kind already queued or running for the shop is
    returned instead of a new one (the database enforces it, across processes and machines).
    """
    if shop_id is not None and kind in SINGLE_PER_SHOP:
        return enqueue_single(session, kind, shop_id, payload)[0]
    dispatch = _dispatcher(kind)
    job = Job(kind=kind, payload=payload or {}, shop_id=shop_id, progress={}, updated_at=utcnow())
    session.add(job)
    session.flush()
    dispatch_after_commit(session, job, dispatch)
    return job


def enqueue_single(session: Session, kind: str, shop_id: int, payload: dict | None = None) -> tuple[Job, bool]:
    """The shop's queued or running job of this kind, or a new one; True when new. Safe against concurrent callers."""
    dispatch = _dispatcher(kind)
    job, created = _single(session, kind, payload or {}, shop_id)
    if created:
        dispatch_after_commit(session, job, dispatch)
    return job, created


def dispatch_after_commit(session: Session, job: Job, dispatch: Dispatch | None = None, delay: float | None = None) -> None:
    """Hand ``job`` to the task queue once ``session`` commits (a worker must find it committed), ``delay`` seconds later."""
    pending = session.info.setdefault(_PENDING, [])
    if not session.info.get("p13n.jobs_listening"):
        event.listen(session, "after_commit", _dispatch_pending)
        event.listen(session, "after_rollback", _forget_pending)
        session.info["p13n.jobs_listening"] = True
    pending.append((dispatch or _dispatcher(), job.kind, job.id, delay))


def _dispatcher(kind: str | None = None) -> Dispatch:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}; the kinds are {', '.join(KINDS)}")
    if not has_app_context() or DISPATCH not in current_app.extensions:
        raise RuntimeError("jobs are enqueued inside an app context whose task queue is set up (app/tasks.py init_app)")
    return current_app.extensions[DISPATCH]


def _dispatch_pending(session: Session) -> None:
    pending, session.info[_PENDING] = session.info.get(_PENDING, []), []
    for dispatch, kind, job_id, delay in pending:
        try:
            dispatch(kind, job_id, delay)
        except Exception:  # noqa: BLE001 - the record is committed; the workers' sweep hands it over later
            log.exception("job %s (%s) could not be handed to the task queue; the sweep retries", job_id, kind)


def _forget_pending(session: Session) -> None:
    session.info[_PENDING] = []


def _single(session: Session, kind: str, payload: dict, shop_id: int) -> tuple[Job, bool]:
    key = f"{kind}:{shop_id}"
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Job.__table__).on_conflict_do_nothing(index_elements=["singleton_key"], index_where=ACTIVE_WHERE)
    values = {"kind": kind, "payload": payload, "shop_id": shop_id, "status": "queued", "progress": {}, "attempts": 0,
              "singleton_key": key, "created_at": now, "updated_at": now}
    for _ in range(3):  # the active job may finish between our insert and our read
        job_id = session.execute(statement.values(**values).returning(Job.__table__.c.id)).scalar()
        if job_id is not None:
            return session.get(Job, job_id), True
        existing = session.scalar(select(Job).where(Job.singleton_key == key, Job.status.in_(ACTIVE_STATUSES)))
        if existing is not None:
            return existing, False
    raise RuntimeError(f"could not record a {kind} job for shop {shop_id}")


def latest_job(session: Session, shop_id: int, kind: str) -> Job | None:
    return session.scalar(
        select(Job).where(Job.shop_id == shop_id, Job.kind == kind).order_by(Job.id.desc()).limit(1)
    )


def active_job(session: Session, shop_id: int, kind: str) -> Job | None:
    """The shop's queued or running job of this kind, if any."""
    return session.scalar(select(Job).where(
        Job.shop_id == shop_id, Job.kind == kind, Job.status.in_(ACTIVE_STATUSES)
    ).order_by(Job.id.desc()).limit(1))


def shop_job(session: Session, shop_id: int, job_id: int) -> Job | None:
    """One of the shop's jobs by id; another shop's looks like a missing one."""
    return session.scalar(select(Job).where(Job.id == job_id, Job.shop_id == shop_id))


def set_progress(session: Session, job: Job, **progress) -> None:
    """Record how far a job got and commit, so the settings UI sees it while the job runs."""
    job.progress = {**(job.progress or {}), **progress}
    job.updated_at = utcnow()
    session.commit()


def describe(job: Job) -> dict:
    """A job as the admin API and the settings UI show it."""
    return {
        "job_id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress or {},
        "error": job.error,
        "attempts": job.attempts,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
