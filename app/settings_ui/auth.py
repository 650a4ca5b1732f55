"""The settings UI's sign-in page and sign-out; the session itself lives in app/merchant_auth."""
from __future__ import annotations

from functools import wraps

from flask import g, redirect, render_template, request, url_for

from app import db
from app.clock import utcnow
from app.merchant_auth import embedded
from app.merchant_auth.passwords import authenticate, count_sign_in_attempt
from app.merchant_auth.sessions import sign_in, sign_out, signed_in_shop
from app.models import Shop
from app.settings_ui.blueprint import blueprint


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        # Inside the Shopify admin, the session token (checked before the view) is the only sign-in that counts.
        signed_in = embedded.current()
        shop = signed_in.shop if signed_in is not None else signed_in_shop()
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
        ip, now = request.remote_addr or "", utcnow()
        wait = count_sign_in_attempt(session_, email, ip, now)
        session_.commit()  # counted before the (slow) password check, and not held locked during it
        if wait is not None:
            minutes = max(1, round(wait.total_seconds() / 60))
            error, status = f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", 429
        else:
            user = authenticate(session_, email, request.form.get("password") or "", ip, now)
            session_.commit()
            if user is not None:
                sign_in(session_.get(Shop, user.shop_id), user, via="password")
                return redirect(_safe_next(request.args.get("next")))
            error, status = "Wrong email or password.", 401
    return render_template("settings/login.html", error=error, email=email), status


@blueprint.post("/logout")
def logout():
    sign_out()
    db.session().commit()
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
