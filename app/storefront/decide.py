"""GET /v1/decide — everything a page shows, in one answer."""
from __future__ import annotations

from flask import current_app, jsonify, request

from app import db
from app.clock import utcnow
from app.decisions.decide import DecisionRequest, decide, decision_without_data
from app.decisions.decision_ids import DecisionIds
from app.decisions.preview import read_preview
from app.errors import ApiError
from app.schemas.decisions import DecideQuerySchema
from app.storefront.blueprint import blueprint
from app.storefront.shops import shop_for_key, valid_query

_query_schema = DecideQuerySchema()


@blueprint.get("/v1/decide")
def get_decision():
    db.page_view()  # reads alone: no transaction around them
    query = valid_query(_query_schema, request.args.to_dict())
    try:
        shop = shop_for_key(query.pop("key"))
        token = query.pop("preview")
        if token:
            preview = read_preview(current_app.secret_key, token, shop.id)
            if preview is None:
                raise ApiError(400, "Invalid query.", {"preview": ["Invalid or expired preview link."]})
            query["preview"] = preview
        answer = decide(db.session(), shop, DecisionRequest(**query), DecisionIds(current_app.secret_key))
    except db.UNAVAILABLE:
        # Every page asks, and a page waits for no one: no widgets now beats an error, or a retry.
        answer = decision_without_data(utcnow())
    response = jsonify(answer)
    response.headers["Cache-Control"] = "private, no-store"
    return response
