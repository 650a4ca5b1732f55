"""Writing what Shopify tells us: products, customer profiles, orders. The caller commits.

Shared by the sync (pages of objects) and the webhooks (one object), so both
store exactly the same thing.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.upsert import upsert_products
from app.clock import utcnow
from app.ingest.identity import profile_for_customer
from app.ingest.orders import store_new_orders
from app.models import Product, Profile, Shop
from app.shopify import mapping


def store_products(session: Session, shop: Shop, shop_domain: str, products: Iterable[dict]) -> int:
    products = [product for product in products if product.get("id")]
    rows = [mapping.product_row(product, shop_domain, shop.currency) for product in products]
    if not rows:
        return 0
    # A product read through GraphQL lists its collections: those are its collection
    # tags. A webhook body does not: keep the ones we have.
    kept = _collection_tags(session, shop.id, [row["external_id"] for row in rows])
    for product, row in zip(products, rows, strict=True):
        if "collections" in product:
            collection_tags = [mapping.COLLECTION_TAG_PREFIX + title for title in product["collections"]]
        else:
            collection_tags = kept.get(row["external_id"], [])
        row["tags"] = row["tags"] + [tag for tag in collection_tags if tag not in row["tags"]]
    upsert_products(session, shop.id, rows)
    return len(rows)


def _collection_tags(session: Session, shop_id: int, external_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for start in range(0, len(external_ids), 500):
        for external_id, tags in session.execute(
            select(Product.external_id, Product.tags).where(
                Product.shop_id == shop_id, Product.external_id.in_(external_ids[start : start + 500])
            )
        ):
            found[external_id] = [tag for tag in tags or [] if tag.startswith(mapping.COLLECTION_TAG_PREFIX)]
    return found


def tag_collection(session: Session, shop_id: int, title: str, product_ids: Iterable) -> int:
    """Add `collection:<title>` to the tags of these products (those we have); how many were tagged."""
    tag = mapping.COLLECTION_TAG_PREFIX + title
    ids = [str(product_id) for product_id in product_ids]
    tagged = 0
    for start in range(0, len(ids), 500):
        for product in session.scalars(
            select(Product).where(Product.shop_id == shop_id, Product.external_id.in_(ids[start : start + 500]))
        ):
            if tag not in (product.tags or []):
                product.tags = [*(product.tags or []), tag]  # a new list, so SQLAlchemy sees the change
            tagged += 1
    session.flush()
    return tagged


def mark_product_deleted(session: Session, shop_id: int, product_id) -> bool:
    """Out of stock rather than deleted: past orders, events and trained models refer to the
    product by its id, and a deleted row would leave their titles, prices and images dangling."""
    product = session.scalar(select(Product).where(Product.shop_id == shop_id, Product.external_id == str(product_id)))
    if product is None:
        return False
    product.in_stock = False
    session.flush()
    return True


def store_customers(session: Session, shop_id: int, customers: Iterable[dict]) -> int:
    count = 0
    for customer in customers:
        if customer.get("id") is None:
            continue
        facts = mapping.customer_facts(customer)
        profile = profile_for_customer(session, shop_id, facts["customer_id"], facts["created_at"] or utcnow())
        # The larger of ours and Shopify's: orders we stored already count towards our
        # numbers, and Shopify's include orders from before the app was installed.
        if "order_count" in facts:
            profile.order_count = max(profile.order_count or 0, facts["order_count"])
        if "total_spend" in facts:
            profile.total_spend = max(profile.total_spend or 0, facts["total_spend"])
        count += 1
    session.flush()
    return count


def store_orders(session: Session, shop_id: int, orders: Iterable[dict]) -> int:
    """Store the orders we do not have yet (idempotent); how many were new."""
    data = []
    for order in orders:
        if order.get("id") is None:
            continue
        item = mapping.order_data(order)
        if item.customer_id:
            item.profile_id = _profile_id(session, shop_id, item.customer_id, item.placed_at)
        data.append(item)
    return store_new_orders(session, shop_id, data, source="shopify") if data else 0


def _profile_id(session: Session, shop_id: int, customer_id: str, seen_at) -> int:
    profile = profile_for_customer(session, shop_id, customer_id, seen_at)
    # Orders point at the surviving profile, never at a merged tombstone.
    while profile.merged_into_id is not None:
        profile = session.get(Profile, profile.merged_into_id)
    return profile.id


def collection_count(session: Session, shop_id: int) -> int:
    """How many collections the shop's products are tagged with (`collection:<title>`)."""
    titles: set[str] = set()
    query = select(Product.tags).where(Product.shop_id == shop_id).execution_options(yield_per=1000)
    for tags in session.scalars(query):
        titles.update(tag for tag in tags or [] if tag.startswith(mapping.COLLECTION_TAG_PREFIX))
    return len(titles)
