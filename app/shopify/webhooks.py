"""POST /shopify/webhooks: verify, deduplicate, store, enqueue, answer 200. The job does the work.

Shopify retries a delivery it did not get a quick 2xx for, so the endpoint
does nothing slow; the delivery's event id makes a retried (or replayed) one
a no-op.
"""
from __future__ import annotations

import logging

from flask import current_app, request
from sqlalchemy.orm import Session

from app import db, jobs
from app.clock import utcnow
from app.db import insert_ignoring_conflicts
from app.jobs.kinds import SHOPIFY_WEBHOOK
from app.models import WebhookDelivery
from app.schemas.json_values import UnreadableJson, parse, unstorable_text
from app.shopify import settings
from app.shopify.blueprint import blueprint
from app.shopify.installs import install_by_domain, shop_for_domain
from app.shopify.signatures import webhook_is_authentic

log = logging.getLogger(__name__)

# Sent whether or not the shop is known to us: we must still act (or say we hold nothing).
ALWAYS_HANDLED = ("shop/redact",)


def _text(message: str, status: int):
    return message, status, {"Content-Type": "text/plain; charset=utf-8"}


@blueprint.post("/webhooks")
def receive():
    # Before anything reads the body: a larger one is refused (413) unread, signed or not.
    request.max_content_length = current_app.config["SHOPIFY_WEBHOOK_MAX_BYTES"]
    raw = request.get_data(cache=True)  # the exact bytes Shopify signed
    secret = settings.current().api_secret
    secrets = [secret, current_app.config.get("SHOPIFY_API_SECRET_PREVIOUS") or ""]
    if not webhook_is_authentic(secrets, raw, request.headers.get("X-Shopify-Hmac-Sha256")):
        return _text("Webhook signature (X-Shopify-Hmac-Sha256) missing or wrong.", 401)
    topic = request.headers.get("X-Shopify-Topic", "")
    shop_domain = request.headers.get("X-Shopify-Shop-Domain", "")
    event_id = request.headers.get("X-Shopify-Event-Id") or request.headers.get("X-Shopify-Webhook-Id")
    if not topic or not shop_domain or not event_id:
        return _text("X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Event-Id are required.", 400)
    try:
        payload = parse(raw or b"{}")
    except UnreadableJson as exc:
        return _text(f"The webhook body cannot be read: {exc}", 400)
    # Signed does not mean storable: U+0000 or a lone surrogate would fail the delivery's write (a 500).
    problem = unstorable_text(payload) or unstorable_text([topic, shop_domain, event_id])
    if problem:
        return _text(f"The webhook cannot be stored: {problem}", 400)
    accepted = accept_delivery(db.session(), event_id, topic, shop_domain, payload if isinstance(payload, dict) else {})
    return _text("ok" if accepted else "ignored", 200)


def accept_delivery(session: Session, event_id: str, topic: str, shop_domain: str, payload: dict) -> bool:
    """Store a new delivery and enqueue its job; False for a duplicate or an unknown shop. Commits."""
    install = install_by_domain(session, shop_domain)
    shop_id = install.shop_id if install else None
    if shop_id is None and topic in ALWAYS_HANDLED:
        shop = shop_for_domain(session, shop_domain)
        shop_id = shop.id if shop else None
    if install is None and topic not in ALWAYS_HANDLED:
        log.info("shopify webhook %s for unknown shop %s ignored", topic, shop_domain)
        return False
    inserted = session.execute(
        insert_ignoring_conflicts(session, WebhookDelivery, ["event_id"]).returning(WebhookDelivery.id),
        {"event_id": event_id[:255], "shop_id": shop_id, "shop_domain": shop_domain[:255], "topic": topic[:64],
         "payload": payload, "received_at": utcnow()},
    ).first()
    if inserted is None:
        session.rollback()
        log.info("shopify webhook %s (%s) already received", event_id, topic)
        return False
    # shop/redact deletes the shop with everything hanging off it; its job must outlive that.
    job_shop_id = None if topic == "shop/redact" else shop_id
    jobs.enqueue(session, SHOPIFY_WEBHOOK, {"delivery_id": inserted.id, "topic": topic}, shop_id=job_shop_id)
    session.commit()
    return True
