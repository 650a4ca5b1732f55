"""Fixtures for the Shopify app's tests; shared constants and request builders are in tests/helpers/shopify.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.models import ShopifyInstall
from app.shopify import token_crypto
from tests.helpers.shopify import API_KEY, API_SECRET, API_VERSION, DOMAIN, TOKEN


@pytest.fixture
def shopify_app(app):
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET, SHOPIFY_API_VERSION=API_VERSION)
    return app


@pytest.fixture
def installed(shopify_app, make_shop, db_session):
    """(shop, install) for DOMAIN with a working encrypted token."""
    shop, _secret = make_shop("Demo store", DOMAIN)
    install = ShopifyInstall(
        shop_id=shop.id, shop_domain=DOMAIN, access_token_encrypted=token_crypto.encrypt(shopify_app, TOKEN),
        scopes="read_products", sync_state={},
    )
    db_session.add(install)
    db_session.commit()
    return shop, install


@pytest.fixture
def no_sleep(monkeypatch):
    """Records the waits the client asked for instead of waiting."""
    waits: list[float] = []
    from app.shopify import jobs as shopify_jobs

    monkeypatch.setattr(shopify_jobs, "sleep", waits.append)
    return waits


@pytest.fixture
def fixtures_dir(shared_datasets) -> Path:
    return shared_datasets / "shopify-admin-fixtures"
