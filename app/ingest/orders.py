"""Orders: from purchase events, imports, and the Shopify sync and webhooks.

The merchant's records (imports, Shopify) are authoritative; what a browser
reported (a purchase event, source "storefront") is a stand-in until they
arrive. So an authoritative order replaces a storefront order with the same
id, whoever it was credited to: a forged purchase cannot block the real one
or keep it from its customer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, case, delete, func, insert, select
from sqlalchemy.orm import Session

from app.journey import traits
from app.models import Order, OrderLine, Profile
from app.models.types import MAX_MONEY

ORDER_TRAITS = ("order_count", "total_spend", "last_order_at", "previous_order_at", "first_order_at", "cart_count", "cart_value")
AUTHORITATIVE_SOURCES = frozenset({"import", "shopify"})


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
        # Capped at what the column holds: a page may report any lines, and a failed write would lose the batch.
        return min(sum((line.price * line.quantity for line in self.lines), Decimal("0")), MAX_MONEY)


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
    wins, later duplicates (a reloaded thank-you page, a re-run import) are no-ops,
    except that an authoritative source replaces what a storefront reported.
    """
    known = existing_order_ids(session, shop_id, {order.external_id for order in orders})
    if source in AUTHORITATIVE_SOURCES and known:
        known -= _drop_storefront_orders(session, shop_id, known)
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
    _add_to_buyer_traits(session, list(fresh.values()))
    return len(fresh)


def _drop_storefront_orders(session: Session, shop_id: int, external_ids: set[str]) -> set[str]:
    """Delete the storefront-reported orders among these ids, taking them out of their buyers' traits."""
    rows = []
    ids = sorted(external_ids)
    for start in range(0, len(ids), 500):
        rows += session.execute(
            select(Order.id, Order.external_id, Order.profile_id, Order.placed_at, Order.total).where(
                Order.shop_id == shop_id, Order.source == "storefront", Order.external_id.in_(ids[start : start + 500])
            )
        ).all()
    if not rows:
        return set()
    order_ids = [row.id for row in rows]
    for start in range(0, len(order_ids), 500):
        session.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids[start : start + 500])))
        session.execute(delete(Order).where(Order.id.in_(order_ids[start : start + 500])))
    by_profile: dict[int, list] = {}
    for row in rows:
        if row.profile_id is not None:
            by_profile.setdefault(row.profile_id, []).append(row)
    table = Profile.__table__
    for profile_id, removed in by_profile.items():
        remaining = select(func.min(Order.placed_at), func.max(Order.placed_at)).where(Order.profile_id == profile_id)
        first, last = session.execute(remaining).one()
        count, spend = len(removed), sum((row.total or Decimal(0) for row in removed), Decimal(0))
        session.execute(table.update().where(table.c.id == profile_id).values(
            order_count=case((table.c.order_count > count, table.c.order_count - count), else_=0),
            total_spend=case((table.c.total_spend > spend, table.c.total_spend - spend), else_=0),
            first_order_at=first, last_order_at=last, history_version=table.c.history_version + 1,
        ))
    _expire_order_traits(session, set(by_profile))
    return {row.external_id for row in rows}


def _expire_order_traits(session: Session, profile_ids: set[int]) -> None:
    for profile in [obj for obj in session.identity_map.values() if isinstance(obj, Profile) and obj.id in profile_ids]:
        session.expire(profile, ORDER_TRAITS)


def _add_to_buyer_traits(session: Session, orders: list[OrderData]) -> None:
    """Order count, spend and last order of each buyer move with every new order (one UPDATE for all)."""
    by_profile: dict[int, list[tuple]] = {}
    for order in orders:
        if order.profile_id is not None:
            by_profile.setdefault(order.profile_id, []).append((order.placed_at, order.computed_total()))
    if not by_profile:
        return
    table = Profile.__table__
    columns = [table.c[field] for field in ORDER_TRAITS]
    current = {}
    ids = list(by_profile)
    for start in range(0, len(ids), 500):
        for row in session.execute(select(table.c.id, *columns).where(table.c.id.in_(ids[start : start + 500]))):
            current[row[0]] = dict(zip(ORDER_TRAITS, row[1:]))
    updates = []
    for profile_id, placed in by_profile.items():
        values = current[profile_id]
        traits.apply_orders(values, placed)
        updates.append({"profile_id": profile_id, **values})
    # history_version: what a page view's ranking reads of these buyers changed (serving/visitor_memo.py).
    session.execute(table.update().where(table.c.id == bindparam("profile_id")).values(history_version=table.c.history_version + 1), updates)
    _expire_order_traits(session, set(by_profile))
