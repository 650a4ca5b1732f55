"""The settings UI's sign-in page and sign-out; the session itself lives in app/merchant_auth."""
from __future__ import annotations

from functools import wraps

from flask import g, redirect, render_template, request, url_for

from app import db
from app.clock import utcnow
from app.merchant_auth.passwords import check_password
from app.merchant_auth.sessions import sign_in, sign_out, signed_in_shop
from app.models import Shop
from app.settings_ui.blueprint import blueprint


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
        checked = check_password(session_, email, request.form.get("password") or "", request.remote_addr or "", utcnow())
        session_.commit()
        if checked.retry_after is not None:
            minutes = max(1, round(checked.retry_after.total_seconds() / 60))
            error, status = f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", 429
        elif checked.user is not None:
            sign_in(session_.get(Shop, checked.user.shop_id), checked.user, via="password")
            return redirect(_safe_next(request.args.get("next")))
        else:
            error, status = "Wrong email or password.", 401
    return render_template("settings/login.html", error=error, email=email), status


@blueprint.post("/logout")
def logout():
    sign_out()
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
