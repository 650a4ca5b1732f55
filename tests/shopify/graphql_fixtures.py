"""The recorded REST fixtures (shared/datasets/shopify-admin-fixtures) as GraphQL Admin API objects.

Only the conversion is ours; every value comes from the recorded fixtures. The
GraphQL shapes are the documented ones (shopify.dev, GraphQL Admin API reference:
Product, ProductVariant, Collection, Order, LineItem, Customer; bulk operation
JSONL lines with `__parentId`).
"""
from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from tests.helpers.shopify import load_fixture


def gid(kind: str, rest_id) -> str:
    return f"gid://shopify/{kind}/{rest_id}"


def utc(rest_time: str | None) -> str | None:
    if not rest_time:
        return None
    return datetime.fromisoformat(rest_time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def variant_node(variant: dict) -> dict:
    return {
        "id": gid("ProductVariant", variant["id"]),
        "price": variant["price"],
        "inventoryPolicy": (variant.get("inventory_policy") or "deny").upper(),
        "inventoryQuantity": variant.get("inventory_quantity"),
        "inventoryItem": {"tracked": variant.get("inventory_management") == "shopify"},
    }


def product_node(product: dict) -> dict:
    """The product itself, without its connections (those are children)."""
    image = product.get("image") or next(iter(product.get("images") or []), None)
    tags = product.get("tags") or ""
    return {
        "id": gid("Product", product["id"]),
        "title": product["title"],
        "handle": product["handle"],
        "status": (product.get("status") or "active").upper(),
        "vendor": product.get("vendor"),
        "productType": product.get("product_type"),
        "tags": [tag.strip() for tag in tags.split(",") if tag.strip()] if isinstance(tags, str) else tags,
        "updatedAt": utc(product.get("updated_at")),
        "featuredMedia": {"preview": {"image": {"url": image["src"]}}} if image else None,
    }


def order_node(order: dict) -> dict:
    return {
        "id": gid("Order", order["id"]),
        "createdAt": utc(order.get("created_at")),
        "processedAt": utc(order.get("processed_at")),
        "updatedAt": utc(order.get("updated_at")),
        "currencyCode": order.get("currency"),
        "totalPriceSet": {"shopMoney": {"amount": order.get("total_price"), "currencyCode": order.get("currency")}},
        "customer": {"id": gid("Customer", order["customer"]["id"])} if order.get("customer") else None,
    }


def line_item_node(item: dict) -> dict:
    return {
        "id": gid("LineItem", item["id"]),
        "quantity": item["quantity"],
        "originalUnitPriceSet": {"shopMoney": {"amount": item["price"]}},
        "product": {"id": gid("Product", item["product_id"])} if item.get("product_id") else None,
    }


def customer_node(customer: dict) -> dict:
    return {
        "id": gid("Customer", customer["id"]),
        "createdAt": utc(customer.get("created_at")),
        "updatedAt": utc(customer.get("updated_at")),
        "numberOfOrders": str(customer.get("orders_count") or 0),
        "amountSpent": {"amount": customer.get("total_spent") or "0.00", "currencyCode": customer.get("currency") or "USD"},
    }


class Store:
    """A shop's catalog, orders and customers as REST objects; GraphQL views of them on demand."""

    def __init__(self, products: list[dict], orders: list[dict], customers: list[dict],
                 collections: dict[str, list[str]] | None = None):
        self.products, self.orders, self.customers = products, orders, customers
        self.collections = collections or {}  # collection title -> product ids

    def collections_of(self, product_id) -> list[dict]:
        return [{"id": gid("Collection", 9000 + n), "title": title}
                for n, (title, members) in enumerate(sorted(self.collections.items())) if str(product_id) in members]

    def children(self, resource: str, obj: dict) -> dict[str, list[dict]]:
        if resource == "products":
            return {"variants": [variant_node(v) for v in obj["variants"]], "collections": self.collections_of(obj["id"])}
        if resource == "orders":
            return {"lineItems": [line_item_node(item) for item in obj["line_items"]]}
        return {}

    def objects(self, resource: str) -> list[dict]:
        return {"products": self.products, "orders": self.orders, "customers": self.customers}[resource]

    def node(self, resource: str, obj: dict) -> dict:
        return {"products": product_node, "orders": order_node, "customers": customer_node}[resource](obj)

    def jsonl(self, resource: str) -> bytes:
        """The bulk operation result: each object, then its children with `__parentId` (groupObjects: true)."""
        lines = []
        for obj in self.objects(resource):
            parent = self.node(resource, obj)
            lines.append(json.dumps(parent))
            for children in self.children(resource, obj).values():
                lines += [json.dumps({**child, "__parentId": parent["id"]}) for child in children]
        return ("\n".join(lines) + "\n").encode()


def recorded_store(fixtures_dir, extra_products: int = 0) -> Store:
    """Every product, order and customer of the recorded fixtures (each id once), plus generated products.

    One generated product has 150 variants, more than REST ever returned (100),
    the cheapest and only one in stock being the last: it shows every variant was read.
    """
    products: dict[str, dict] = {}
    for product in load_fixture(fixtures_dir, "products.json") + [load_fixture(fixtures_dir, "product.json")["product"]]:
        products[str(product["id"])] = product
    template = load_fixture(fixtures_dir, "product.json")["product"]
    big = copy.deepcopy(template)
    big.update(id=777000001, handle="ipod-every-colour", title="IPod Nano - every colour")
    base = template["variants"][0]
    big["variants"] = []
    for n in range(150):
        variant = copy.deepcopy(base)
        variant.update(id=880000000 + n, price=f"{250 - n}.00", inventory_policy="deny",
                       inventory_quantity=5 if n == 149 else 0)
        big["variants"].append(variant)
    products[str(big["id"])] = big
    for n in range(extra_products):
        extra = copy.deepcopy(template)
        extra.update(id=700000000 + n, handle=f"item-{n}", title=f"Item {n}")
        for variant in extra["variants"]:
            variant["id"] = variant["id"] * 1000 + n
        products[str(extra["id"])] = extra
    # The fixtures hold one order id (450789469); the second recorded order body gets its own id.
    second = copy.deepcopy(load_fixture(fixtures_dir, "order_with_properties.json")["order"])
    second["id"] = 450789470
    orders = [load_fixture(fixtures_dir, "order.json")["order"], second]
    customers = {}
    for name in ("customer.json", "customer_saved_search_customers.json"):
        body = load_fixture(fixtures_dir, name)
        for customer in body.get("customers") or [body.get("customer")]:
            customers[str(customer["id"])] = customer
    return Store(list(products.values()), orders, list(customers.values()),
                 {"Music players": [str(template["id"]), "1", "2"], "Sale": [str(big["id"])]})
