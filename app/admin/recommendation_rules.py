"""/admin/api/recommendation-rules — the shop's pins, boosts and exclusions for every recommendation."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from app import db
from app.admin import blueprint
from app.admin.auth import current_shop, shop_required
from app.errors import ApiError
from app.schemas.recommendations import MerchantRulesSchema

_schema = MerchantRulesSchema()


@blueprint.get("/recommendation-rules")
@shop_required
def get_rules():
    return jsonify(_schema.load((current_shop().settings or {}).get("recommendations") or {}))


@blueprint.put("/recommendation-rules")
@shop_required
def put_rules():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, 'Body must be JSON like {"pins": [...], "exclude": {...}, "boost": {...}}.')
    try:
        rules = _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid rules; nothing was changed.", error.normalized_messages()) from None
    shop = current_shop()
    # A new dict, so SQLAlchemy sees the JSON column change.
    shop.settings = {**(shop.settings or {}), "recommendations": rules}
    db.session().commit()
    return jsonify(rules)
