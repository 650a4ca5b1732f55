"""When the sync looks again at a bulk export Shopify is still running.

The sync job does not sit in a worker waiting: it queues a follow-up
`shopify_sync` job a little later (10 s, then doubling up to 5 minutes), and the
`bulk_operations/finish` webhook moves that job to now, so the import starts as
soon as Shopify is done. Polling alone still finishes the sync if the webhook
never comes.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs import enqueue
from app.models import Job

SYNC_KIND = "shopify_sync"
FIRST_POLL_SECONDS = 10
MAX_POLL_SECONDS = 300


def next_poll(previous: float | None) -> float:
    return FIRST_POLL_SECONDS if not previous else min(previous * 2, MAX_POLL_SECONDS)


def _queued(session: Session, shop_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.shop_id == shop_id, Job.kind == SYNC_KIND, Job.status == "queued")
                          .order_by(Job.id).limit(1))


def schedule_check(session: Session, shop_id: int, poll_seconds: float, message: str) -> Job:
    """A sync job `poll_seconds` from now (or the one already queued, if sooner). The caller commits."""
    when = utcnow() + timedelta(seconds=poll_seconds)
    job = _queued(session, shop_id)
    if job is None:
        job = enqueue(session, SYNC_KIND, {"poll_seconds": poll_seconds}, shop_id=shop_id, run_after=when)
    elif job.run_after > when:
        job.run_after = when
    job.progress = {**(job.progress or {}), "message": message, "waiting_for_shopify": True}
    return job


def wake(session: Session, shop_id: int) -> bool:
    """Run the shop's sync now: its queued follow-up moves to now, or a new one is queued.

    False when a sync is running at this moment: it reads the operation's status itself.
    """
    job = _queued(session, shop_id)
    if job is not None:
        job.run_after = utcnow()
        return True
    running = session.scalar(select(Job.id).where(Job.shop_id == shop_id, Job.kind == SYNC_KIND,
                                                  Job.status == "running").limit(1))
    if running is not None:
        return False
    enqueue(session, SYNC_KIND, {}, shop_id=shop_id)
    return True
