"""purge-expired: the retention purge at once, for every shop (the workers run it daily by themselves)."""
from __future__ import annotations

import click

from app import db
from app.commands.schema import ensure_schema
from app.privacy.retention_job import purge_all_shops


@click.command("purge-expired")
def purge_expired_command() -> None:
    """Delete every shop's events older than its retention period (Settings → Privacy) now; workers do it daily."""
    ensure_schema()
    for shop_id, count in purge_all_shops(db.session()).items():
        click.echo(f"shop {shop_id}: deleted {count} expired events")
