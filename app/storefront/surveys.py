"""POST /v1/surveys — a shopper's answer to an NPS or CSAT pop-up."""
from __future__ import annotations

from flask import jsonify
from marshmallow import ValidationError

from app import db
from app.clock import utcnow
from app.errors import ApiError
from app.resources.errors import Conflict, Invalid
from app.schemas.surveys import SurveyAnswerSchema
from app.storefront.blueprint import blueprint
from app.storefront.body import json_object_body
from app.storefront.shops import shop_by_public_key
from app.surveys.answers import record_answer

MAX_ANSWER_BYTES = 8192  # a 1,000-character comment, escaped, fits with room to spare
_schema = SurveyAnswerSchema()


@blueprint.post("/v1/surveys")
def post_survey_answer():
    payload = json_object_body(MAX_ANSWER_BYTES, '{"key": ..., "rule_id": ..., "score": 9, "comment": "..."}')
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid answer; nothing was stored.", error.normalized_messages()) from None
    session = db.session()
    shop = shop_by_public_key(session, data["key"])
    if shop is None:
        raise ApiError(403, "Unknown key.")
    try:
        record_answer(session, shop, data, utcnow())
    except Invalid as error:
        raise ApiError(400, error.message, error.errors) from None
    except Conflict as error:
        raise ApiError(409, error.message) from None
    session.commit()
    return jsonify(ok=True), 201
