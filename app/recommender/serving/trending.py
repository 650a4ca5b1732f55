"""Trending: time-decayed popularity of views, carts and purchases, overall or within a category.

Counted in a few fixed windows (last day, 3 days, week, 2 weeks, month), each
weighted by the decay at its middle: portable SQL (range filters and GROUP BY)
and no per-row Python over the shop's history.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Event, Order, OrderLine, Product
from app.recommender.serving.tokens import weight_for

HALF_LIFE_DAYS = 7.0
WINDOWS_DAYS = ((0, 1), (1, 3), (3, 7), (7, 14), (14, 30))
CACHE_SECONDS = 60
_CACHE_SIZE = 256
_cache: dict[tuple, list[tuple[str, float]]] = {}


def trending(session: Session, shop_id: int, category: str | None = None, limit: int = 200) -> list[tuple[str, float]]:
    """``[(product_id, score)]``, best first.

    Cached per minute (the minute is part of the key): trends move slowly and
    every slider on every page asks.
    """
    key = (shop_id, category, limit, int(time.time() // CACHE_SECONDS))
    ranked = _cache.get(key)
    if ranked is None:
        ranked = _compute(session, shop_id, category, limit)
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = ranked
    return ranked


def _compute(session: Session, shop_id: int, category: str | None, limit: int) -> list[tuple[str, float]]:
    last_event = session.scalar(select(func.max(Event.occurred_at)).where(Event.shop_id == shop_id))
    last_order = session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id))
    in_category = None
    if category:
        in_category = select(Product.external_id).where(Product.shop_id == shop_id, Product.category == category)
    scores: dict[str, float] = {}
    for start_days, end_days in WINDOWS_DAYS:
        decay = 0.5 ** (((start_days + end_days) / 2) / HALF_LIFE_DAYS)
        if last_event is not None:
            since, until = _window(last_event, start_days, end_days)
            query = (
                select(Event.product_id, Event.type, func.count())
                .where(
                    Event.shop_id == shop_id, Event.type.in_(("product_view", "add_to_cart")),
                    Event.product_id.is_not(None), Event.occurred_at > since, Event.occurred_at <= until,
                )
                .group_by(Event.product_id, Event.type)
            )
            for product_id, kind, count in session.execute(_in(query, Event.product_id, in_category)):
                scores[product_id] = scores.get(product_id, 0.0) + decay * weight_for(kind) * count
        if last_order is not None:
            since, until = _window(last_order, start_days, end_days)
            query = (
                select(OrderLine.product_id, func.count())
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.shop_id == shop_id, Order.placed_at > since, Order.placed_at <= until)
                .group_by(OrderLine.product_id)
            )
            for product_id, count in session.execute(_in(query, OrderLine.product_id, in_category)):
                scores[product_id] = scores.get(product_id, 0.0) + decay * weight_for("purchase") * count
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _window(end: datetime, start_days: int, end_days: int) -> tuple[datetime, datetime]:
    # Windows end at the latest activity of their kind (never in the future),
    # so a shop whose order history stops (an imported data set) still has a trend.
    end = min(end, utcnow())
    return end - timedelta(days=end_days), end - timedelta(days=start_days)


def _in(query: Select, column, in_category: Select | None) -> Select:
    return query if in_category is None else query.where(column.in_(in_category))


def clear_cache() -> None:
    """Forget cached trends (tests reuse shop ids across emptied databases)."""
    _cache.clear()
