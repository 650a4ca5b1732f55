"""Recommendations for one request: a strategy's candidates, the shop's filters, reasons in words.

Never raises for a shopper's request: with no model, nothing to say, or an
error, the answer is trending products.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app import db
from app.catalog.arrays import CatalogArrays, CatalogItem, load_catalog
from app.models import Shop
from app.recommender.serving.loaded_model import LoadedModel, loaded
from app.recommender.serving.merchant_rules import MerchantRules
from app.recommender.serving.strategies import STRATEGIES, Candidate, StrategyInput
from app.recommender.serving.visitor import VisitorContext, visitor_context
from app.shop_state import ShopSnapshot, shop_snapshot
from app.texts import Texts, snapshot_texts

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


def recommend(
    session: Session, shop: Shop, request: RecommendationRequest, visitor: VisitorContext | None = None
) -> Recommendations:
    """``visitor``: the context the caller already read (a decision reads it once for the whole page)."""
    try:
        served = _recommend(session, shop, request, request.strategy, visitor)
        if served.items or request.strategy == "trending":
            return served
    except db.UNAVAILABLE:
        raise  # the database is away: the caller answers from memory (app/storefront/recommendations.py)
    except Exception:  # noqa: BLE001 - a recommendation must never break the shop's page
        log.exception("recommendations failed for shop %s (%s); serving trending", shop.id, request.strategy)
        session.rollback()
    try:
        return _recommend(session, shop, request, "trending", visitor)
    except db.UNAVAILABLE:
        raise
    except Exception:  # noqa: BLE001
        log.exception("trending failed for shop %s", shop.id)
        session.rollback()
        return Recommendations("trending", None, [])


def _recommend(
    session: Session, shop: Shop, request: RecommendationRequest, strategy: str, visitor: VisitorContext | None
) -> Recommendations:
    state = shop_snapshot(session, shop.public_key)
    if state is None:
        raise LookupError(f"shop {shop.id} is not stored")
    model = loaded(shop.id, state.model_version, state.model_path)
    if visitor is None:
        visitor = visitor_context(session, shop.id, request.visitor_id)
    # Everything the answer depends on besides the visitor's history (which the memo's key covers).
    inputs = (
        "recommendations", state.config_version, state.catalog_version, model.version if model else None, strategy,
        request.product_id, request.category, request.limit, request.lang, tuple(request.pins), repr(sorted(request.boost.items())),
    )
    return visitor.remembered(inputs, lambda: _rank_and_choose(session, state, model, request, strategy, visitor))


def _rank_and_choose(
    session: Session, state: ShopSnapshot, model: LoadedModel | None, request: RecommendationRequest, strategy: str,
    visitor: VisitorContext,
) -> Recommendations:
    data = StrategyInput(
        session=session, shop_id=state.shop.id, model=model, visitor=visitor,
        product_id=request.product_id, category=request.category, want=request.limit * OVERSAMPLE + len(visitor.purchases),
    )
    candidates = STRATEGIES[strategy](data)
    if not candidates and strategy != "trending":
        return Recommendations(strategy, model.version if model else None, [])  # nothing to say: trending, with the pins
    shop_rules = state.memo("merchant_rules", lambda: MerchantRules.from_settings(state.shop.settings))
    rules = shop_rules.for_slider(request.pins, request.boost)
    if strategy not in OWN_HISTORY and rules.pins:
        top = candidates[0][1] if candidates else 1.0
        candidates = [(pin, top, ("pinned", None)) for pin in rules.pins] + candidates
    excluded = {request.product_id} if request.product_id else set()
    if strategy not in SHOW_PURCHASES:
        excluded |= set(visitor.purchases)
    items = _choose(catalog_for(session, state, model), candidates, excluded, rules, request.limit, snapshot_texts(state, request.lang))
    return Recommendations(strategy, model.version if model else None, items)


def catalog_for(session: Session, state: ShopSnapshot, model: LoadedModel | None) -> CatalogArrays:
    """The shop's catalog aligned with its model, read once per (catalog version, model version)."""
    item_ids = model.embeddings.item_ids if model else ()
    return state.memo(("catalog", model.version if model else None), lambda: load_catalog(session, state.shop.id, item_ids))


def _choose(catalog: CatalogArrays, candidates: list[Candidate], excluded: set, rules: MerchantRules, limit: int,
            texts: Texts) -> list[dict]:
    """Filter to products that exist, are in stock and allowed; apply boosts; keep the best ``limit``."""
    products: dict[str, CatalogItem] = {}
    ranked = []
    # Without boosts the order is the candidates' own: the first ``limit`` that pass are the answer.
    stop_early = not rules.has_boosts()
    for rank, (item, _score, reason) in enumerate(candidates):
        if stop_early and len(ranked) >= limit:
            break
        if item in excluded:
            continue
        product = catalog.product(item)
        if product is None or not product.in_stock or rules.excludes(product):
            continue
        pinned = reason[0] == "pinned"
        # Boosts act on rank, not raw score: scores of different strategies are not comparable.
        weight = (1.0 / (1 + rank)) * rules.boost(product)
        ranked.append((not pinned, -weight, rank, item, reason))
        products[item] = product
        excluded = excluded | {item}
    ranked.sort()
    return [_item(products[item], reason, catalog, texts) for *_, item, reason in ranked[:limit]]


def _item(product: CatalogItem, reason: tuple[str, str | None], catalog: CatalogArrays, texts: Texts) -> dict:
    kind, subject = reason
    return {
        "id": product.external_id,
        "title": product.title,
        "url": product.url,  # web links only: checked when the catalog was loaded (catalog/arrays.py)
        "image": product.image_url,
        "price": product.price,
        "currency": product.currency,
        "reason": _reason_text(kind, subject, catalog, texts),
    }


def _reason_text(kind: str, subject: str | None, catalog: CatalogArrays, texts: Texts) -> str:
    key = f"reason.{kind}" if kind in REASON_KINDS else "reason.for_you"
    subject_product = catalog.product(subject) if subject and kind != "trending_in" else None
    title = subject_product.title if subject_product is not None else (texts("reason.this") if subject else "")
    return texts(key, title=title, subject=subject or "")
