"""A Shopify app under test: its credentials, Admin API answers, and signed requests as Shopify sends them."""
from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path

import jwt

from app.shopify import app_proxy
from app.shopify.signatures import query_hmac, webhook_hmac

API_KEY = "test-api-key"
# Shaped like a real client secret (`shpss_` and 32 hex digits): long enough for HS256 (PyJWT warns below 32 bytes).
API_SECRET = "shpss_0123456789abcdef0123456789abcdef"
DOMAIN = "demo-store.myshopify.com"
TOKEN = "shpat_test_token"
API_VERSION = "2026-10"
GRAPHQL_URL = f"https://{DOMAIN}/admin/api/{API_VERSION}/graphql.json"
TOKEN_URL = f"https://{DOMAIN}/admin/oauth/access_token"
# Shopify's `host` parameter: base64 of the admin's address for the store.
HOST = base64.b64encode(b"admin.shopify.com/store/demo-store").decode().rstrip("=")


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


def session_token(shop: str = DOMAIN, secret: str = API_SECRET, audience: str = API_KEY, lifetime: int = 60,
                  not_before: int | None = None, **claims) -> str:
    """A session token as App Bridge hands it out (shopify.dev, "ID tokens"), signed here with PyJWT.

    `lifetime`: seconds until `exp` from now (negative: already expired); `not_before`: `nbf` (default 5 s ago);
    other claims override the documented ones.
    """
    now = int(time.time())
    payload = {
        "iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": audience, "sub": "42",
        "exp": now + lifetime, "nbf": now - 5 if not_before is None else not_before, "iat": now - 5,
        "jti": str(uuid.uuid4()), "sid": "aaea182f-1d8c-4d6e-8e6e-9e2d7b1f0a11",
    }
    payload.update(claims)
    return jwt.encode({key: value for key, value in payload.items() if value is not None}, secret, algorithm="HS256")


def embedded_query(token: str | None = None, shop: str = DOMAIN, **extra) -> dict:
    """The query the Shopify admin puts on the app's address when it opens the app in its iframe."""
    params = {"embedded": "1", "host": HOST, "locale": "en", "session": "d7c5f1e3", "shop": shop,
              "timestamp": str(int(time.time())), **({"id_token": token} if token else {}), **extra}
    return signed_query(params)


# Shopify's documented App Proxy request (shopify.dev, "Authenticate app proxies"): shared secret `hush`, the shopper
# asked for /apps/awesome_reviews/extra/path/components?extra=1&extra=2, and Shopify forwarded it with this query.
DOCUMENTED_PROXY_SECRET = "hush"
DOCUMENTED_PROXY_QUERY = (
    "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews"
    "&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
)


def proxy_query(customer_id: str | None = "7362", shop: str = DOMAIN, timestamp: int | None = None,
                secret: str = API_SECRET, **extra) -> dict:
    """The query Shopify adds when it forwards a storefront request to our App Proxy, signed as Shopify signs it."""
    params = {"shop": shop, "logged_in_customer_id": customer_id or "", "path_prefix": "/apps/p13n",
              "timestamp": str(int(time.time()) if timestamp is None else timestamp), **extra}
    return {**params, "signature": app_proxy.signature(secret, params)}
