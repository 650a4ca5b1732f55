"""The install page: the script tag to copy, the identity secret that signs customer ids, the Shopify app embed,
and whether our script is seen yet."""
from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app import db, identity_secrets
from app.clock import utcnow
from app.decisions.layout import reservation_css, reserved_space
from app.models import Event, ShopifyInstall
from app.secret_box import IDENTITY_SECRETS, box_for
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.shopify.app_embed import app_embed_status


def script_tag(shop) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return f'<script async src="{base}/s/{shop.public_key}.js"></script>'


def tag_status(shop_id: int) -> dict:
    session = db.session()
    first, last, count = session.execute(
        select(func.min(Event.received_at), func.max(Event.received_at), func.count()).where(Event.shop_id == shop_id)
    ).one()
    return {
        "seen": count > 0,
        "first_event_at": _when(first),
        "last_event_at": _when(last),
        "events": count,
    }


def _when(moment) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else None


@blueprint.get("/install")
@login_required
def install():
    shopify = db.session().scalar(select(ShopifyInstall).where(ShopifyInstall.shop_id == g.shop.id))
    return render_template(
        "settings/install.html", tag=script_tag(g.shop), status=tag_status(g.shop.id), shopify=shopify,
        embed=_embed_status(shopify), identity=_identity(g.shop), slot_css=reservation_css(reserved_space(db.session(), g.shop.id)),
    )


@blueprint.post("/install/identity-secret")
@login_required
def rotate_identity_secret():
    """A new identity secret; signatures made with the old one are accepted for ROTATION_GRACE more."""
    identity_secrets.rotate(g.shop, box_for(current_app, IDENTITY_SECRETS), utcnow())
    db.session().commit()
    until = identity_secrets.previous_valid_until(g.shop)
    flash("New identity secret issued. Sign with it on your server"
          + (f"; signatures made with the old one are accepted until {_when(until)}." if until else "."), "info")
    return redirect(url_for("settings_ui.install") + "#identity-secret")


def _identity(shop) -> dict:
    until = identity_secrets.previous_valid_until(shop)
    return {
        "secret": identity_secrets.current_secret(shop, box_for(current_app, IDENTITY_SECRETS)),
        "previous_valid_until": _when(until) if until and until > utcnow() else None,
        "grace_days": identity_secrets.ROTATION_GRACE.days,
    }


@blueprint.get("/install/status")
@login_required
def install_status():
    return jsonify(tag_status(g.shop.id))


def _embed_status(shopify: ShopifyInstall | None) -> dict | None:
    if shopify is None or shopify.uninstalled_at is not None:
        return None
    return app_embed_status(shopify)
