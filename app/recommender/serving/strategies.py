"""The six strategies: each proposes ranked candidates with the reason for each.

A candidate is ``(product_id, score, reason)``; a reason is ``(kind, subject)``
where the subject is a product id or a category, turned into words once the
products are loaded (in words from the catalogs, app/texts). Strategies oversample; the
filters in ``recommend`` decide what is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Product
from app.recommender.serving import embeddings as model
from app.recommender.serving.loaded_model import LoadedModel
from app.recommender.serving.ranking import rank, restock
from app.recommender.serving.trending import trending
from app.recommender.serving.visitor import VisitorContext

Candidate = tuple[str, float, tuple[str, str | None]]
# How close an item must be to something the visitor saw to say "because you viewed it".
EXPLAIN_MIN_COSINE = 0.3
EXPLAIN_BOUGHT_ANCHORS = 20


@dataclass
class StrategyInput:
    session: Session
    shop_id: int
    model: LoadedModel | None
    visitor: VisitorContext
    product_id: str | None
    category: str | None
    want: int


def personalized(data: StrategyInput) -> list[Candidate]:
    """The served blend (ranking.py): never the visitor's recent views; bought products only when due again."""
    if data.model is None:
        return []
    exclude = [data.product_id] if data.product_id else []
    ranked = rank(data.model.served, data.visitor.history(), data.want, utcnow().timestamp(), exclude)
    return _explain(data.model.embeddings, ranked, data.visitor)


def similar(data: StrategyInput) -> list[Candidate]:
    product_id = data.product_id or (data.visitor.recent_views[0] if data.visitor.recent_views else None)
    if data.model is None or product_id is None:
        return []
    emb = data.model.embeddings
    if data.model.knows(product_id):
        neighbours = model.similar_items(emb, product_id, data.want)
    else:
        # A product newer than the model: placed by its catalog features alone.
        product = _product(data.session, data.shop_id, product_id)
        if product is None:
            return []
        neighbours = model.similar_items(emb, data.model.vector_from_product(product), data.want)
    return [(item, score, ("similar", product_id)) for item, score in neighbours if item != product_id]


def bought_together(data: StrategyInput) -> list[Candidate]:
    product_id = data.product_id or (data.visitor.recent_views[0] if data.visitor.recent_views else None)
    if data.model is None or product_id is None:
        return []
    partners = data.model.together.partners(product_id, data.model.embeddings.item_index)
    candidates = [(item, lift, ("bought_with", product_id)) for item, lift in partners[: data.want]]
    if len(candidates) < data.want:
        # Too few baskets to go on: the hybrid model's neighbours fill the rest.
        seen = {item for item, _, _ in candidates}
        floor = min((score for _, score, _ in candidates), default=1.0)
        for item, score, reason in similar(data):
            if item not in seen:
                candidates.append((item, floor * 0.5 * max(score, 0.0), reason))
    return candidates


def trending_now(data: StrategyInput) -> list[Candidate]:
    reason = ("trending_in", data.category) if data.category else ("trending", None)
    return [(item, score, reason) for item, score in trending(data.session, data.shop_id, data.category, max(data.want, 50))]


def recently_viewed(data: StrategyInput) -> list[Candidate]:
    views = data.visitor.recent_views
    return [(item, float(len(views) - rank), ("viewed", item)) for rank, item in enumerate(views)]


def buy_again(data: StrategyInput) -> list[Candidate]:
    """The visitor's bought products by the hazard of buying them now (serving/repeat.py)."""
    if data.model is None:
        return []
    ranked = restock(data.model.served, data.visitor.history(), data.want, utcnow().timestamp())
    return [(item, probability, ("restock", item)) for item, probability in ranked]


STRATEGIES = {
    "personalized": personalized,
    "similar": similar,
    "bought_together": bought_together,
    "trending": trending_now,
    "recently_viewed": recently_viewed,
    "buy_again": buy_again,
}
STRATEGY_NAMES = tuple(STRATEGIES)


def _explain(emb: model.Embeddings, ranked: list[tuple[str, float]], visitor: VisitorContext) -> list[Candidate]:
    """Attach to each item the viewed or bought product it is closest to, when close enough; a bought one is a restock."""
    # The latest purchases only: a loyal customer's hundreds made this the slowest step of a page view.
    bought = sorted(visitor.purchases, key=visitor.purchases.get, reverse=True)[:EXPLAIN_BOUGHT_ANCHORS]
    anchors = [(item, "viewed") for item in visitor.recent_views[:10]] + [(item, "bought") for item in bought]
    anchors = [(item, kind) for item, kind in anchors if item in emb.item_index]
    default = ("for_you", None)
    if not anchors or not ranked:
        return [(item, score, default) for item, score in ranked]
    unit = emb.unit_item_vectors
    anchor_vectors = unit[[emb.item_index[item] for item, _ in anchors]]
    chosen = [emb.item_index[item] for item, _ in ranked]
    cosine = unit[chosen] @ anchor_vectors.T
    best = cosine.argmax(axis=1)
    close = (cosine[np.arange(len(chosen)), best] >= EXPLAIN_MIN_COSINE).tolist()
    reasons = [(kind, anchor) for anchor, kind in anchors]
    purchased = visitor.purchases
    # Plain lists, not numpy scalars, in the loop: this runs for every candidate of every page view.
    return [
        (item, score, ("restock", item) if item in purchased else reasons[b] if near and anchors[b][0] != item else default)
        for (item, score), b, near in zip(ranked, best.tolist(), close, strict=True)
    ]


def _product(session: Session, shop_id: int, product_id: str) -> Product | None:
    return session.scalar(select(Product).where(Product.shop_id == shop_id, Product.external_id == product_id))


