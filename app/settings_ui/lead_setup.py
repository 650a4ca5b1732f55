"""The leads page's set-up: double opt-in, the webhook to the merchant's email tool, discount code pools.

Each form goes through the same resource as the admin API (app/resources/lead_settings.py,
app/resources/discount_codes.py).
"""
from __future__ import annotations

from flask import current_app, flash, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.jobs.kinds import LEAD_WEBHOOK
from app.leads import mail
from app.models import Job, Shop
from app.resources import discount_codes, lead_settings
from app.resources.errors import ResourceError
from app.secret_key import app_secret
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.rule_form import flat_errors

RECENT_DELIVERIES = 10


def context(session: Session, shop: Shop) -> dict:
    """What the leads page shows of the set-up."""
    return {
        "lead_settings": lead_settings.shown(shop),
        "mail_configured": mail.is_configured(current_app.config),
        "pools": discount_codes.pools(session, shop.id),
        "deliveries": session.scalars(
            select(Job).where(Job.shop_id == shop.id, Job.kind == LEAD_WEBHOOK).order_by(Job.id.desc()).limit(RECENT_DELIVERIES)
        ).all(),
    }


@blueprint.post("/leads/settings")
@login_required
def lead_settings_save():
    form = request.form
    payload = {"double_opt_in": form.get("double_opt_in") == "on", "webhook_url": form.get("webhook_url", ""),
               "webhook_secret": form.get("webhook_secret", "")}
    try:
        data = lead_settings.validate(payload, mail.is_configured(current_app.config))
    except ResourceError as error:
        for message in flat_errors(error.errors or {}).values():
            flash(message, "error")
        return redirect(url_for("settings_ui.leads"))
    generated = lead_settings.save(g.shop, data, app_secret(current_app))
    db.session().commit()
    flash("Lead settings saved.", "info")
    if generated:
        flash(f"Your webhook secret (shown this once; your endpoint checks signatures with it): {generated}", "info")
    return redirect(url_for("settings_ui.leads"))


@blueprint.post("/leads/settings/webhook-secret")
@login_required
def lead_webhook_secret():
    secret = lead_settings.new_secret(g.shop, app_secret(current_app))
    db.session().commit()
    flash(f"New webhook secret (shown this once): {secret}", "info")
    return redirect(url_for("settings_ui.leads"))


@blueprint.post("/leads/codes")
@login_required
def lead_codes_upload():
    session = db.session()
    try:
        data = discount_codes.validate_upload({"pool": request.form.get("pool", ""), "codes": request.form.get("codes", "")})
    except ResourceError as error:
        for name, message in flat_errors(error.errors or {}).items():
            flash(f"{name.split('.')[0].capitalize()}: {message}", "error")
        return redirect(url_for("settings_ui.leads"))
    added, skipped = discount_codes.upload(session, g.shop.id, data)
    session.commit()
    flash(f"{added} codes added to {data['pool']}" + (f"; {skipped} skipped (already uploaded)." if skipped else "."), "info")
    return redirect(url_for("settings_ui.leads"))


@blueprint.post("/leads/codes/<pool>/delete-unused")
@login_required
def lead_codes_delete_unused(pool: str):
    session = db.session()
    try:
        removed = discount_codes.delete_unused(session, g.shop.id, pool)
    except ResourceError as error:
        flash(error.message, "error")
        return redirect(url_for("settings_ui.leads"))
    session.commit()
    flash(f"{removed} unused codes removed from {pool}; codes already given stay with their leads.", "info")
    return redirect(url_for("settings_ui.leads"))
