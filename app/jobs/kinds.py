"""The kinds of background job. Each kind's handler lives in its domain package; the table that
maps kinds to handlers and retry policies is assembled at the top, in app/tasks.py."""
from __future__ import annotations

TRAIN = "train"
PURGE_EXPIRED = "purge_expired"
SHOPIFY_SYNC = "shopify_sync"
SHOPIFY_WEBHOOK = "shopify_webhook"
SHOPIFY_REGISTER_WEBHOOKS = "shopify_register_webhooks"
SHOPIFY_CONNECT_PIXEL = "shopify_connect_pixel"
LEAD_WEBHOOK = "lead_webhook"
LEAD_CONFIRMATION = "lead_confirmation"

KINDS = (TRAIN, PURGE_EXPIRED, SHOPIFY_SYNC, SHOPIFY_WEBHOOK, SHOPIFY_REGISTER_WEBHOOKS, SHOPIFY_CONNECT_PIXEL,
         LEAD_WEBHOOK, LEAD_CONFIRMATION)

# Kinds with at most one queued or running job per shop: asking again while one waits or runs
# returns that one (two "Retrain" clicks, a retrain from the schedule and one from the admin API).
SINGLE_PER_SHOP = frozenset({TRAIN, PURGE_EXPIRED, SHOPIFY_SYNC, SHOPIFY_REGISTER_WEBHOOKS, SHOPIFY_CONNECT_PIXEL})
