"""The Shopify job kinds: sync, one webhook delivery, webhook registration, connecting the Web Pixel."""
from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs import set_progress
from app.models import Job, Shop, WebhookDelivery
from app.shopify import sync_schedule, webhook_subscriptions, webhook_topics
from app.shopify.connection import NotConnected, admin_client
from app.shopify.installs import install_of_shop
from app.shopify.sync import sync_shop
from app.shopify.web_pixel import connect_pixel

log = logging.getLogger(__name__)

# Replaced in tests, so retry and throttle paths run without waiting.
sleep = time.sleep


def run_sync(session: Session, job: Job) -> None:
    install = install_of_shop(session, job.shop_id)
    if install is None:
        set_progress(session, job, message="This shop is not connected to Shopify.")
        return
    try:
        client = admin_client(install, sleep=lambda seconds: sleep(seconds))
    except NotConnected as error:
        set_progress(session, job, message=str(error))
        return

    def report(resource: str, done: int, message: str) -> None:
        set_progress(session, job, resource=resource, done=done, message=message)

    result = sync_shop(session, install, client, progress=report)
    if result.finished:
        set_progress(session, job, message="Sync finished.", counts=result.counts, waiting_for_shopify=False)
        return
    # Shopify is still exporting: look again later (the bulk_operations/finish webhook makes it sooner).
    message = f"Shopify is exporting {result.waiting_for}; the import starts when it is done."
    raise sync_schedule.look_again_later(session, job, message, counts=result.counts, bulk_operation=result.bulk_operation_id)


def run_webhook(session: Session, job: Job) -> None:
    delivery = session.get(WebhookDelivery, job.payload.get("delivery_id"))
    if delivery is None:
        job.progress = {"ignored": "delivery no longer stored (its shop was deleted)"}
        return
    if delivery.processed_at is not None:
        job.progress = {"ignored": "already processed"}
        return
    topic = delivery.topic
    result = webhook_topics.handle(session, delivery)
    if topic != "shop/redact":  # that delivery went with the shop
        delivery.processed_at = utcnow()
    # A data request's export is kept here, in the job's result, for the merchant to send on.
    job.progress = {"topic": topic, **result}


def register_webhooks(session: Session, job: Job) -> None:
    install = install_of_shop(session, job.shop_id)
    if install is None:
        return
    address = job.payload.get("address")
    if not address:
        raise ValueError("the job has no webhook address (PUBLIC_BASE_URL + /shopify/webhooks)")
    client = admin_client(install, sleep=lambda seconds: sleep(seconds))
    registered = webhook_subscriptions.subscribe(client, webhook_topics.SUBSCRIBED_TOPICS, address)
    set_progress(session, job, registered=registered, address=address)


def connect_web_pixel(session: Session, job: Job) -> None:
    """Create the shop's Web Pixel with its public key and our address (see app/shopify/web_pixel.py)."""
    install = install_of_shop(session, job.shop_id)
    shop = session.get(Shop, job.shop_id) if job.shop_id else None
    if install is None or shop is None:
        return
    backend_url = job.payload.get("backend_url")
    if not backend_url:
        raise ValueError("the job has no backend_url (PUBLIC_BASE_URL)")
    client = admin_client(install, sleep=lambda seconds: sleep(seconds))
    pixel = connect_pixel(client, shop.public_key, backend_url)
    # Tells the storefront script (app/storefront/bundle.py) that the pixel reports the events now.
    shop.settings = {**(shop.settings or {}), "shopify_pixel": {"id": pixel["id"], "connected_at": utcnow().isoformat()}}
    set_progress(session, job, pixel=pixel, backend_url=backend_url)
