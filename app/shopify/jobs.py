"""The Shopify job kinds: sync, one webhook delivery, webhook registration."""
from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session

from app.jobs import set_progress
from app.models import Job, WebhookDelivery
from app.clock import utcnow
from app.shopify import webhook_topics
from app.shopify.client import ShopifyAPIError
from app.shopify.connection import NotConnected, admin_client
from app.shopify.installs import install_of_shop
from app.shopify.sync import sync_shop

log = logging.getLogger(__name__)

# Replaced in tests, so retry paths run without waiting.
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

    counts = sync_shop(session, install, client, progress=report)
    set_progress(session, job, message="Sync finished.", counts=counts)


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
    registered = []
    for topic in webhook_topics.SUBSCRIBED_TOPICS:
        body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
        try:
            client.request("POST", client.url("webhooks.json"), json=body)
        except ShopifyAPIError as error:
            if error.status != 422:  # 422: this topic and address are already subscribed
                raise
        registered.append(topic)
    set_progress(session, job, registered=registered, address=address)
