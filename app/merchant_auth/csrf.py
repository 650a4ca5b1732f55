"""CSRF protection for the settings UI and for the admin API when it is called with the merchant's session.

A random token lives in the signed session; every unsafe request must echo
it in the form field ``csrf_token`` or the ``X-CSRF-Token`` header. A page
on another site can make the browser send our cookie but cannot read the token.
"""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

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
    if request.method in UNSAFE_METHODS and not token_is_valid():
        abort(400, description="The form expired or did not come from this site; reload the page and try again.")
