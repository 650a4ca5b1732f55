"""The Shopify app's configuration, read from the Flask config (see app/config.py)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from app.config import SHOPIFY_DEFAULT_API_VERSION as DEFAULT_API_VERSION
from app.config import SHOPIFY_DEFAULT_SCOPES as DEFAULT_SCOPES

REQUIRED = ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET")
MISSING_MESSAGE = (
    "The Shopify app is not configured: set the environment variables SHOPIFY_API_KEY and "
    "SHOPIFY_API_SECRET (from the app's page in the Shopify Partner dashboard) and restart. See docs/shopify.md."
)


@dataclass(frozen=True)
class ShopifySettings:
    api_key: str
    api_secret: str
    scopes: str
    api_version: str


def is_configured(config=None) -> bool:
    config = config if config is not None else current_app.config
    return all(config.get(name) for name in REQUIRED)


def current(config=None) -> ShopifySettings:
    config = config if config is not None else current_app.config
    return ShopifySettings(
        api_key=config.get("SHOPIFY_API_KEY") or "",
        api_secret=config.get("SHOPIFY_API_SECRET") or "",
        scopes=config.get("SHOPIFY_SCOPES") or DEFAULT_SCOPES,
        api_version=config.get("SHOPIFY_API_VERSION") or DEFAULT_API_VERSION,
    )


def public_base_url() -> str:
    """Where Shopify reaches us: PUBLIC_BASE_URL, else the URL this request came in on."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
