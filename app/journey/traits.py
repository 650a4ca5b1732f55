"""Keeping a profile's journey traits current, one event or order at a time (never by rescanning history)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from app.models.types import MAX_COUNT, MAX_MONEY

MAX_CATEGORIES = 20


def apply_event(traits: dict, event_type: str, value: Decimal | None, quantity: int, category: str | None) -> None:
    """Fold one storefront event into ``traits`` (cart_count, cart_value, viewed_categories)."""
    if event_type == "add_to_cart":
        traits["cart_count"] = _count((traits.get("cart_count") or 0) + max(quantity, 1))
        traits["cart_value"] = _money((traits.get("cart_value") or Decimal(0)) + (value or Decimal(0)))
    elif event_type == "remove_from_cart":
        traits["cart_count"] = _count((traits.get("cart_count") or 0) - max(quantity, 1))
        traits["cart_value"] = _money((traits.get("cart_value") or Decimal(0)) - (value or Decimal(0)))
        if traits["cart_count"] == 0:
            traits["cart_value"] = Decimal(0)
    elif event_type == "product_view" and category:
        counts = dict(traits.get("viewed_categories") or {})
        counts[category] = counts.get(category, 0) + 1
        if len(counts) > MAX_CATEGORIES:
            counts = dict(sorted(counts.items(), key=lambda item: -item[1])[:MAX_CATEGORIES])
        traits["viewed_categories"] = counts


def apply_orders(traits: dict, orders: Iterable[tuple[datetime, Decimal]]) -> None:
    """Fold new orders in; an order empties the cart. The two latest orders are kept (a lapse is the gap between them)."""
    for placed_at, total in orders:
        traits["order_count"] = _count((traits.get("order_count") or 0) + 1)
        traits["total_spend"] = _money((traits.get("total_spend") or Decimal(0)) + (total or Decimal(0)))
        first = traits.get("first_order_at")
        traits["last_order_at"], traits["previous_order_at"] = _two_latest(
            traits.get("last_order_at"), traits.get("previous_order_at"), placed_at
        )
        traits["first_order_at"] = placed_at if first is None or placed_at < first else first
        traits["cart_count"], traits["cart_value"] = 0, Decimal(0)


def _two_latest(*moments: datetime | None) -> tuple[datetime | None, datetime | None]:
    known = sorted((moment for moment in moments if moment is not None), reverse=True)
    return (known + [None, None])[0], (known + [None, None])[1]


def merge(target: dict, source: dict) -> dict:
    """Traits of two profiles of one person, folded together."""
    merged = dict(target)
    for field in ("order_count", "cart_count"):
        merged[field] = _count((target.get(field) or 0) + (source.get(field) or 0))
    for field in ("total_spend", "cart_value"):
        merged[field] = _money((target.get(field) or Decimal(0)) + (source.get(field) or Decimal(0)))
    merged["last_order_at"], merged["previous_order_at"] = _two_latest(
        target.get("last_order_at"), target.get("previous_order_at"), source.get("last_order_at"), source.get("previous_order_at")
    )
    firsts = [moment for moment in (target.get("first_order_at"), source.get("first_order_at")) if moment is not None]
    merged["first_order_at"] = min(firsts) if firsts else None
    categories = dict(target.get("viewed_categories") or {})
    for category, count in (source.get("viewed_categories") or {}).items():
        categories[category] = categories.get(category, 0) + count
    merged["viewed_categories"] = categories
    return merged


def _count(value: int) -> int:
    """Counts stop at what their column holds (a flood of forged carts must not fail every later write)."""
    return min(max(value, 0), MAX_COUNT)


def _money(value: Decimal) -> Decimal:
    """Amounts likewise, never below zero."""
    return min(max(Decimal(value), Decimal(0)), MAX_MONEY)


def top_categories(viewed: dict | None, n: int = 3) -> list[str]:
    return [category for category, _ in sorted((viewed or {}).items(), key=lambda item: (-item[1], item[0]))[:n]]
