"""Reading a shop's history out of the store, in the shapes the recommender trains on.

Users are profiles (``"p<id>"``) and, for guest checkouts without a profile,
single orders (``"o<id>"``) — a guest basket still says which products go
together. Items are the merchant's external product ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Event, Order, OrderLine, Product, Profile
from app.recommender.serving import tokens
from app.recommender.serving.bots import bot_users
from app.recommender.serving.users import buyer_stage, guest_order_key, user_key
from app.recommender.training.features import Interactions

# Event kinds that say something about taste; purchases come from orders.
TASTE_EVENTS = ("product_view", "add_to_cart", "widget_click")


@dataclass
class ShopHistory:
    interactions: Interactions
    item_features: dict[str, list[str]]
    user_features: dict[str, list[str]]
    price_edges: tuple[float, ...]
    purchases: list[tuple[str, str, str, float]]  # (basket key, buyer key, product id, unix time)
    purchase_lines: Interactions  # order lines: buyer, product, quantity (as weight), time
    bots: int = 0  # visitors left out as bots (serving/bots.py)


def latest_activity(session: Session, shop_id: int) -> datetime | None:
    """When the shop's history ends: its latest event or order (an imported history may end years ago)."""
    moments = [
        session.scalar(select(func.max(Event.occurred_at)).where(Event.shop_id == shop_id)),
        session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id)),
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


def read_history(session: Session, shop_id: int, since: datetime | None = None) -> ShopHistory:
    """Views, carts, widget clicks and order lines since ``since`` (None: all), bots' events left out."""
    event_query = select(Event.profile_id, Event.product_id, Event.type, Event.occurred_at).where(
        Event.shop_id == shop_id, Event.type.in_(TASTE_EVENTS), Event.product_id.is_not(None)
    )
    if since is not None:
        event_query = event_query.where(Event.occurred_at >= since)
    events = [(user_key(profile_id), product_id, kind, at.timestamp()) for profile_id, product_id, kind, at in session.execute(event_query)]
    bots = bot_users(np.array([e[0] for e in events], dtype=object), np.array([e[2] for e in events], dtype=object),
                     np.array([e[3] for e in events], dtype=float)) if events else set()
    rows = [(user, product_id, tokens.weight_for(kind), at) for user, product_id, kind, at in events if user not in bots]

    purchases, lines = [], []
    order_query = (
        select(Order.id, Order.profile_id, Order.placed_at, OrderLine.product_id, OrderLine.quantity)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.shop_id == shop_id)
    )
    if since is not None:
        order_query = order_query.where(Order.placed_at >= since)
    purchase_weight = tokens.weight_for("purchase")
    for order_id, profile_id, placed_at, product_id, quantity in session.execute(order_query):
        buyer = user_key(profile_id) if profile_id is not None else guest_order_key(order_id)
        at = placed_at.timestamp()
        rows.append((buyer, product_id, purchase_weight, at))
        purchases.append((f"o{order_id}", buyer, product_id, at))
        lines.append((buyer, product_id, float(quantity or 1), at))

    products = session.execute(
        select(Product.external_id, Product.title, Product.category, Product.vendor, Product.tags, Product.price).where(
            Product.shop_id == shop_id
        )
    ).all()
    buckets = tokens.Buckets.fit([float(p.price) for p in products if p.price is not None], 8)
    item_features = {
        p.external_id: tokens.item_tokens(
            title=p.title, category=p.category, vendor=p.vendor, tags=p.tags,
            price=float(p.price) if p.price is not None else None, price_buckets=buckets,
        )
        for p in products
    }
    return ShopHistory(
        interactions=Interactions.from_tuples(rows),
        item_features=item_features,
        user_features=_user_features(session, shop_id),
        price_edges=buckets.edges,
        purchases=purchases,
        purchase_lines=Interactions.from_tuples(lines),
        bots=len(bots),
    )


def _user_features(session: Session, shop_id: int) -> dict[str, list[str]]:
    order_counts = dict(
        session.execute(
            select(Order.profile_id, func.count()).where(Order.shop_id == shop_id, Order.profile_id.is_not(None)).group_by(Order.profile_id)
        ).all()
    )
    result = {}
    for profile in session.execute(
        select(Profile.id, Profile.country, Profile.device, Profile.traffic_medium).where(
            Profile.shop_id == shop_id, Profile.merged_into_id.is_(None)
        )
    ):
        result[user_key(profile.id)] = tokens.user_tokens(
            country=profile.country, device=profile.device, source=profile.traffic_medium,
            stage=buyer_stage(order_counts.get(profile.id, 0)),
        )
    return result
