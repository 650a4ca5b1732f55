"""GET /v1/decide — everything a page shows, in one answer."""
from __future__ import annotations

from flask import jsonify, request

from app import db
from app.decisions.decide import DecisionRequest, decide
from app.schemas.decisions import DecideQuerySchema
from app.storefront import blueprint
from app.storefront.shops import keyed_query

_query_schema = DecideQuerySchema()


@blueprint.get("/v1/decide")
def get_decision():
    shop, query = keyed_query(_query_schema, request.args.to_dict())
    response = jsonify(decide(db.session(), shop, DecisionRequest(**query)))
    response.headers["Cache-Control"] = "private, no-store"
    return response
