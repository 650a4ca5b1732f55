"""Products: the shop's catalog, upserted by the merchant's own product ids."""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.catalog.upsert import PRODUCT_FIELDS, UpsertCounts, upsert_products
from app.models import Product
from app.models.types import MAX_RECORD_ID
from app.resources.errors import Invalid
from app.schemas.products import ProductBatchSchema

FIELDS = ("external_id", *PRODUCT_FIELDS)
MAX_PAGE_SIZE = 500
_batch_schema = ProductBatchSchema()


@dataclass(frozen=True)
class ProductPage:
    total: int  # the shop's products, all pages
    products: list[Product]
    limit: int
    offset: int


def validate_batch(payload: dict) -> list[dict]:
    """All the products, or Invalid naming every bad one: a batch with any invalid product stores nothing."""
    try:
        return _batch_schema.load(payload)["products"]
    except ValidationError as error:
        raise Invalid("Invalid products; nothing was stored.", error.normalized_messages()) from None


def upsert(session: Session, shop_id: int, products: list[dict]) -> UpsertCounts:
    """Create or update by ``external_id`` (fields left out keep their stored value); the caller commits."""
    return upsert_products(session, shop_id, products)


def page(session: Session, shop_id: int, limit: int, offset: int, query: str | None = None) -> ProductPage:
    """One page of the shop's products, oldest first (``limit`` kept within 1..MAX_PAGE_SIZE, ``offset`` within what SQL takes).

    ``query`` keeps those whose id is it or whose title contains it (any case).
    """
    limit = min(max(limit, 1), MAX_PAGE_SIZE)
    offset = min(max(offset, 0), MAX_RECORD_ID)
    conditions = [Product.shop_id == shop_id]
    if query and query.strip():
        text = query.strip()[:200]
        conditions.append(or_(Product.external_id == text, func.lower(Product.title).contains(text.lower(), autoescape=True)))
    total = session.scalar(select(func.count()).select_from(Product).where(*conditions))
    found = session.scalars(select(Product).where(*conditions).order_by(Product.id).limit(limit).offset(offset))
    return ProductPage(total, list(found), limit, offset)
