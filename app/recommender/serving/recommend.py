"""Recommendations for one request: a strategy's candidates, the shop's filters, reasons in words.

Never raises for a shopper's request: with no model, nothing to say, or an
error, the answer is trending products.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.links import web_link_or_none
from app.models import Product, Shop
from app.recommender.serving.loaded_model import active_model
from app.recommender.serving.merchant_rules import MerchantRules
from app.recommender.serving.strategies import STRATEGIES, Candidate, StrategyInput
from app.recommender.serving.visitor import visitor_context
from app.texts import Texts, texts_for

log = logging.getLogger(__name__)

# Strategies about the shopper's own history: a slider's pins do not belong there.
OWN_HISTORY = {"recently_viewed", "buy_again"}
# Strategies that decide themselves whether a bought product may come back (restocks); others never show one.
SHOW_PURCHASES = {"buy_again", "personalized"}
OVERSAMPLE = 4

# Reasons in words come from the catalogs (app/texts, keys "reason.<kind>"), in the page's or the shop's language.
REASON_KINDS = ("viewed", "bought", "similar", "bought_with", "restock", "trending", "trending_in", "for_you", "pinned")


@dataclass
class RecommendationRequest:
    strategy: str
    visitor_id: str | None = None
    product_id: str | None = None
    category: str | None = None
    limit: int = 10
    lang: str | None = None  # the page's language; the shop's when we have no catalog for it
    # The slider's own pins (shown first, in order) and boosts, from its rule's content.
    pins: list[str] = field(default_factory=list)
    boost: dict = field(default_factory=dict)


@dataclass
class Recommendations:
    strategy: str  # what was served: the one asked for, or "trending" when it fell back
    model_version: str | None
    items: list[dict] = field(default_factory=list)


def recommend(session: Session, shop: Shop, request: RecommendationRequest) -> Recommendations:
    try:
        served = _recommend(session, shop, request, request.strategy)
        if served.items or request.strategy == "trending":
            return served
    except Exception:  # noqa: BLE001 - a recommendation must never break the shop's page
        log.exception("recommendations failed for shop %s (%s); serving trending", shop.id, request.strategy)
        session.rollback()
    try:
        return _recommend(session, shop, request, "trending")
    except Exception:  # noqa: BLE001
        log.exception("trending failed for shop %s", shop.id)
        session.rollback()
        return Recommendations("trending", None, [])


def _recommend(session: Session, shop: Shop, request: RecommendationRequest, strategy: str) -> Recommendations:
    loaded = active_model(session, shop.id)
    visitor = visitor_context(session, shop.id, request.visitor_id)
    data = StrategyInput(
        session=session, shop_id=shop.id, model=loaded, visitor=visitor,
        product_id=request.product_id, category=request.category, want=request.limit * OVERSAMPLE + len(visitor.purchases),
    )
    candidates = STRATEGIES[strategy](data)
    if not candidates and strategy != "trending":
        return Recommendations(strategy, loaded.version if loaded else None, [])  # nothing to say: trending, with the pins
    rules = MerchantRules.from_settings(shop.settings).for_slider(request.pins, request.boost)
    if strategy not in OWN_HISTORY and rules.pins:
        top = candidates[0][1] if candidates else 1.0
        candidates = [(pin, top, ("pinned", None)) for pin in rules.pins] + candidates
    excluded = {request.product_id} if request.product_id else set()
    if strategy not in SHOW_PURCHASES:
        excluded |= set(visitor.purchases)
    items = _choose(session, shop, candidates, excluded, rules, request.limit, texts_for(shop, request.lang))
    return Recommendations(strategy, loaded.version if loaded else None, items)


def _choose(session, shop, candidates: list[Candidate], excluded: set, rules: MerchantRules, limit: int, texts: Texts) -> list[dict]:
    """Filter to products that exist, are in stock and allowed; apply boosts; keep the best ``limit``."""
    wanted = [item for item, _, _ in candidates if item not in excluded]
    subjects = [subject for _, _, (kind, subject) in candidates if subject and kind not in ("trending_in",)]
    products = _products(session, shop.id, list(dict.fromkeys(wanted + subjects)))
    ranked = []
    for rank, (item, _score, reason) in enumerate(candidates):
        product = products.get(item)
        if product is None or item in excluded or not product.in_stock or rules.excludes(product):
            continue
        pinned = reason[0] == "pinned"
        # Boosts act on rank, not raw score: scores of different strategies are not comparable.
        weight = (1.0 / (1 + rank)) * rules.boost(product)
        ranked.append((not pinned, -weight, rank, item, reason))
        excluded = excluded | {item}
    ranked.sort()
    titles = {item: product.title for item, product in products.items()}
    return [_item(products[item], reason, titles, texts) for *_, item, reason in ranked[:limit]]


def _products(session: Session, shop_id: int, ids: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            (product.external_id, product)
            for product in session.scalars(select(Product).where(Product.shop_id == shop_id, Product.external_id.in_(chunk)))
        )
    return found


def _item(product: Product, reason: tuple[str, str | None], titles: dict[str, str], texts: Texts) -> dict:
    kind, subject = reason
    return {
        "id": product.external_id,
        "title": product.title,
        # Refused on the way in since; a row stored before that (or by hand) is still never served as a link.
        "url": web_link_or_none(product.url),
        "image": web_link_or_none(product.image_url),
        "price": str(product.price) if product.price is not None else None,
        "currency": product.currency,
        "reason": _reason_text(kind, subject, titles, texts),
    }


def _reason_text(kind: str, subject: str | None, titles: dict[str, str], texts: Texts) -> str:
    key = f"reason.{kind}" if kind in REASON_KINDS else "reason.for_you"
    title = titles.get(subject) or texts("reason.this") if subject else ""
    return texts(key, title=title, subject=subject or "")
