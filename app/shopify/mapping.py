"""Shopify Admin API objects (and webhook bodies, which have the same shape) to our rows.

Pure functions: the sync and the webhooks both go through them, so a product
looks the same whichever way it arrived.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from app.catalog.links import web_link_or_none
from app.ingest.orders import OrderData, OrderLineData

COLLECTION_TAG_PREFIX = "collection:"
# Not for sale: a draft or archived product must not be recommended.
UNSELLABLE_STATUSES = ("draft", "archived")


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def variant_in_stock(variant: dict) -> bool:
    if not variant.get("inventory_management"):
        return True  # Shopify does not track this variant's stock: it can always be bought
    if variant.get("inventory_policy") == "continue":
        return True  # overselling allowed
    return (variant.get("inventory_quantity") or 0) > 0


def split_tags(tags) -> list[str]:
    if isinstance(tags, list):
        return [str(tag).strip() for tag in tags if str(tag).strip()]
    return [tag.strip() for tag in (tags or "").split(", ") if tag.strip()]


def product_row(product: dict, shop_domain: str, currency: str | None = None) -> dict:
    """The catalog row (app/catalog/upsert.py fields) of a Shopify product."""
    variants = product.get("variants") or []
    prices = [price for price in (_decimal(variant.get("price")) for variant in variants) if price is not None]
    image = product.get("image") or next(iter(product.get("images") or []), None) or {}
    in_stock = any(variant_in_stock(variant) for variant in variants) if variants else True
    if product.get("status") in UNSELLABLE_STATUSES:
        in_stock = False
    handle = product.get("handle")
    return {
        "external_id": str(product["id"]),
        "title": (product.get("title") or f"Product {product['id']}")[:500],
        # Our own link from Shopify's parts (the handle escaped into one path segment), and
        # Shopify's image only if a page may load it: never a scheme other than http(s).
        "url": f"https://{shop_domain}/products/{quote(str(handle), safe='')}" if handle else None,
        "image_url": web_link_or_none(image.get("src")),
        "price": min(prices) if prices else None,
        "currency": currency,
        "vendor": product.get("vendor") or None,
        "category": product.get("product_type") or None,
        "tags": split_tags(product.get("tags")),
        "in_stock": in_stock,
    }


def customer_facts(customer: dict) -> dict:
    """Profile fields a Shopify customer gives us; traits only when the API sent them."""
    facts = {"customer_id": str(customer["id"]), "created_at": parse_time(customer.get("created_at"))}
    if customer.get("orders_count") is not None:
        facts["order_count"] = int(customer["orders_count"])
    if _decimal(customer.get("total_spent")) is not None:
        facts["total_spend"] = _decimal(customer["total_spent"])
    return facts


def order_data(order: dict) -> OrderData:
    """An order for app/ingest/orders.py:store_new_orders (profile_id is filled in by the caller)."""
    customer = order.get("customer") or {}
    lines = [
        OrderLineData(str(item["product_id"]), int(item.get("quantity") or 1), _decimal(item.get("price")) or Decimal("0"))
        # Custom line items (no product) cannot be recommended or attributed.
        for item in order.get("line_items") or []
        if item.get("product_id") is not None
    ]
    return OrderData(
        external_id=str(order["id"]),
        placed_at=parse_time(order.get("processed_at") or order.get("created_at")) or datetime.now(UTC),
        customer_id=str(customer["id"]) if customer.get("id") is not None else None,
        total=_decimal(order.get("total_price")),
        currency=(order.get("currency") or None),
        lines=lines,
    )
