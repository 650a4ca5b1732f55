"""Shops and their merchants' sign-ins: db-upgrade, create-shop, create-user, set-password."""
from __future__ import annotations

import json

import click
from flask import current_app
from sqlalchemy import select

from app import db, migrate
from app.commands.schema import ensure_schema, resolve_shop
from app.merchant_auth.accounts import AccountError, create_user, set_password
from app.models import Shop, ShopUser
from app.shops import create_shop


@click.command("db-upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to the newest (alembic upgrade head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database at head", err=True)


@click.command("create-shop")
@click.argument("name")
@click.option("--domain", default=None, help="The shop's domain, e.g. shop.example.com.")
@click.option("--currency", default="USD", show_default=True, help="ISO 4217 code of the shop's prices.")
@click.option("--locale", default="en", show_default=True, help="BCP 47 locale for formatting, e.g. en-GB.")
def create_shop_command(name: str, domain: str | None, currency: str, locale: str) -> None:
    """Create a shop and print its keys as JSON (the secret key is shown only this once)."""
    currency = currency.upper()
    if len(currency) != 3 or not currency.isalpha():
        raise click.BadParameter(f"{currency!r} is not a three-letter currency code", param_hint="--currency")
    ensure_schema()
    session = db.session()
    if domain and session.scalar(select(Shop).where(Shop.domain == domain)):
        raise click.ClickException(f"a shop with domain {domain!r} exists already")
    shop, secret_key = create_shop(session, name, domain, currency, locale)
    session.commit()
    click.echo(json.dumps({"shop_id": shop.id, "public_key": shop.public_key, "secret_key": secret_key}))


@click.command("create-user")
@click.option("--shop", "shop_ref", help="Shop id or public key; default: the only shop.")
@click.option("--email", required=True, help="The merchant's sign-in email.")
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_user_command(shop_ref: str | None, email: str, password: str) -> None:
    """Create a settings-UI sign-in (email and password) for a shop."""
    ensure_schema()
    session = db.session()
    shop = resolve_shop(session, shop_ref)
    try:
        user = create_user(session, shop.id, email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(f"user {user.email} can sign in at /settings/login for shop {shop.id} ({shop.name})")


@click.command("set-password")
@click.option("--email", required=True, help="The merchant's sign-in email.")
@click.password_option(help="At least 10 characters; asked for when not given.")
def set_password_command(email: str, password: str) -> None:
    """Set a new settings-UI password for an existing sign-in (a forgotten password)."""
    ensure_schema()
    session = db.session()
    user = session.scalar(select(ShopUser).where(ShopUser.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no sign-in with the email {email}; create one with create-user")
    try:
        set_password(user, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(f"new password set for {user.email}")
