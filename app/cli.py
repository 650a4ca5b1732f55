"""Flask commands: `flask --app wsgi COMMAND`. Thin: they parse, call plain functions, print."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app import db, migrate
from app.importers import events as event_import
from app.importers import orders as order_import
from app.importers import products as product_import
from app.importers.reading import ImportFileError, detect_format, read_rows
from app.models import Shop
from app.shops import create_shop

MAX_PROBLEMS_SHOWN = 50


def init_app(app: Flask) -> None:
    from app.jobs.worker import worker
    from app.privacy.retention_job import purge_expired_command

    for command in (db_upgrade, create_shop_command, create_user_command, set_password_command, import_products, import_orders, import_events, worker, purge_expired_command):
        app.cli.add_command(command)
    from app.demo.command import demo
    from app.recommender.cli import commands as recommender_commands

    app.cli.add_command(demo)
    from app.commands.clv import evaluate_clv_command
    app.cli.add_command(evaluate_clv_command)
    for command in recommender_commands:
        app.cli.add_command(command)


def ensure_schema() -> None:
    """Bring the embedded SQLite database to the current schema; ask for PostgreSQL to be migrated explicitly."""
    url = current_app.config["DATABASE_URL"]
    if migrate.is_current(db.database().engine, url):
        return
    if url.startswith("sqlite"):
        migrate.upgrade(url)
        return
    raise click.ClickException("the database schema is not current; run: flask --app wsgi db-upgrade")


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


def _import_command(name: str, module, help_text: str):
    @click.command(name, help=help_text)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--shop", "shop_ref", help="Shop id or public key (may be left out when there is one shop).")
    @click.option("--format", "file_format", type=click.Choice(["csv", "jsonl"]), help="Default: from the file name.")
    def command(file: Path, shop_ref: str | None, file_format: str | None) -> None:
        ensure_schema()
        session = db.session()
        shop = resolve_shop(session, shop_ref)
        try:
            file_format = detect_format(file, file_format)
            rows = list(read_rows(file, file_format, module.REQUIRED_CSV_COLUMNS if file_format == "csv" else ()))
        except ImportFileError as error:
            raise click.ClickException(str(error)) from None
        importer = getattr(module, name.replace("-", "_"))
        try:
            with click.progressbar(length=len(rows), label=f"{name} {file.name}", file=sys.stderr) as bar:
                report = importer(session, shop.id, rows, on_progress=bar.update)
            session.commit()
        except Exception:
            session.rollback()  # all or nothing: no half-written import
            raise
        _print_report(report)

    return command


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


def _print_report(report) -> None:
    for line, message in report.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"line {line}: {message}", err=True)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        click.echo(f"... and {len(report.problems) - MAX_PROBLEMS_SHOWN} more rejected lines", err=True)
    click.echo(report.summary())
    if report.problems:
        sys.exit(2)


import_products = _import_command(
    "import-products", product_import, "Import or update products from CSV or JSON Lines (see README)."
)
import_orders = _import_command("import-orders", order_import, "Import orders from CSV or JSON Lines (see README).")
import_events = _import_command("import-events", event_import, "Import events from JSON Lines or CSV (see README).")


@click.command("create-user")
@click.option("--shop", "shop_ref", help="Shop id or public key; default: the only shop.")
@click.option("--email", required=True, help="The merchant's sign-in email.")
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_user_command(shop_ref: str | None, email: str, password: str) -> None:
    """Create a settings-UI sign-in (email and password) for a shop."""
    from app.merchant_accounts import AccountError, create_user

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
    from app.merchant_accounts import AccountError, set_password
    from app.models import ShopUser

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
