"""/admin/api/recommendation-rules — the shop's pins, boosts and exclusions for every recommendation."""
from __future__ import annotations

from flask import jsonify

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.resources import recommendation_rules


@blueprint.get("/recommendation-rules")
@shop_required
def get_rules():
    return jsonify(recommendation_rules.current(current_shop()))


@blueprint.put("/recommendation-rules")
@shop_required
def put_rules():
    rules = recommendation_rules.validate(json_object('JSON like {"pins": [...], "exclude": {...}, "boost": {...}}'))
    session = db.session()
    recommendation_rules.replace(session, current_shop(), rules)
    session.commit()
    return jsonify(rules)
