"""Deleting events past a shop's retention period: the "purge_expired" job, queued daily by the workers'
periodic task (and at once when the merchant saves a period), and `flask purge-expired` for a one-off run."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs import enqueue_single, set_progress
from app.jobs.kinds import PURGE_EXPIRED
from app.models import Job, Shop
from app.privacy.customer_data import purge_expired


def retention_days(shop: Shop) -> int | None:
    days = (shop.settings or {}).get("retention_days")
    return int(days) if days else None


def run_purge(session: Session, job: Job) -> None:
    shop = session.get(Shop, job.shop_id)
    days = retention_days(shop) if shop else None
    deleted = purge_expired(session, shop.id, days) if days else 0
    session.commit()
    set_progress(session, job, deleted=deleted, retention_days=days)


def schedule_daily_purges(session: Session, now=None) -> int:
    """Enqueue a purge for every shop with a retention period whose last one is a day old; how many.

    The workers' periodic task calls this every hour; the jobs table is the
    record of when each shop was last purged, so any number of workers agree
    and a worker that was down at some hour skips no day.
    """
    now = now or utcnow()
    queued = 0
    for shop in session.scalars(select(Shop).order_by(Shop.id)).all():
        if not retention_days(shop):
            continue
        recent = session.scalar(select(Job.id).where(
            Job.shop_id == shop.id, Job.kind == PURGE_EXPIRED, Job.created_at > now - timedelta(days=1)).limit(1))
        if recent is None:
            queued += enqueue_single(session, PURGE_EXPIRED, shop.id)[1]
    session.commit()
    return queued


def purge_all_shops(session: Session) -> dict[int, int]:
    deleted = {}
    for shop in session.scalars(select(Shop).order_by(Shop.id)).all():
        days = retention_days(shop)
        if days:
            deleted[shop.id] = purge_expired(session, shop.id, days)
            session.commit()
    return deleted
