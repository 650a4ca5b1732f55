"""Signing in to the settings UI through the real login form, as a merchant would."""
from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class SignedIn:
    def __init__(self, client, shop):
        self.client, self.shop = client, shop
        self.csrf = csrf_from(client.get("/settings/login").get_data(as_text=True))

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def json(self, method, url, body=None):
        return self.client.open(url, method=method, json=body, headers={"X-CSRF-Token": self.csrf})


def sign_in(client, email, password):
    page = client.get("/settings/login").get_data(as_text=True)
    return client.post("/settings/login", data={"email": email, "password": password, "csrf_token": csrf_from(page)})
