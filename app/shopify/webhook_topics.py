"""What each webhook topic does, as plain functions over a session. The caller commits.

Product and order topics go through the same mapping and writers as the
sync (app/shopify/records.py); the privacy topics through app/privacy.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app import privacy
from app.clock import utcnow
from app.models import Shop, WebhookDelivery
from app.shopify import records, sync_schedule
from app.shopify.installs import install_of_shop
from app.shopify.sync import running_bulk_operations

log = logging.getLogger(__name__)


def handle(session: Session, delivery: WebhookDelivery) -> dict:
    """Process one stored delivery; a small JSON-able result for the job's record."""
    handler = HANDLERS.get(delivery.topic)
    if handler is None:
        log.info("shopify webhook topic %s ignored (delivery %s)", delivery.topic, delivery.id)
        return {"ignored": f"unhandled topic {delivery.topic}"}
    if delivery.shop_id is None and delivery.topic != "shop/redact":
        return {"ignored": "unknown shop"}
    return handler(session, delivery) or {}


def _shop(session: Session, delivery: WebhookDelivery) -> Shop:
    return session.get(Shop, delivery.shop_id)


def product_upsert(session, delivery):
    records.store_products(session, _shop(session, delivery), delivery.shop_domain, [delivery.payload])
    return {"product": str(delivery.payload.get("id"))}


def product_delete(session, delivery):
    found = records.mark_product_deleted(session, delivery.shop_id, delivery.payload.get("id"))
    return {"product": str(delivery.payload.get("id")), "marked_out_of_stock": found}


def order_store(session, delivery):
    return {"orders_new": records.store_orders(session, delivery.shop_id, [delivery.payload])}


def customer_create(session, delivery):
    return {"customers": records.store_customers(session, delivery.shop_id, [delivery.payload])}


def bulk_operation_finished(session, delivery):
    """Shopify finished (or gave up on) a bulk export: the sync waiting for it goes on now, not at its next poll."""
    operation_id = str(delivery.payload.get("admin_graphql_api_id") or "")
    install = install_of_shop(session, delivery.shop_id)
    waiting = running_bulk_operations(install) if install is not None else {}
    if operation_id not in waiting:
        return {"ignored": "not a bulk export a sync is waiting for", "bulk_operation": operation_id[:100]}
    return {"bulk_operation": operation_id, "resource": waiting[operation_id],
            "status": str(delivery.payload.get("status") or "")[:20],
            "woke_sync": sync_schedule.wake(session, delivery.shop_id)}


def app_uninstalled(session, delivery):
    install = install_of_shop(session, delivery.shop_id)
    if install is not None:
        install.uninstalled_at = utcnow()
        install.access_token_encrypted = None  # revoked by Shopify anyway; never keep a dead secret
    shop = _shop(session, delivery)
    if shop is not None and (shop.settings or {}).get("shopify_pixel"):
        # Shopify removed our pixel with the app: the storefront script tracks on its own again.
        shop.settings = {key: value for key, value in shop.settings.items() if key != "shopify_pixel"}
    return {"uninstalled": install is not None}


def _customer_of(payload: dict) -> tuple[str | None, str | None]:
    customer = payload.get("customer") or {}
    customer_id = customer.get("id")
    return (str(customer_id) if customer_id is not None else None), (customer.get("email") or None)


def customers_data_request(session, delivery):
    customer_id, email = _customer_of(delivery.payload)
    if not customer_id and not email:
        return {"export": None, "note": "no customer id or email in the request"}
    export = privacy.export_customer(session, delivery.shop_id, customer_id, email)
    export["shopify_data_request"] = (delivery.payload.get("data_request") or {}).get("id")
    export["orders_requested"] = delivery.payload.get("orders_requested") or []
    log.warning(
        "shopify customers/data_request for shop %s (customer %s): export kept in the job's result; "
        "the merchant must send it to the customer", delivery.shop_domain, customer_id,
    )
    return {"export": export}


def customers_redact(session, delivery):
    customer_id, email = _customer_of(delivery.payload)
    counts = {}
    if customer_id or email:
        counts = privacy.delete_customer(session, delivery.shop_id, customer_id, email)
    counts["orders_redacted"] = privacy.delete_orders(session, delivery.shop_id, delivery.payload.get("orders_to_redact") or [])
    delivery.payload = {}  # the request itself names the customer: keep no copy
    return {"deleted": counts}


def shop_redact(session, delivery):
    shop_id = delivery.shop_id
    if shop_id is None:
        return {"deleted": False, "note": "no data held for this shop"}
    # The delivery row goes with the shop (ON DELETE CASCADE): leave it alone afterwards.
    session.expunge(delivery)
    privacy.delete_shop_data(session, shop_id)
    log.warning("shopify shop/redact: deleted shop %s (%s) and all its data", shop_id, delivery.shop_domain)
    return {"deleted": True, "shop_id": shop_id}


HANDLERS = {
    "products/create": product_upsert,
    "products/update": product_upsert,
    "products/delete": product_delete,
    "orders/create": order_store,
    "orders/paid": order_store,
    "customers/create": customer_create,
    "customers/update": customer_create,
    "bulk_operations/finish": bulk_operation_finished,
    "app/uninstalled": app_uninstalled,
    "customers/data_request": customers_data_request,
    "customers/redact": customers_redact,
    "shop/redact": shop_redact,
}
# Registered with Shopify by the shopify_register_webhooks job; the privacy ones are
# mandatory and configured in shopify_app/shopify.app.toml instead.
MANDATORY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
SUBSCRIBED_TOPICS = tuple(topic for topic in HANDLERS if topic not in MANDATORY_TOPICS)
