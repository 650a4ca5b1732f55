"""Who is calling the admin API: a shop, by its secret key as a bearer token or by a settings-UI session."""
from __future__ import annotations

from functools import wraps

from flask import g, request, session
from sqlalchemy import select

from app import db
from app.errors import ApiError
from app.merchant_auth.csrf import UNSAFE_METHODS, token_is_valid
from app.merchant_auth.sessions import signed_in_shop
from app.models import Shop, hash_secret_key


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
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Send the shop's secret key as 'Authorization: Bearer sk_...'.")
    shop = db.session().scalar(select(Shop).where(Shop.secret_key_hash == hash_secret_key(token.strip())))
    if shop is None:
        raise ApiError(401, "Unknown secret key.")
    return shop


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
