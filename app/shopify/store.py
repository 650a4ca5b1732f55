"""Storing GraphQL objects: shaped like webhook bodies, then written by the same record writers."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Shop, ShopifyInstall
from app.shopify import graphql_shapes, records
from app.shopify.queries import nodes


def store_nodes(session: Session, shop: Shop, install: ShopifyInstall, resource: str, page: list[dict]) -> int:
    """Write one batch of GraphQL nodes of a resource; how many were read (not how many were new)."""
    if resource == "collections":
        for collection in page:
            product_ids = [graphql_shapes.numeric_id(product.get("id")) for product in nodes(collection.get("products"))]
            title = collection.get("title") or graphql_shapes.numeric_id(collection.get("id"))
            records.tag_collection(session, shop.id, str(title), [pid for pid in product_ids if pid])
        return len(page)
    shaped = [graphql_shapes.SHAPERS[resource](node) for node in page]
    if resource == "products":
        records.store_products(session, shop, install.shop_domain, shaped)
    elif resource == "orders":
        records.store_orders(session, shop.id, shaped)
    else:
        records.store_customers(session, shop.id, shaped)
    return len(shaped)
