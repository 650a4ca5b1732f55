"""Subscribing a shop to our webhook topics through the GraphQL Admin API (webhookSubscriptionCreate)."""
from __future__ import annotations

import logging

from app.shopify import queries
from app.shopify.client import AdminClient, UserErrors, user_errors

log = logging.getLogger(__name__)


def topic_enum(topic: str) -> str:
    """`products/update` -> `PRODUCTS_UPDATE`, `bulk_operations/finish` -> `BULK_OPERATIONS_FINISH`."""
    return topic.upper().replace("/", "_")


def _already_subscribed(error: UserErrors) -> bool:
    # Shopify refuses a second subscription of a topic to the same address:
    # "Address for this topic has already been taken".
    return any("already been taken" in str(item.get("message", "")).lower() for item in error.errors)


def subscribe(client: AdminClient, topics, address: str) -> list[str]:
    """Subscribe each topic to `address`; the topics now subscribed (new or already there)."""
    subscribed = []
    for topic in topics:
        data = client.query(queries.CREATE_WEBHOOK, {"topic": topic_enum(topic), "uri": address})
        try:
            user_errors(data.get("webhookSubscriptionCreate"), f"webhookSubscriptionCreate {topic}")
        except UserErrors as error:
            if not _already_subscribed(error):
                raise
            log.info("shopify webhook %s already subscribed for %s", topic, client.shop_domain)
        subscribed.append(topic)
    return subscribed
