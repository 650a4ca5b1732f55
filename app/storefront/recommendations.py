"""GET /v1/recommendations — products for a slider, with the reason for each."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from app import db
from app.models import Rule
from app.recommender.serving.recommend import RecommendationRequest, recommend
from app.schemas.recommendations import RecommendationQuerySchema
from app.storefront.blueprint import blueprint
from app.storefront.shops import keyed_query

_query_schema = RecommendationQuerySchema()


@blueprint.get("/v1/recommendations")
def get_recommendations():
    shop, query = keyed_query(_query_schema, request.args.to_dict())
    rule_id = query.pop("rule_id")
    content = _slider_content(shop.id, rule_id) if rule_id else {}
    result = recommend(db.session(), shop, RecommendationRequest(
        **query, pins=list(content.get("pins") or []), boost=dict(content.get("boost") or {}),
    ))
    response = jsonify(strategy=result.strategy, model_version=result.model_version, items=result.items)
    # Per visitor and fast-changing: shared caches must not keep it.
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _slider_content(shop_id: int, rule_id: int) -> dict:
    """The content of the shop's slider rule ``rule_id`` (another shop's, or not a slider: nothing)."""
    content = db.session().scalar(select(Rule.content).where(Rule.id == rule_id, Rule.shop_id == shop_id, Rule.kind == "slider"))
    return content or {}
