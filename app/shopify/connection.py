"""An Admin API client for an install, from the app's configuration (needs an app context)."""
from __future__ import annotations

import time

from flask import current_app

from app.models import ShopifyInstall
from app.shopify import settings
from app.shopify.access_tokens import CannotRenew, usable_token
from app.shopify.client import AdminClient


class NotConnected(Exception):
    """The shop uninstalled the app (or never finished installing, or its token lapsed): there is no token to use."""


def admin_client(install: ShopifyInstall, sleep=time.sleep, **options) -> AdminClient:
    if install.uninstalled_at is not None or not install.access_token_encrypted:
        raise NotConnected(f"{install.shop_domain} is not connected (the app was uninstalled or never authorized)")
    try:
        # Renewed first if it expires soon, so the client has at least access_tokens.RENEW_WITHIN to work.
        token = usable_token(current_app._get_current_object(), install)
    except CannotRenew as error:
        raise NotConnected(str(error)) from None
    return AdminClient(install.shop_domain, token, settings.current().api_version, sleep=sleep, **options)
