"""Request size caps: app-wide MAX_CONTENT_LENGTH, and a smaller one for Shopify webhooks checked before the body is read."""
from __future__ import annotations

import io

from app.factory import create_app
from tests.helpers.shopify import API_KEY, API_SECRET

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body of ``size`` bytes (never held in memory) that counts how much of it the server read."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        n = max(min(len(buffer), self.size - self.position), 0)
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def test_max_content_length_is_set_app_wide_and_configurable(app, database_url, monkeypatch):
    assert app.config["MAX_CONTENT_LENGTH"] == MB
    monkeypatch.setenv("MAX_CONTENT_LENGTH", str(3 * MB))
    assert create_app({"DATABASE_URL": database_url})\
        .config["MAX_CONTENT_LENGTH"] == 3 * MB


def test_an_admin_body_over_the_cap_is_a_413_with_a_clear_message(client, make_shop):
    shop, secret = make_shop()
    body = b'{"products": [' + b" " * (2 * MB) + b"]}"
    response = client.post("/admin/api/products", data=body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 413
    assert "1048576 bytes" in response.get_json()["error"]


def test_a_settings_form_over_the_cap_is_a_413(client):
    response = client.post("/settings/login", data={"email": "x" * (2 * MB), "password": "p"})
    assert response.status_code == 413


def test_a_64_mb_webhook_is_refused_before_its_body_is_read(app, client):
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET)
    body = CountingStream(64 * MB)
    response = client.post("/shopify/webhooks", input_stream=body, content_type="application/json",
                           headers={"Content-Length": str(64 * MB), "X-Shopify-Hmac-Sha256": "forged"})
    assert response.status_code == 413
    assert "webhook" in response.get_data(as_text=True).lower()
    assert body.read_bytes == 0


def test_a_webhook_without_a_length_is_cut_off_at_the_cap(app, client):
    """Chunked: no Content-Length to refuse up front, so reading stops at the cap instead of the end."""
    app.config.update(SHOPIFY_API_KEY=API_KEY, SHOPIFY_API_SECRET=API_SECRET)
    body = CountingStream(64 * MB)
    response = client.post("/shopify/webhooks", input_stream=body, content_type="application/json",
                           headers={"X-Shopify-Hmac-Sha256": "forged"},
                           environ_overrides={"wsgi.input_terminated": True})  # what a server sets for a chunked body
    assert response.status_code == 413
    assert body.read_bytes <= 2 * app.config["SHOPIFY_WEBHOOK_MAX_BYTES"]
