"""When the sync looks again at a bulk export Shopify is still running.

The sync job does not sit in a worker waiting: it asks to run again a little
later (``RunLater``: 10 s, then doubling up to 5 minutes), and the
`bulk_operations/finish` webhook hands the waiting job to the queue at once, so
the import starts as soon as Shopify is done. Polling alone still finishes the
sync if the webhook never comes.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.jobs import RunLater, active_job, enqueue, set_progress
from app.jobs.kinds import SHOPIFY_SYNC
from app.jobs.records import dispatch_after_commit
from app.models import Job

FIRST_POLL_SECONDS = 10
MAX_POLL_SECONDS = 300


def next_poll(previous: float | None) -> float:
    return FIRST_POLL_SECONDS if not previous else min(previous * 2, MAX_POLL_SECONDS)


def look_again_later(session: Session, job: Job, message: str, **progress) -> RunLater:
    """Record that the sync waits for Shopify; the exception the job raises to run again after the next poll interval."""
    poll = next_poll((job.payload or {}).get("poll_seconds"))
    job.payload = {**(job.payload or {}), "poll_seconds": poll}
    set_progress(session, job, message=message, waiting_for_shopify=True, **progress)
    return RunLater(poll)


def wake(session: Session, shop_id: int) -> bool:
    """Run the shop's sync now: its waiting job goes to the queue at once, or a new one is queued.

    False when a sync is running at this moment: it reads the operation's status itself.
    """
    job = active_job(session, shop_id, SHOPIFY_SYNC)
    if job is not None and job.status == "running":
        return False
    if job is None:
        enqueue(session, SHOPIFY_SYNC, shop_id=shop_id)
        return True
    # The delayed hand-over still comes later; by then the job has run (a second delivery is skipped)
    # or waits again, and one more look at Shopify costs nothing.
    job.payload = {**(job.payload or {}), "poll_seconds": None}
    dispatch_after_commit(session, job)
    return True
