"""POST /v1/leads — an email left in a pop-up, with the shopper's consent flag."""
from __future__ import annotations

from flask import jsonify
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.errors import ApiError
from app.models import Lead, Profile, Rule, VisitorId
from app.schemas.decisions import LeadSchema
from app.storefront.blueprint import blueprint
from app.storefront.body import json_object_body
from app.storefront.shops import shop_by_public_key

MAX_LEAD_BYTES = 4096
_schema = LeadSchema()


@blueprint.post("/v1/leads")
def post_lead():
    payload = json_object_body(MAX_LEAD_BYTES, '{"key": ..., "email": ..., "consent": true}')
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid lead.", error.normalized_messages()) from None
    session = db.session()
    shop = shop_by_public_key(session, data["key"])
    if shop is None:
        raise ApiError(403, "Unknown key.")
    profile_id = None
    if data["visitor_id"]:
        profile_id = session.scalar(
            select(Profile.id).join(VisitorId, VisitorId.profile_id == Profile.id).where(
                VisitorId.shop_id == shop.id, VisitorId.visitor_id == data["visitor_id"]
            )
        )
    rule_id = data["rule_id"]
    if rule_id is not None and session.scalar(select(Rule.id).where(Rule.id == rule_id, Rule.shop_id == shop.id)) is None:
        rule_id = None  # another shop's rule id (or a deleted one) is not ours to link
    session.add(Lead(
        shop_id=shop.id, email=data["email"].strip().lower(), consent=data["consent"], profile_id=profile_id,
        visitor_id=data["visitor_id"], rule_id=rule_id, decision_id=data["decision_id"],
    ))
    session.commit()
    return jsonify(ok=True)
