"""POST /v1/events — batched events from the storefront script."""
from __future__ import annotations

from flask import current_app, jsonify, request
from marshmallow import ValidationError

from app import db
from app.clock import utcnow
from app.errors import ApiError
from app.ingest.events import RequestFacts, ingest_batch
from app.schemas.events import MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, BatchSchema
from app.storefront.blueprint import blueprint
from app.storefront.body import json_object_body
from app.storefront.shops import shop_by_public_key

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
    shop = shop_by_public_key(session, batch["key"])
    if shop is None:
        raise ApiError(403, "Unknown key.")
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
    )
    session.commit()
    return jsonify(result.as_dict())
