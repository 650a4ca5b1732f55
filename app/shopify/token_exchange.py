"""Token exchange: a session token from the embedded admin traded for the shop's offline Admin API token.

With Shopify-managed installation (scopes declared in shopify.app.toml), Shopify installs the app without
calling us; the first time the merchant opens it in the admin we hold a session token but no access token,
and exchange the one for the other (shopify.dev, "Exchange a session token for an access token"):

    POST https://{shop}.myshopify.com/admin/oauth/access_token
    {"client_id", "client_secret", "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
     "subject_token": <session token>, "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
     "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token", "expiring": "1"}
    -> 200 {"access_token": "...", "scope": "read_products,...", "expires_in": 3600, "refresh_token": "...", ...}
    -> 400 {"error": "invalid_subject_token"} when the session token is expired or otherwise invalid

The token asked for is an expiring one (`"expiring": "1"`, access_tokens.py says why), so the answer
also has `expires_in`, `refresh_token` and `refresh_token_expires_in`. The redirect OAuth flow
(oauth.py) stays for installs that start outside the admin.
"""
from __future__ import annotations

from app.shopify.access_tokens import OFFLINE_ACCESS_TOKEN, TOKEN_EXCHANGE, TokenRequestFailed, post_token_request

ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
__all__ = ["TokenRequestFailed", "exchange", "exchange_request"]


def exchange_request(api_key: str, api_secret: str, session_token: str) -> dict:
    return {
        "client_id": api_key, "client_secret": api_secret, "grant_type": TOKEN_EXCHANGE,
        "subject_token": session_token, "subject_token_type": ID_TOKEN_TYPE, "requested_token_type": OFFLINE_ACCESS_TOKEN,
        "expiring": "1",
    }


def exchange(shop_domain: str, api_key: str, api_secret: str, session_token: str) -> dict:
    """Shopify's answer (`access_token`, `scope`, `expires_in`, `refresh_token`, ...) for this shop, or TokenRequestFailed."""
    return post_token_request(shop_domain, exchange_request(api_key, api_secret, session_token))
