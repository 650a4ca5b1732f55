"""Connecting our Web Pixel extension (shopify_app/extensions/p13n-pixel) to a shop.

A deployed pixel extension does nothing on a store until the app creates the
pixel there with its settings (webPixelCreate); Shopify checks the settings
against the `[settings]` of the extension's shopify.extension.toml. Ours are the
shop's public key and the address of this server, which the pixel posts
`/v1/events` batches to. Run again after a reinstall or a change of address, the
existing pixel is updated instead (webPixelUpdate).
"""
from __future__ import annotations

import json

from app.shopify import queries
from app.shopify.client import AdminClient, ShopifyAPIError, UserErrors, user_errors


def pixel_settings(public_key: str, backend_url: str) -> dict:
    """The settings object; its keys are the `[settings.fields.*]` of the extension's TOML."""
    return {"publicKey": public_key, "backendUrl": backend_url.rstrip("/")}


def _current_pixel_id(client: AdminClient) -> str | None:
    try:
        pixel = client.query(queries.CURRENT_WEB_PIXEL).get("webPixel")
    except ShopifyAPIError as error:
        # The webPixel query answers NOT_FOUND (a GraphQL error) when the app has no pixel on the shop yet.
        if error.code == "NOT_FOUND" or "not found" in str(error).lower():
            return None
        raise
    return str(pixel["id"]) if isinstance(pixel, dict) and pixel.get("id") else None


def connect_pixel(client: AdminClient, public_key: str, backend_url: str) -> dict:
    """Create (or update) the shop's pixel with these settings; {"id", "created"}."""
    settings = json.dumps(pixel_settings(public_key, backend_url))
    pixel_id = _current_pixel_id(client)
    if pixel_id is None:
        data = client.query(queries.CREATE_WEB_PIXEL, {"settings": settings})
        try:
            payload = user_errors(data.get("webPixelCreate"), "webPixelCreate")
        except UserErrors as error:
            if error.code != "TAKEN":
                raise
            # Created meanwhile (another job, a retry): update that one.
            pixel_id = _current_pixel_id(client)
            if pixel_id is None:
                raise
        else:
            return {"id": (payload.get("webPixel") or {}).get("id"), "created": True}
    data = client.query(queries.UPDATE_WEB_PIXEL, {"id": pixel_id, "settings": settings})
    payload = user_errors(data.get("webPixelUpdate"), "webPixelUpdate")
    return {"id": (payload.get("webPixel") or {}).get("id") or pixel_id, "created": False}
