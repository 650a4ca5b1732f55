"""An Admin API client for an install, from the app's configuration (needs an app context)."""
from __future__ import annotations

import time

from flask import current_app

from app.models import ShopifyInstall
from app.shopify import settings, token_crypto
from app.shopify.client import AdminClient


class NotConnected(Exception):
    """The shop uninstalled the app (or never finished installing): there is no token to use."""


def admin_client(install: ShopifyInstall, sleep=time.sleep, **options) -> AdminClient:
    if install.uninstalled_at is not None or not install.access_token_encrypted:
        raise NotConnected(f"{install.shop_domain} is not connected (the app was uninstalled or never authorized)")
    token = token_crypto.decrypt(current_app._get_current_object(), install.access_token_encrypted)
    return AdminClient(install.shop_domain, token, settings.current().api_version, sleep=sleep, **options)
