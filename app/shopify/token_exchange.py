"""Token exchange: a session token from the embedded admin traded for the shop's offline Admin API token.

With Shopify-managed installation (scopes declared in shopify.app.toml), Shopify installs the app without
calling us; the first time the merchant opens it in the admin we hold a session token but no access token,
and exchange the one for the other (shopify.dev, "Exchange a session token for an access token"):

    POST https://{shop}.myshopify.com/admin/oauth/access_token
    {"client_id", "client_secret", "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
     "subject_token": <session token>, "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
     "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token"}
    -> 200 {"access_token": "...", "scope": "read_products,..."}
    -> 400 {"error": "invalid_subject_token"} when the session token is expired or otherwise invalid

The redirect OAuth flow (oauth.py) stays for installs that start outside the admin.
"""
from __future__ import annotations

import requests

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_ACCESS_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"
TIMEOUT = 10


class TokenExchangeFailed(Exception):
    """Shopify gave no access token; `retry`: a fresh session token may succeed (the one sent was rejected)."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.message = message
        self.retry = retry


def exchange_request(api_key: str, api_secret: str, session_token: str) -> dict:
    return {
        "client_id": api_key, "client_secret": api_secret, "grant_type": GRANT_TYPE,
        "subject_token": session_token, "subject_token_type": ID_TOKEN_TYPE, "requested_token_type": OFFLINE_ACCESS_TOKEN,
    }


def exchange(shop_domain: str, api_key: str, api_secret: str, session_token: str) -> dict:
    """Shopify's answer (`access_token`, `scope`, ...) for this shop, or TokenExchangeFailed."""
    try:
        response = requests.post(
            f"https://{shop_domain}/admin/oauth/access_token", json=exchange_request(api_key, api_secret, session_token),
            headers={"Accept": "application/json"}, timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise TokenExchangeFailed(f"Shopify could not be reached: {error.__class__.__name__}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code == 400 and body.get("error") == "invalid_subject_token":
        raise TokenExchangeFailed("Shopify refused the session token (invalid_subject_token).", retry=True)
    if not response.ok:
        raise TokenExchangeFailed(f"Shopify answered {response.status_code} {body.get('error') or ''}".rstrip())
    if not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise TokenExchangeFailed("Shopify answered without an access token.")
    return body
