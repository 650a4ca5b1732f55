from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Product, bump_shop_versions

PRODUCT_FIELDS = ("title", "url", "image_url", "price", "currency", "vendor", "category", "tags", "in_stock")


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0


def upsert_products(session: Session, shop_id: int, products: list[dict]) -> UpsertCounts:
    """Create or update products by ``external_id``; the caller commits.

    Fields absent from an update keep their stored value, so a partial feed
    (say, only prices) does not blank titles. The last occurrence of an id wins.
    """
    by_id: dict[str, dict] = {}
    for product in products:
        by_id[product["external_id"]] = product
    counts = UpsertCounts()
    ids = list(by_id)
    now = utcnow()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing = {
            product.external_id: product
            for product in session.scalars(
                select(Product).where(Product.shop_id == shop_id, Product.external_id.in_(chunk))
            )
        }
        new_rows = []
        for external_id in chunk:
            data = by_id[external_id]
            stored = existing.get(external_id)
            if stored is None:
                row = {field: data.get(field) for field in PRODUCT_FIELDS}
                row["tags"] = row["tags"] or []
                row["in_stock"] = True if row["in_stock"] is None else row["in_stock"]
                new_rows.append({**row, "shop_id": shop_id, "external_id": external_id, "created_at": now, "updated_at": now})
            else:
                for field in PRODUCT_FIELDS:
                    if field in data:
                        setattr(stored, field, data[field])
                counts.updated += 1
        if new_rows:
            session.execute(insert(Product), new_rows)
            counts.created += len(new_rows)
            # A Core insert bypasses the ORM's flush, where updates bump the version.
            bump_shop_versions(session, shop_id, catalog=True)
    session.flush()
    return counts
