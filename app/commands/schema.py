"""What every command needs first: a current schema, and the shop it acts on."""
from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from app import db, migrate
from app.models import Shop


def ensure_schema() -> None:
    """Bring the embedded SQLite database to the current schema; ask for PostgreSQL to be migrated explicitly."""
    url = current_app.config["DATABASE_URL"]
    if migrate.is_current(db.database().engine, url):
        return
    if url.startswith("sqlite"):
        migrate.upgrade(url)
        return
    raise click.ClickException("the database schema is not current; run: flask --app wsgi db-upgrade")


def resolve_shop(session, shop_ref: str | None) -> Shop:
    if shop_ref is None:
        shops = session.scalars(select(Shop).limit(2)).all()
        if len(shops) == 1:
            return shops[0]
        raise click.UsageError("pass --shop ID (there is not exactly one shop)" if shops else "no shop yet; run create-shop first")
    shop = session.scalar(select(Shop).where(Shop.public_key == shop_ref))
    if shop is None and shop_ref.isdigit():
        shop = session.get(Shop, int(shop_ref))
    if shop is None:
        raise click.BadParameter(f"no shop with id or public key {shop_ref!r}", param_hint="--shop")
    return shop
