"""GET /v1/recommendations — products for a slider, with the reason for each."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from app import db
from app.errors import ApiError
from app.recommender.recommend import RecommendationRequest, recommend
from app.schemas.recommendations import RecommendationQuerySchema
from app.storefront import blueprint
from app.storefront.shops import shop_by_public_key

_query_schema = RecommendationQuerySchema()


@blueprint.get("/v1/recommendations")
def get_recommendations():
    try:
        query = _query_schema.load(request.args.to_dict())
    except ValidationError as error:
        raise ApiError(400, "Invalid query.", error.normalized_messages()) from None
    session = db.session()
    shop = shop_by_public_key(session, query.pop("key"))
    if shop is None:
        raise ApiError(403, "Unknown key.")
    result = recommend(session, shop, RecommendationRequest(**query))
    response = jsonify(strategy=result.strategy, model_version=result.model_version, items=result.items)
    # Per visitor and fast-changing: shared caches must not keep it.
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
