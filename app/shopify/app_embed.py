"""Is our theme app embed (shopify_app/extensions/p13n-embed) switched on in the live theme?

The embed's on/off state lives in the main theme's config/settings_data.json (read
through the GraphQL Admin API's `themes` and `theme.files`), under `current.blocks`, as a block whose type is
`shopify://apps/<app>/blocks/p13n/<uuid>` with `disabled: true` when off.
"""
from __future__ import annotations

import json
import logging

from app.models import ShopifyInstall
from app.shopify import queries, settings
from app.shopify.client import ShopifyAPIError
from app.shopify.connection import NotConnected, admin_client

log = logging.getLogger(__name__)

EMBED_HANDLE = "p13n"  # the block's file name: blocks/p13n.liquid
TIMEOUT = 3.0


def editor_url(shop_domain: str, api_key: str) -> str:
    """The theme editor, opened on App embeds with ours selected for activation."""
    return (f"https://{shop_domain}/admin/themes/current/editor?context=apps"
            f"&activateAppId={api_key}/{EMBED_HANDLE}")


def embed_enabled(settings_data: dict) -> bool:
    current = settings_data.get("current")  # a preset's name (a string) when the theme was never customised
    blocks = current.get("blocks") if isinstance(current, dict) else None
    if not isinstance(blocks, dict):
        return False
    return any(
        f"/blocks/{EMBED_HANDLE}/" in str(block.get("type", "")) and block.get("disabled") is not True
        for block in blocks.values() if isinstance(block, dict)
    )


def settings_data_json(content: str) -> dict:
    """The JSON of config/settings_data.json; Shopify heads the file with a /* ... */ comment."""
    text = content.lstrip()
    if text.startswith("/*"):
        end = text.find("*/")
        text = text[end + 2:] if end >= 0 else ""
    data = json.loads(text or "{}")
    return data if isinstance(data, dict) else {}


def main_theme_settings(client) -> dict | None:
    """The live theme's settings_data.json (None when the store has no published theme)."""
    data = client.query(queries.MAIN_THEME_SETTINGS)
    themes = queries.nodes(data.get("themes"))
    if not themes:
        return None
    files = queries.nodes(themes[0].get("files"))
    content = ((files[0].get("body") or {}).get("content") if files else None) or "{}"
    return settings_data_json(content)


def app_embed_status(install: ShopifyInstall, client=None) -> dict:
    """{"enabled": True/False/None (unknown), "error": str|None, "editor_url": str}. Never raises."""
    status = {"enabled": None, "error": None, "editor_url": editor_url(install.shop_domain, settings.current().api_key)}
    try:
        client = client or admin_client(install, max_tries=1, timeout=TIMEOUT)
        settings_data = main_theme_settings(client)
        if settings_data is None:
            status["error"] = "the store has no published theme"
            return status
        status["enabled"] = embed_enabled(settings_data)
    except (NotConnected, ShopifyAPIError, ValueError, KeyError, TypeError) as error:
        status["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - a status badge must never break the page
        log.warning("app embed status of %s: %s", install.shop_domain, error)
        status["error"] = f"{type(error).__name__}: {error}"
    return status
