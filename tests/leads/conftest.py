from __future__ import annotations

import json

import pytest

from tests.helpers.receiver import start_receiver


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
