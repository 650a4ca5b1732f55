"""GraphQL Admin API objects in the shape our mapping reads (the webhook bodies' shape).

Webhooks still deliver the classic JSON bodies (`product_type`, `line_items`,
numeric ids), and app/shopify/mapping.py turns those into our rows. The sync
reads GraphQL instead; rather than keep two mappings that could drift, each
GraphQL node is translated here into the webhook shape first, so a product
looks the same whichever way it arrived. Ids become the numeric ids webhooks,
Liquid (`product.id`) and the Web Pixel all use.
"""
from __future__ import annotations

from app.shopify.queries import nodes


def numeric_id(gid) -> str | None:
    """`gid://shopify/Product/632910392` -> `632910392` (a plain id is kept as it is)."""
    if gid in (None, ""):
        return None
    text = str(gid)
    if text.startswith("gid://"):
        text = text.rsplit("/", 1)[-1].split("?", 1)[0]
    return text or None


def gid_type(gid) -> str | None:
    """`gid://shopify/ProductVariant/1` -> `ProductVariant`."""
    parts = str(gid or "").split("/")
    return parts[3] if len(parts) >= 5 and parts[0] == "gid:" else None


def _money(value) -> str | None:
    """A Money scalar ("19.99") or a MoneyBag's shopMoney amount."""
    if isinstance(value, dict):
        value = (value.get("shopMoney") or value).get("amount")
    return None if value is None else str(value)


def _lower(value) -> str | None:
    return str(value).lower() if value else None


def product(node: dict) -> dict:
    image = (((node.get("featuredMedia") or {}).get("preview") or {}).get("image") or {}).get("url")
    shaped = {
        "id": numeric_id(node.get("id")),
        "title": node.get("title"),
        "handle": node.get("handle"),
        "status": _lower(node.get("status")),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "tags": [str(tag) for tag in node.get("tags") or []],
        "image": {"src": image} if image else None,
        "updated_at": node.get("updatedAt"),
        "variants": [variant(child) for child in nodes(node.get("variants"))],
    }
    if "collections" in node:
        # The product's full list of collections: it replaces the collection tags we
        # had (a webhook body has no such list and leaves them alone).
        shaped["collections"] = [str(c.get("title") or numeric_id(c.get("id"))) for c in nodes(node["collections"])]
    return shaped


def variant(node: dict) -> dict:
    tracked = (node.get("inventoryItem") or {}).get("tracked")
    return {
        "id": numeric_id(node.get("id")),
        "price": _money(node.get("price")),
        # REST's inventory_management was "shopify" when Shopify tracks the stock, else null.
        "inventory_management": "shopify" if tracked else None,
        "inventory_policy": _lower(node.get("inventoryPolicy")),
        "inventory_quantity": node.get("inventoryQuantity"),
    }


def order(node: dict) -> dict:
    customer = node.get("customer") or {}
    return {
        "id": numeric_id(node.get("id")),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
        "updated_at": node.get("updatedAt"),
        "currency": node.get("currencyCode") or ((node.get("totalPriceSet") or {}).get("shopMoney") or {}).get("currencyCode"),
        "total_price": _money(node.get("totalPriceSet")),
        "customer": {"id": numeric_id(customer.get("id"))} if customer.get("id") else None,
        "line_items": [line_item(child) for child in nodes(node.get("lineItems"))],
    }


def line_item(node: dict) -> dict:
    return {
        "id": numeric_id(node.get("id")),
        # A custom line item (no product) has product: null; mapping.py skips it.
        "product_id": numeric_id((node.get("product") or {}).get("id")),
        "quantity": node.get("quantity"),
        "price": _money(node.get("originalUnitPriceSet")),
    }


def customer(node: dict) -> dict:
    orders = node.get("numberOfOrders")  # UnsignedInt64: a string
    try:
        orders = int(orders) if orders is not None else None
    except (TypeError, ValueError):
        orders = None
    return {
        "id": numeric_id(node.get("id")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "orders_count": orders,
        "total_spent": _money(node.get("amountSpent")),
    }


SHAPERS = {"products": product, "orders": order, "customers": customer}
