"""Deleting events past a shop's retention period: the "purge_expired" job and `flask purge-expired` (daily, from cron)."""
from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.jobs.queue import handler, set_progress
from app.models import Job, Shop
from app.privacy.customer_data import purge_expired


def retention_days(shop: Shop) -> int | None:
    days = (shop.settings or {}).get("retention_days")
    return int(days) if days else None


@handler("purge_expired")
def run_purge(session: Session, job: Job) -> None:
    shop = session.get(Shop, job.shop_id)
    days = retention_days(shop) if shop else None
    deleted = purge_expired(session, shop.id, days) if days else 0
    session.commit()
    set_progress(session, job, deleted=deleted, retention_days=days)


def purge_all_shops(session: Session) -> dict[int, int]:
    deleted = {}
    for shop in session.scalars(select(Shop).order_by(Shop.id)).all():
        days = retention_days(shop)
        if days:
            deleted[shop.id] = purge_expired(session, shop.id, days)
            session.commit()
    return deleted


@click.command("purge-expired")
def purge_expired_command() -> None:
    """Delete every shop's events older than its retention period (Settings → Privacy); run daily."""
    from app.cli import ensure_schema

    ensure_schema()
    for shop_id, count in purge_all_shops(db.session()).items():
        click.echo(f"shop {shop_id}: deleted {count} expired events")
