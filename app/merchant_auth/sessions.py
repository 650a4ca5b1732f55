"""The merchant's signed-in session: started on sign-in, checked on every request, cleared on sign-out."""
from __future__ import annotations

from flask import session

from app import db
from app.models import Shop, ShopUser


def sign_in(shop: Shop, user: ShopUser | None, via: str) -> None:
    """Start a fresh session for this shop (a new one, so a planted session id cannot be reused)."""
    session.clear()
    session.permanent = True
    session.update({"shop_id": shop.id, "user_id": user.id if user else None, "via": via})


def signed_in_shop() -> Shop | None:
    shop_id = session.get("shop_id")
    if not isinstance(shop_id, int):
        return None
    shop = db.session().get(Shop, shop_id)
    user_id = session.get("user_id")
    if shop is None or (user_id is not None and db.session().get(ShopUser, user_id) is None):
        session.clear()  # the shop or the user was deleted since
        return None
    return shop


def sign_out() -> None:
    session.clear()
