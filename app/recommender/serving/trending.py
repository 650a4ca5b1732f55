"""Trending: time-decayed popularity of views, carts and purchases, overall or within a category.

Counted in a few fixed windows (last day, 3 days, week, 2 weeks, month), each
weighted by the decay at its middle: portable SQL (range filters and GROUP BY)
and no per-row Python over the shop's history.

Robust to a handful of shoppers: each window counts **distinct visitors**
(one browser reloading a product page twelve times is one visitor), a
product needs ``MIN_SUPPORT`` distinct visitors over the month to trend at
all, and visitors classed as bots (bots.py) are ignored.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Event, Order, OrderLine, Product
from app.recommender.serving.bots import bot_profiles
from app.recommender.serving.tokens import weight_for

HALF_LIFE_DAYS = 7.0
WINDOWS_DAYS = ((0, 1), (1, 3), (3, 7), (7, 14), (14, 30))
MIN_SUPPORT = 3  # distinct visitors over all windows before a product can trend
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
            _make_room(key[-1])
        _cache[key] = ranked
    return ranked


def _make_room(minute: int) -> None:
    """Drop past minutes' entries, then the oldest of this minute's: clearing everything made a worker
    that serves many shops recompute what it had just cached (and another shop's entry could push out
    the one a page view had computed a moment before)."""
    for stale in [key for key in _cache if key[-1] != minute]:
        del _cache[stale]
    while len(_cache) >= _CACHE_SIZE:
        del _cache[next(iter(_cache))]


def _compute(session: Session, shop_id: int, category: str | None, limit: int) -> list[tuple[str, float]]:
    last_event = session.scalar(select(func.max(Event.occurred_at)).where(Event.shop_id == shop_id))
    last_order = session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id))
    in_category = None
    if category:
        in_category = select(Product.external_id).where(Product.shop_id == shop_id, Product.category == category)
    counts: list[tuple[str, int, str, int]] = []
    support: dict[str, int] = {}
    buyer = func.coalesce(Order.profile_id, -Order.id)  # a guest order is its own buyer
    if last_event is not None:
        bots = bot_profiles(shop_id, _windows(last_event))
        for window, (since, until) in enumerate(_windows(last_event)):
            query = (
                select(Event.product_id, Event.type, func.count(func.distinct(Event.profile_id)))
                .where(
                    Event.shop_id == shop_id, Event.type.in_(("product_view", "add_to_cart")),
                    Event.product_id.is_not(None), Event.occurred_at > since, Event.occurred_at <= until,
                    Event.profile_id.not_in(bots),
                )
                .group_by(Event.product_id, Event.type)
            )
            counts += [(product, window, kind, n) for product, kind, n in session.execute(_in(query, Event.product_id, in_category))]
        since, until = _span(last_event)
        query = (
            select(Event.product_id, func.count(func.distinct(Event.profile_id)))
            .where(
                Event.shop_id == shop_id, Event.type.in_(("product_view", "add_to_cart")), Event.product_id.is_not(None),
                Event.occurred_at > since, Event.occurred_at <= until, Event.profile_id.not_in(bots),
            )
            .group_by(Event.product_id)
        )
        support.update(session.execute(_in(query, Event.product_id, in_category)).all())
    if last_order is not None:
        for window, (since, until) in enumerate(_windows(last_order)):
            query = (
                select(OrderLine.product_id, func.count(func.distinct(buyer)))
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.shop_id == shop_id, Order.placed_at > since, Order.placed_at <= until)
                .group_by(OrderLine.product_id)
            )
            counts += [(product, window, "purchase", n) for product, n in session.execute(_in(query, OrderLine.product_id, in_category))]
        since, until = _span(last_order)
        query = (
            select(OrderLine.product_id, func.count(func.distinct(buyer)))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.shop_id == shop_id, Order.placed_at > since, Order.placed_at <= until)
            .group_by(OrderLine.product_id)
        )
        for product, n in session.execute(_in(query, OrderLine.product_id, in_category)):
            support[product] = max(support.get(product, 0), n)
    scores = trending_scores(counts, support)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


def trending_scores(counts, support: dict, min_support: int = MIN_SUPPORT) -> dict:
    """``{product: score}`` from ``(product, window index, kind, distinct visitors)`` rows.

    Each window's distinct visitors count with the decay at the window's
    middle and the kind's weight (purchase > cart > view). ``support``: each
    product's distinct visitors over all windows (the larger of viewers and
    buyers, so one person cannot count twice); below ``min_support`` a product
    does not trend. The offline evaluation scores with this same function.
    """
    scores: dict = {}
    for product, window, kind, n in counts:
        if support.get(product, 0) < min_support:
            continue
        start_days, end_days = WINDOWS_DAYS[window]
        decay = 0.5 ** (((start_days + end_days) / 2) / HALF_LIFE_DAYS)
        scores[product] = scores.get(product, 0.0) + decay * weight_for(kind) * n
    return scores


def _windows(last: datetime) -> list[tuple[datetime, datetime]]:
    # Windows end at the latest activity of their kind (never in the future),
    # so a shop whose order history stops (an imported data set) still has a trend.
    end = min(last, utcnow())
    return [(end - timedelta(days=end_days), end - timedelta(days=start_days)) for start_days, end_days in WINDOWS_DAYS]


def _span(last: datetime) -> tuple[datetime, datetime]:
    windows = _windows(last)
    return windows[-1][0], windows[0][1]


def _in(query: Select, column, in_category: Select | None) -> Select:
    return query if in_category is None else query.where(column.in_(in_category))


def clear_cache() -> None:
    """Forget cached trends (tests reuse shop ids across emptied databases)."""
    _cache.clear()
