"""shopify-expiring-tokens: move every store's non-expiring offline token to an expiring one, once."""
from __future__ import annotations

import click
from flask import current_app

from app import db
from app.commands.schema import ensure_schema
from app.shopify import settings
from app.shopify.access_tokens import migrate_all


@click.command("shopify-expiring-tokens")
def shopify_expiring_tokens_command() -> None:
    """Trade non-expiring offline tokens for expiring ones (Shopify rejects the former for public apps from 2027-01-01)."""
    ensure_schema()
    if not settings.is_configured():
        raise click.ClickException(settings.MISSING_MESSAGE)
    outcome = migrate_all(current_app._get_current_object(), db.session())
    for shop_domain, problem in outcome.items():
        click.echo(f"{shop_domain}: {'expiring token stored' if problem is None else 'not moved: ' + problem}")
    moved = sum(problem is None for problem in outcome.values())
    click.echo(f"{moved} of {len(outcome)} stores moved to expiring tokens")
    if moved < len(outcome):
        raise SystemExit(1)
