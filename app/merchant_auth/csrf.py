"""CSRF protection for the settings UI and for the admin API when it is called with the merchant's session.

A random token lives in the signed session; every unsafe request must echo
it in the form field ``csrf_token`` or the ``X-CSRF-Token`` header. A page
on another site can make the browser send our cookie but cannot read the token.

Requests signed in by a Shopify session token (the embedded admin) need no
CSRF token: that token is not sent by the browser on its own, as a cookie is,
so another site cannot make a request carry it.
"""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

from app.merchant_auth import embedded

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def token_is_valid() -> bool:
    expected = session.get("csrf")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def protect_from_forgery():
    if embedded.current() is not None:
        return
    if request.method in UNSAFE_METHODS and not token_is_valid():
        abort(400, description="The form expired or did not come from this site; reload the page and try again.")
