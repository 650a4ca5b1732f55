"""GET /v1/recommendations — products for a slider, with the reason for each."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from app import db
from app.models import Rule
from app.recommender.serving.last_known import last_known_trending
from app.recommender.serving.recommend import RecommendationRequest, recommend
from app.schemas.recommendations import MAX_LIMIT, RecommendationQuerySchema
from app.storefront.blueprint import blueprint
from app.storefront.shops import shop_for_key, valid_query

_query_schema = RecommendationQuerySchema()


@blueprint.get("/v1/recommendations")
def get_recommendations():
    db.page_view()  # reads alone: no transaction around them
    query = valid_query(_query_schema, request.args.to_dict())
    key = query.pop("key")
    rule_id = query.pop("rule_id")
    try:
        session, shop = db.session(), shop_for_key(key)
        content = _slider_content(shop.id, rule_id) if rule_id else {}
        result = recommend(session, shop, RecommendationRequest(
            **query, pins=list(content.get("pins") or []), boost=dict(content.get("boost") or {}),
        ))
        # Trending for no one in particular, refreshed at most once a minute: what this
        # endpoint serves from memory while the database is unreachable.
        last_known_trending.refresh(key, query["category"], lambda: recommend(
            session, shop, RecommendationRequest("trending", category=query["category"], limit=MAX_LIMIT)))
    except db.UNAVAILABLE:
        result = last_known_trending.answer(key, query["category"], query["limit"], leave_out=query["product_id"])
    response = jsonify(strategy=result.strategy, model_version=result.model_version, items=result.items)
    # Per visitor and fast-changing: shared caches must not keep it.
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _slider_content(shop_id: int, rule_id: int) -> dict:
    """The content of the shop's slider rule ``rule_id`` (another shop's, or not a slider: nothing)."""
    content = db.session().scalar(select(Rule.content).where(Rule.id == rule_id, Rule.shop_id == shop_id, Rule.kind == "slider"))
    return content or {}
