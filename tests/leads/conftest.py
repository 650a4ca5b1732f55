from __future__ import annotations

import json

import pytest

from app.models import ShopifyInstall
from app.shopify import token_crypto
from tests.helpers.receiver import start_receiver
from tests.helpers.shopify import API_KEY, API_SECRET, API_VERSION, DOMAIN, TOKEN


@pytest.fixture
def shop(make_shop):
    return make_shop("Gift Shop", "gifts.example", settings={"holdout_percent": 0})


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def post_lead(client):
    def post(shop, email: str, consent: bool, **fields):
        body = {"key": shop.public_key, "email": email, "consent": consent, **fields}
        return client.post("/v1/leads", data=json.dumps(body), content_type="text/plain")

    return post


@pytest.fixture
def admin(client):
    def call(method: str, url: str, secret_key: str, body=None):
        return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {secret_key}"})

    return call


@pytest.fixture
def on_shopify(app, make_shop, db_session):
    """(shop, secret key) of a shop with the Shopify app installed and a working token."""
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET, SHOPIFY_API_VERSION=API_VERSION)
    shop, secret_key = make_shop("Demo store", DOMAIN, settings={"holdout_percent": 0})
    db_session.add(ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, scopes="write_discounts", sync_state={},
                                  access_token_encrypted=token_crypto.encrypt(app, TOKEN)))
    db_session.commit()
    return shop, secret_key
