"""POST /v1/events — batched events from the storefront script."""
from __future__ import annotations

from flask import current_app, jsonify, request
from marshmallow import ValidationError

from app import db
from app.clock import utcnow
from app.decisions.decision_ids import DecisionIds
from app.errors import ApiError
from app.identity_secrets import ShopSignatures
from app.ingest.events import RequestFacts, ingest_batch
from app.ingest.identity import NewVisitorsRefused
from app.schemas.events import MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, BatchSchema
from app.secret_box import IDENTITY_SECRETS, box_for
from app.storefront.blueprint import blueprint
from app.storefront.body import json_object_body
from app.storefront.limits import NewVisitorAllowance, too_many_requests_response
from app.storefront.shops import snapshot_by_public_key

_batch_schema = BatchSchema()


@blueprint.post("/v1/events")
def post_events():
    received_at = utcnow()
    payload = json_object_body(MAX_BATCH_BYTES, '{"key": ..., "events": [...]}')
    try:
        batch = _batch_schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid batch.", error.normalized_messages()) from None
    if len(batch["events"]) > MAX_EVENTS_PER_BATCH:
        raise ApiError(413, f"At most {MAX_EVENTS_PER_BATCH} events per batch; split it.")

    session = db.session()
    # The in-memory snapshot (app/shop_state.py), as decide reads it: no query for the shop per batch.
    state = snapshot_by_public_key(session, batch["key"])
    if state is None:
        raise ApiError(403, "Unknown key.")
    shop = state.shop  # detached: read only
    new_visitors = NewVisitorAllowance(shop.public_key)
    decision_ids = DecisionIds(current_app.secret_key)
    try:
        result = ingest_batch(
            session,
            shop.id,
            batch["events"],
            sent_at=batch["sent_at"],
            received_at=received_at,
            facts=RequestFacts(
                user_agent=request.headers.get("User-Agent"),
                country=request.headers.get(current_app.config["COUNTRY_HEADER"]),
            ),
            admit_new_visitors=new_visitors,
            # Only customer ids signed by the merchant's server are verified; the rest are claims.
            identities=ShopSignatures(shop, box_for(current_app, IDENTITY_SECRETS), received_at),
            verify_decision=lambda visitor_id, decision_id: decision_ids.verify(shop.id, visitor_id, decision_id, received_at),
        )
    except NewVisitorsRefused:
        session.rollback()  # nothing of the batch is kept: the sender sends it again later
        return too_many_requests_response(new_visitors.reset_at)
    session.commit()
    return jsonify(result.as_dict())
