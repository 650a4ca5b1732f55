"""The merchant's signed-in session: started on sign-in, checked on every request, ended on sign-out.

The session lives in Flask's signed cookie, which the server cannot take
back; what makes it revocable is the number it carries: the account's
session epoch (or, for a sign-in through Shopify without an account, the
shop's). Signing out or setting a new password bumps that number, and every
cookie issued before, copies included, stops opening anything.
"""
from __future__ import annotations

from flask import session
from sqlalchemy import update

from app import db
from app.models import Shop, ShopUser


def sign_in(shop: Shop, user: ShopUser | None, via: str) -> None:
    """Start a fresh session for this shop (a new one, so a planted session id cannot be reused)."""
    session.clear()
    session.permanent = True
    epoch = (user.session_epoch if user is not None else shop.session_epoch) or 0
    session.update({"shop_id": shop.id, "user_id": user.id if user else None, "via": via, "epoch": epoch})


def signed_in_shop() -> Shop | None:
    shop_id = session.get("shop_id")
    if not isinstance(shop_id, int):
        return None
    shop = db.session().get(Shop, shop_id)
    user_id = session.get("user_id")
    user = db.session().get(ShopUser, user_id) if isinstance(user_id, int) else None
    if shop is None or (user_id is not None and (user is None or user.shop_id != shop.id)):
        session.clear()  # the shop or the user was deleted since
        return None
    current_epoch = (user.session_epoch if user is not None else shop.session_epoch) or 0
    if session.get("epoch") != current_epoch:
        session.clear()  # signed out elsewhere, or the password changed, since this session began
        return None
    return shop


def sign_out() -> None:
    """End this session and every other one of the same account; the caller commits."""
    shop_id, user_id = session.get("shop_id"), session.get("user_id")
    if isinstance(shop_id, int) and signed_in_shop() is not None:
        if isinstance(user_id, int):
            db.session().execute(update(ShopUser).where(ShopUser.id == user_id).values(session_epoch=ShopUser.session_epoch + 1))
        else:
            db.session().execute(update(Shop).where(Shop.id == shop_id).values(session_epoch=Shop.session_epoch + 1))
    session.clear()
