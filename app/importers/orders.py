"""Order history import.

CSV: one row per order line, columns ``order_id, customer_id, placed_at,
currency, product_id, quantity, price`` and optionally ``total, country``;
rows of one order share its ``order_id``. JSON Lines: one order per line with
a ``lines`` list. An order with any bad line is rejected whole.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.importers.reading import Row
from app.importers.report import ImportReport, format_errors
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Profile
from app.schemas.orders import OrderSchema

REQUIRED_CSV_COLUMNS = ("order_id", "placed_at", "product_id", "quantity", "price")
_ORDER_FIELDS = ("order_id", "customer_id", "placed_at", "currency", "total", "country")
_schema = OrderSchema()


def import_orders(
    session: Session, shop_id: int, rows: Iterable[Row], on_progress: Callable[[int], None] = lambda n: None
) -> ImportReport:
    report = ImportReport("orders")
    orders = validated_orders(rows, report, on_progress)
    profile_ids = _customer_profiles(session, shop_id, [order for order, _ in orders])
    data = [
        OrderData(
            external_id=order["order_id"],
            placed_at=order["placed_at"],
            customer_id=order["customer_id"],
            profile_id=profile_ids.get(order["customer_id"]),
            total=order["total"],
            currency=order["currency"],
            lines=[OrderLineData(line["product_id"], line["quantity"], line["price"]) for line in order["lines"]],
        )
        for order, _ in orders
    ]
    report.imported = store_new_orders(session, shop_id, data, source="import")
    report.skipped = len(data) - report.imported
    return report


def validated_orders(
    rows: Iterable[Row], report: ImportReport, on_progress: Callable[[int], None] = lambda n: None
) -> list[tuple[dict, list[int]]]:
    """The file's orders as ``OrderSchema`` loads them, with their line numbers; bad ones go to ``report``."""
    orders: list[tuple[dict, list[int]]] = []
    for order, lines in _group_orders(rows, report, on_progress):
        try:
            orders.append((_schema.load(order), lines))
        except ValidationError as error:
            report.add_problem(lines[0], f"order {order.get('order_id')!r}: {format_errors(error.messages)}")
    return orders


def order_total(order: dict) -> Decimal:
    """The order's ``total`` when given, else the sum of its lines (as stored orders are totalled)."""
    if order.get("total") is not None:
        return order["total"]
    return sum((line["price"] * line["quantity"] for line in order["lines"]), Decimal("0"))


def _group_orders(rows: Iterable[Row], report: ImportReport, on_progress):
    """Orders with the line numbers they came from. CSV line rows are grouped by order_id."""
    grouped: dict[str, tuple[dict, list[int]]] = {}
    broken: set[str] = set()
    for row in rows:
        on_progress(1)
        if row.error:
            report.add_problem(row.line, row.error)
            continue
        data = row.data
        if "lines" in data:  # JSON Lines: a whole order per line
            yield data, [row.line]
            continue
        order_id = str(data.get("order_id") or "")
        if not order_id:
            report.add_problem(row.line, "order_id: Missing data for required field.")
            continue
        if order_id in broken:
            report.add_problem(row.line, f"order {order_id!r}: rejected with an earlier line")
            continue
        line = {key: data[key] for key in ("product_id", "quantity", "price") if key in data}
        if order_id not in grouped:
            grouped[order_id] = ({key: data[key] for key in _ORDER_FIELDS if key in data} | {"lines": []}, [])
        order, lines = grouped[order_id]
        order["lines"].append(line)
        lines.append(row.line)
    yield from grouped.values()


def _customer_profiles(session: Session, shop_id: int, orders: list[dict]) -> dict[str, int]:
    """Profile id per customer id, creating profiles for customers first seen in this file."""
    seen: dict[str, tuple[datetime, datetime, str | None]] = {}
    for order in orders:
        customer_id = order["customer_id"]
        if not customer_id:
            continue
        at, country = order["placed_at"], (order.get("country") or "").upper() or None
        first, last, known_country = seen.get(customer_id, (at, at, None))
        seen[customer_id] = (min(first, at), max(last, at), country or known_country)

    profiles: dict[str, Profile] = {}
    ids = list(seen)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for profile in session.scalars(
            select(Profile).where(Profile.shop_id == shop_id, Profile.customer_id.in_(chunk))
        ):
            profiles[profile.customer_id] = profile
    for customer_id, (first, last, country) in seen.items():
        profile = profiles.get(customer_id)
        if profile is None:
            profile = Profile(shop_id=shop_id, customer_id=customer_id, first_seen_at=first, last_seen_at=last, session_count=0)
            session.add(profile)
            profiles[customer_id] = profile
        else:
            profile.first_seen_at = min(profile.first_seen_at, first)
            profile.last_seen_at = max(profile.last_seen_at, last)
        if country:
            profile.country = country
    session.flush()
    return {customer_id: profile.id for customer_id, profile in profiles.items()}
