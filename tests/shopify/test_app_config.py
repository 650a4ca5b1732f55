"""The Shopify CLI project (shopify_app/) agrees with the server: scopes, API version, the pixel's settings."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from app.config import SHOPIFY_DEFAULT_API_VERSION, SHOPIFY_DEFAULT_SCOPES
from app.shopify.web_pixel import pixel_settings
from app.shopify.webhook_topics import SUBSCRIBED_TOPICS
from tests.helpers.liquid_blocks import schema

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


def test_the_app_opens_embedded_in_the_admin_with_a_shopify_managed_install():
    app = toml("shopify.app.toml")
    assert app["embedded"] is True
    # The admin maps its own paths onto this origin (/apps/p13n/settings/rules -> /settings/rules): the root.
    assert app["application_url"] == "https://YOUR-P13N-HOST/"
    assert app["access_scopes"]["use_legacy_install_flow"] is False
    # The OAuth redirect flow stays for installs started outside the admin.
    assert app["auth"]["redirect_urls"] == ["https://YOUR-P13N-HOST/shopify/callback"]


def test_the_app_proxy_forwards_the_path_the_embed_asks_to_the_server(client, shopify_app):
    proxy = toml("shopify.app.toml")["app_proxy"]
    assert proxy["url"] == "https://YOUR-P13N-HOST/shopify/proxy"
    embed_default = next(s["default"] for s in schema("p13n")["settings"] if s["id"] == "proxy_path")
    assert embed_default == f"/{proxy['prefix']}/{proxy['subpath']}"
    assert client.get("/shopify/proxy/customer").status_code == 401  # the address exists, and wants Shopify's signature
