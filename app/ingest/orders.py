"""Orders: from purchase events, imports, and (later) the Shopify sync."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import Order, OrderLine


@dataclass
class OrderLineData:
    product_id: str
    quantity: int
    price: Decimal


@dataclass
class OrderData:
    external_id: str
    placed_at: datetime
    customer_id: str | None = None
    profile_id: int | None = None
    total: Decimal | None = None
    currency: str | None = None
    lines: list[OrderLineData] = field(default_factory=list)

    def computed_total(self) -> Decimal:
        if self.total is not None:
            return self.total
        return sum((line.price * line.quantity for line in self.lines), Decimal("0"))


def existing_order_ids(session: Session, shop_id: int, external_ids: set[str]) -> set[str]:
    found: set[str] = set()
    ids = sorted(external_ids)
    # Chunked: SQLite limits the number of bound parameters per statement.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            session.scalars(
                select(Order.external_id).where(Order.shop_id == shop_id, Order.external_id.in_(chunk))
            )
        )
    return found


def store_new_orders(session: Session, shop_id: int, orders: list[OrderData], source: str) -> int:
    """Insert the orders we do not have yet (by external id); returns how many were new.

    An order already stored is left as it is: the first report of an order
    wins, later duplicates (a reloaded thank-you page, a re-run import) are no-ops.
    """
    known = existing_order_ids(session, shop_id, {order.external_id for order in orders})
    fresh: dict[str, OrderData] = {}
    for order in orders:
        if order.external_id not in known and order.external_id not in fresh:
            fresh[order.external_id] = order
    if not fresh:
        return 0
    order_rows = [
        {
            "shop_id": shop_id,
            "external_id": order.external_id,
            "profile_id": order.profile_id,
            "customer_id": order.customer_id,
            "placed_at": order.placed_at,
            "total": order.computed_total(),
            "currency": order.currency,
            "source": source,
        }
        for order in fresh.values()
    ]
    ids_by_external: dict[str, int] = {}
    for start in range(0, len(order_rows), 1000):
        returned = session.execute(
            insert(Order.__table__).returning(Order.id, Order.external_id),
            order_rows[start : start + 1000],
        )
        ids_by_external.update({external_id: order_id for order_id, external_id in returned})
    line_rows = [
        {
            "order_id": ids_by_external[order.external_id],
            "shop_id": shop_id,
            "product_id": line.product_id,
            "quantity": line.quantity,
            "price": line.price,
        }
        for order in fresh.values()
        for line in order.lines
    ]
    for start in range(0, len(line_rows), 5000):
        session.execute(insert(OrderLine.__table__), line_rows[start : start + 5000])
    return len(fresh)
