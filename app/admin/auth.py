"""Who is calling the admin API: a shop by its secret key, by a Shopify session token, or by a settings-UI session.

A bearer token is either the shop's secret key (`sk_...`, for servers and scripts) or, from the settings UI
embedded in the Shopify admin, a Shopify session token (a JWT that App Bridge adds to every fetch call).
"""
from __future__ import annotations

from functools import wraps

from flask import g, request, session
from sqlalchemy import select

from app import db
from app.errors import ApiError
from app.merchant_auth import embedded
from app.merchant_auth.csrf import UNSAFE_METHODS, token_is_valid
from app.merchant_auth.sessions import signed_in_shop
from app.models import Shop, hash_secret_key
from app.models.shop import SECRET_KEY_PREFIX

BEARER_HELP = "Send the shop's secret key as 'Authorization: Bearer sk_...' (or, from the embedded Shopify admin, a session token)."


def current_shop() -> Shop:
    return g.shop


def shop_required(view):
    """Resolve the calling shop into ``g.shop`` or answer 401.

    Every admin query is then filtered by ``g.shop.id``: a shop can only ever
    name its own objects, and another shop's ids look like missing ones.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.shop = _shop_from_bearer_token() if "Authorization" in request.headers else _shop_from_session()
        return view(*args, **kwargs)

    return wrapper


def _shop_from_bearer_token() -> Shop:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, BEARER_HELP)
    if token.startswith(SECRET_KEY_PREFIX):
        shop = db.session().scalar(select(Shop).where(Shop.secret_key_hash == hash_secret_key(token)))
        if shop is None:
            raise ApiError(401, "Unknown secret key.")
        return shop
    session_token = embedded.bearer_token(header)
    if session_token is None:
        raise ApiError(401, f"Neither a secret key nor a session token. {BEARER_HELP}")
    try:
        signed_in = embedded.from_bearer(db.session(), session_token)
    except embedded.NotSignedIn as error:
        raise ApiError(error.status, error.message, headers=embedded.RETRY_HEADER if error.retry else None) from None
    embedded.begin(signed_in)
    return signed_in.shop


def _shop_from_session() -> Shop:
    """The settings UI's own pages call the admin API with the merchant's session cookie.

    A cookie is sent by the browser whatever page started the request, so
    unsafe methods must also carry the session's CSRF token.
    """
    shop = signed_in_shop() if session.get("shop_id") else None
    if shop is None:
        raise ApiError(401, "Send the shop's secret key as 'Authorization: Bearer sk_...', or sign in to the settings UI.")
    if request.method in UNSAFE_METHODS and not token_is_valid():
        raise ApiError(403, "Missing or wrong X-CSRF-Token header for a session-authenticated request.")
    return shop
