"""A Shopify app under test: its credentials, Admin API answers, and signed requests as Shopify sends them."""
from __future__ import annotations

import json
import time
from pathlib import Path

from app.shopify.signatures import query_hmac, webhook_hmac

API_KEY = "test-api-key"
API_SECRET = "test-api-secret"
DOMAIN = "demo-store.myshopify.com"
TOKEN = "shpat_test_token"
API_VERSION = "2026-10"
GRAPHQL_URL = f"https://{DOMAIN}/admin/api/{API_VERSION}/graphql.json"


def load_fixture(fixtures_dir: Path, name: str):
    for folder in ("shopify_python_api", "shopify-api-ruby-v9"):
        path = fixtures_dir / folder / name
        if path.exists():
            return json.loads(path.read_text())
    raise FileNotFoundError(name)


def cost(requested: float = 10, available: float = 1990, maximum: float = 2000, restore: float = 100,
         actual: float | None = None) -> dict:
    """`extensions.cost` as every GraphQL Admin API answer carries it (shopify.dev, API rate limits)."""
    return {"requestedQueryCost": requested, "actualQueryCost": requested if actual is None else actual,
            "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": restore}}


def graphql_answer(data: dict, **cost_fields) -> dict:
    return {"data": data, "extensions": {"cost": cost(**cost_fields)}}


def theme_answer(settings_data: str | None, theme: bool = True) -> dict:
    """The live theme with its config/settings_data.json (GraphQL `themes` and `theme.files`)."""
    files = [] if settings_data is None else [
        {"node": {"filename": "config/settings_data.json", "body": {"content": settings_data}}}]
    themes = [{"node": {"id": "gid://shopify/OnlineStoreTheme/828155753", "name": "Dawn",
                        "files": {"edges": files}}}] if theme else []
    return graphql_answer({"themes": {"edges": themes}})


def signed_query(params: dict, secret: str = API_SECRET) -> dict:
    return {**params, "hmac": query_hmac(secret, params)}


def callback_params(state: str, shop: str = DOMAIN, timestamp: int | None = None) -> dict:
    return {"code": "auth-code-123", "shop": shop, "state": state,
            "timestamp": str(int(time.time()) if timestamp is None else timestamp), "host": "YWRtaW4uc2hvcGlmeS5jb20"}


def post_webhook(client, topic: str, body: bytes, event_id: str = "evt-1", secret: str = API_SECRET,
                 domain: str = DOMAIN, hmac_header: str | None = None, drop_hmac: bool = False):
    headers = {
        "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": domain, "X-Shopify-Event-Id": event_id,
        "X-Shopify-Webhook-Id": "wh-" + event_id, "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Hmac-Sha256": hmac_header if hmac_header is not None else webhook_hmac(secret, body),
    }
    if drop_hmac:
        del headers["X-Shopify-Hmac-Sha256"]
    return client.post("/shopify/webhooks", data=body, headers=headers, content_type="application/json")
