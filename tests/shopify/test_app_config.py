"""The Shopify CLI project (shopify_app/) agrees with the server: scopes, API version, the pixel's settings."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from app.config import SHOPIFY_DEFAULT_API_VERSION, SHOPIFY_DEFAULT_SCOPES
from app.shopify.web_pixel import pixel_settings
from app.shopify.webhook_topics import SUBSCRIBED_TOPICS

APP_DIR = Path(__file__).resolve().parents[2] / "shopify_app"


def toml(path: str) -> dict:
    return tomllib.loads((APP_DIR / path).read_text())


def test_the_app_asks_for_the_scopes_the_server_expects():
    app = toml("shopify.app.toml")
    assert app["access_scopes"]["scopes"] == SHOPIFY_DEFAULT_SCOPES
    assert app["webhooks"]["api_version"] == SHOPIFY_DEFAULT_API_VERSION
    assert re.fullmatch(r"20\d\d-(01|04|07|10)", SHOPIFY_DEFAULT_API_VERSION)  # a quarterly stable version
    assert "bulk_operations/finish" in SUBSCRIBED_TOPICS


def test_the_pixel_extension_declares_the_settings_the_server_fills_in():
    pixel = toml("extensions/p13n-pixel/shopify.extension.toml")
    assert pixel["type"] == "web_pixel_extension" and pixel["runtime_context"] == "strict"
    assert pixel["customer_privacy"]["analytics"] is True
    assert pixel["customer_privacy"]["marketing"] is False and pixel["customer_privacy"]["sale_of_data"] == "disabled"
    assert pixel["settings"]["type"] == "object"
    assert set(pixel["settings"]["fields"]) == set(pixel_settings("pk_x", "https://p13n.example"))
    assert all(field["type"] == "single_line_text_field" for field in pixel["settings"]["fields"].values())
    source = (APP_DIR / "extensions/p13n-pixel/src/index.js").read_text()
    assert "import {register} from '@shopify/web-pixels-extension';" in source
    package = (APP_DIR / "extensions/p13n-pixel/package.json").read_text()
    assert '"@shopify/web-pixels-extension"' in package


def test_the_theme_extension_is_a_theme_extension():
    assert toml("extensions/p13n-embed/shopify.extension.toml")["type"] == "theme"
