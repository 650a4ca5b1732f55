"""POST /v1/leads — an email left in a pop-up, with the shopper's consent; one lead per shop and address.

The answer may carry the pop-up's unique discount code (never sent before the email is) and says
whether a confirmation email went out (double opt-in).
"""
from __future__ import annotations

from flask import current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.errors import ApiError
from app.jobs import enqueue
from app.jobs.kinds import LEAD_CONFIRMATION
from app.leads import codes, outgoing
from app.leads.records import Answer, record_answer
from app.models import Profile, Rule, VisitorId
from app.resources import lead_settings
from app.schemas.decisions import LeadSchema
from app.storefront.blueprint import blueprint
from app.storefront.body import json_object_body
from app.storefront.shops import shop_by_public_key
from app.texts import texts_for

MAX_LEAD_BYTES = 4096
CHECK_INBOX = "lead.check_inbox"  # a catalog key (app/texts): said in the shopper's language
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
    rule = None
    if data["rule_id"] is not None:
        # Another shop's rule id (or a deleted one) is not ours to link.
        rule = session.scalar(select(Rule).where(Rule.id == data["rule_id"], Rule.shop_id == shop.id))
    answer = Answer(email=data["email"], consent=data["consent"], visitor_id=data["visitor_id"], profile_id=profile_id,
                    rule_id=rule.id if rule else None, decision_id=data["decision_id"])
    texts = texts_for(shop, data["lang"])
    recorded = record_answer(session, shop.id, answer, lead_settings.double_opt_in(shop))
    lead = recorded.lead
    if recorded.needs_confirmation:
        base_url = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
        enqueue(session, LEAD_CONFIRMATION, {"lead_id": lead.id, "base_url": base_url, "lang": data["lang"]}, shop_id=shop.id)
    session.commit()  # the lead is kept even if giving a code fails below

    body = {"ok": True, "consent": lead.consent}
    if recorded.needs_confirmation:
        body["confirmation_sent"] = True
        body["message"] = texts(CHECK_INBOX)
    settings = codes.unique_code_settings(rule)
    if settings:
        issued = codes.issue_code(session, shop, lead, rule, settings)
        if issued.code:
            body["discount_code"] = issued.code
        else:
            body["message"] = texts(issued.message)
    outgoing.queue_event(session, shop, lead, "lead.created" if recorded.created else "lead.updated")
    session.commit()
    return jsonify(body)
