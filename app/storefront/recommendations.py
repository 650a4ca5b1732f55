"""GET /v1/recommendations — products for a slider, with the reason for each."""
from __future__ import annotations

from flask import jsonify, request

from app import db
from app.recommender.serving.recommend import RecommendationRequest, recommend
from app.schemas.recommendations import RecommendationQuerySchema
from app.storefront.blueprint import blueprint
from app.storefront.shops import keyed_query

_query_schema = RecommendationQuerySchema()


@blueprint.get("/v1/recommendations")
def get_recommendations():
    shop, query = keyed_query(_query_schema, request.args.to_dict())
    result = recommend(db.session(), shop, RecommendationRequest(**query))
    response = jsonify(strategy=result.strategy, model_version=result.model_version, items=result.items)
    # Per visitor and fast-changing: shared caches must not keep it.
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
