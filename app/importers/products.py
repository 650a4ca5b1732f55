"""Catalog import. CSV columns are the product fields; ``tags`` separated by ``|``."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app.catalog.upsert import upsert_products
from app.importers.reading import Row
from app.importers.report import ImportReport, format_errors
from app.schemas.products import ProductSchema

REQUIRED_CSV_COLUMNS = ("external_id", "title")
_schema = ProductSchema()


def import_products(
    session: Session, shop_id: int, rows: Iterable[Row], on_progress: Callable[[int], None] = lambda n: None
) -> ImportReport:
    report = ImportReport("products")
    valid: list[dict] = []
    for row in rows:
        on_progress(1)
        if row.error:
            report.add_problem(row.line, row.error)
            continue
        try:
            valid.append(_schema.load(_from_csv_shape(row.data)))
        except ValidationError as error:
            report.add_problem(row.line, format_errors(error.messages))
    counts = upsert_products(session, shop_id, valid)
    report.imported, report.updated = counts.created, counts.updated
    return report


def _from_csv_shape(data: dict) -> dict:
    """CSV cells are strings; tags come as 'a|b|c'. JSON rows pass through unchanged."""
    tags = data.get("tags")
    if isinstance(tags, str):
        data = {**data, "tags": [tag.strip() for tag in tags.split("|") if tag.strip()]}
    return data
