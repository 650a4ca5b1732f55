"""import-products, import-orders, import-events: CSV or JSON Lines into a shop, all or nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from app import db
from app.commands.progress import row_progress
from app.commands.schema import ensure_schema, resolve_shop
from app.importers import events as event_import
from app.importers import orders as order_import
from app.importers import products as product_import
from app.importers.reading import ImportFileError, detect_format, read_rows

MAX_PROBLEMS_SHOWN = 50


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
            with row_progress(f"{name} {file.name}", len(rows)) as advance:
                report = importer(session, shop.id, rows, on_progress=advance)
            session.commit()
        except Exception:
            session.rollback()  # all or nothing: no half-written import
            raise
        _print_report(report)

    return command


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
