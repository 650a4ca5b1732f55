"""Signing in to the settings UI: email and password, or a Shopify OAuth session; signing out."""
from __future__ import annotations

from functools import wraps

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from app import db
from app.merchant_accounts import clear_failures, record_failure, sign_in_blocked_for, verify_password
from app.models import Shop, ShopUser
from app.clock import utcnow
from app.settings_ui import blueprint


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


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        shop = signed_in_shop()
        if shop is None:
            return redirect(url_for("settings_ui.login", next=request.full_path if request.method == "GET" else None))
        g.shop = shop
        return view(*args, **kwargs)

    return wrapper


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = None
    email = ""
    status = 200
    if request.method == "POST":
        session_ = db.session()
        email = (request.form.get("email") or "").strip().lower()
        password = request.form.get("password") or ""
        ip, now = request.remote_addr or "", utcnow()
        wait = sign_in_blocked_for(session_, email, ip, now)
        if wait is not None:
            minutes = max(1, round(wait.total_seconds() / 60))
            error, status = f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", 429
        else:
            user = session_.scalar(select(ShopUser).where(ShopUser.email == email)) if email else None
            # verify_password runs even for an unknown email, so timing does not tell which emails exist.
            if verify_password(user.password_hash if user else None, password) and user is not None:
                user.last_login_at = now
                clear_failures(session_, email)
                session_.commit()
                sign_in(session_.get(Shop, user.shop_id), user, via="password")
                return redirect(_safe_next(request.args.get("next")))
            record_failure(session_, email, ip, now)
            session_.commit()
            error, status = "Wrong email or password.", 401
    return render_template("settings/login.html", error=error, email=email), status


@blueprint.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("settings_ui.login"))


@blueprint.get("/")
@login_required
def home():
    return redirect(url_for("settings_ui.dashboard"))


def _safe_next(target: str | None) -> str:
    # Only our own settings pages: never an open redirect to another site.
    if target and target.startswith("/settings/") and not target.startswith("//"):
        return target.rstrip("?")
    return url_for("settings_ui.dashboard")
