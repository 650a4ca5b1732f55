"""The restock reminder's product: the one a known customer is due to buy again now, by the buy_again hazard.

Only a customer the shop knows (a profile with a customer id: a verified
identify, or the shop platform's record) has purchases here; a browser that
merely claims a customer id has its own, empty profile, so it gets nothing
(README, "Signed-in customers"). The product must be in the catalog, in stock
and not excluded from recommendations by the merchant, as a buy_again slider's
products are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.catalog.links import web_link_or_none
from app.models import Order, OrderLine, Product, Shop
from app.recommender.serving.loaded_model import loaded
from app.recommender.serving.merchant_rules import MerchantRules
from app.recommender.serving.ranking import due_restocks
from app.recommender.serving.recommend import catalog_for
from app.recommender.serving.visitor import VisitorContext
from app.shop_state import ShopSnapshot, shop_snapshot

EXAMPLE_CANDIDATES = 20  # the preview's example: the most re-bought products, the first of them that may be shown


@dataclass(frozen=True)
class Restock:
    product_id: str
    title: str
    url: str | None  # http(s) or relative; None: the block names the product without a link


def due_restock(session: Session, shop: Shop, visitor: VisitorContext | None, now: datetime) -> Restock | None:
    """The product this visitor is due to restock now, or None (anonymous, unverified, nothing due, no model)."""
    profile = visitor.profile if visitor is not None else None
    if profile is None or not profile.customer_id or not profile.order_count:
        return None
    state = shop_snapshot(session, shop.public_key)
    inputs = ("restock", state.config_version, state.catalog_version, state.model_version, now.date())
    return visitor.remembered(inputs, lambda: _due_restock(session, shop, state, visitor, now))


def _due_restock(session: Session, shop: Shop, state: ShopSnapshot, visitor: VisitorContext, now: datetime) -> Restock | None:
    if not visitor.order_lines:
        return None
    model = loaded(shop.id, state.model_version, state.model_path)
    if model is None or model.served.repeat is None:
        return None
    catalog = catalog_for(session, state, model)
    rules = state.memo("merchant_rules", lambda: MerchantRules.from_settings(state.shop.settings))
    for item, _probability in due_restocks(model.served, visitor.history(), now.timestamp()):
        product = catalog.product(item)
        if product is not None and product.in_stock and not rules.excludes(product):
            return Restock(product.external_id, product.title, web_link_or_none(product.url))
    return None


def example_restock(session: Session, shop: Shop) -> Restock | None:
    """What the editor's preview shows when the merchant's own browser has nothing due: the product most
    customers bought on two or more orders (in stock), as a due customer would see it."""
    repeat_buyers = (
        select(OrderLine.product_id).join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop.id, Order.profile_id.is_not(None))
        .group_by(OrderLine.product_id, Order.profile_id).having(func.count(distinct(Order.id)) >= 2)
        .subquery()
    )
    ranked = session.scalars(
        select(repeat_buyers.c.product_id).group_by(repeat_buyers.c.product_id)
        .order_by(func.count().desc(), repeat_buyers.c.product_id).limit(EXAMPLE_CANDIDATES)
    ).all()
    if not ranked:
        return None
    products = {product.external_id: product for product in session.scalars(
        select(Product).where(Product.shop_id == shop.id, Product.external_id.in_(ranked), Product.in_stock.is_(True))
    )}
    rules = MerchantRules.from_settings(shop.settings)
    for product_id in ranked:
        product = products.get(product_id)
        if product is not None and not rules.excludes(product):
            return Restock(product.external_id, product.title, web_link_or_none(product.url))
    return None
