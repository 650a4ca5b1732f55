"""GET /v1/decide — everything a page shows, in one answer."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from app import db
from app.decisions.decide import DecisionRequest, decide
from app.errors import ApiError
from app.schemas.decisions import DecideQuerySchema
from app.storefront import blueprint
from app.storefront.shops import shop_by_public_key

_query_schema = DecideQuerySchema()


@blueprint.get("/v1/decide")
def get_decision():
    try:
        query = _query_schema.load(request.args.to_dict())
    except ValidationError as error:
        raise ApiError(400, "Invalid query.", error.normalized_messages()) from None
    session = db.session()
    shop = shop_by_public_key(session, query.pop("key"))
    if shop is None:
        raise ApiError(403, "Unknown key.")
    response = jsonify(decide(session, shop, DecisionRequest(**query)))
    response.headers["Cache-Control"] = "private, no-store"
    return response
