"""/admin/api/leads/... and /admin/api/discount-codes — lead settings, webhook deliveries, code pools."""
from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import select

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.jobs import describe
from app.jobs.kinds import LEAD_WEBHOOK
from app.leads import mail
from app.models import Job
from app.resources import discount_codes, lead_settings
from app.secret_key import app_secret

RECENT_DELIVERIES = 50


@blueprint.get("/leads/settings")
@shop_required
def get_lead_settings():
    return jsonify(lead_settings.shown(current_shop()))


@blueprint.put("/leads/settings")
@shop_required
def put_lead_settings():
    """Change what the body names; a webhook URL without a secret gets one, returned this once."""
    data = lead_settings.validate(json_object("a JSON object of lead settings"), mail.is_configured(current_app.config))
    generated = lead_settings.save(current_shop(), data, app_secret(current_app))
    db.session().commit()
    body = lead_settings.shown(current_shop())
    if generated:
        body["webhook_secret"] = generated
    return jsonify(body)


@blueprint.post("/leads/settings/webhook-secret")
@shop_required
def rotate_webhook_secret():
    secret = lead_settings.new_secret(current_shop(), app_secret(current_app))
    db.session().commit()
    return jsonify({**lead_settings.shown(current_shop()), "webhook_secret": secret})


@blueprint.get("/leads/webhook-deliveries")
@shop_required
def webhook_deliveries():
    jobs = db.session().scalars(
        select(Job).where(Job.shop_id == current_shop().id, Job.kind == LEAD_WEBHOOK)
        .order_by(Job.id.desc()).limit(RECENT_DELIVERIES)
    )
    return jsonify(deliveries=[{**describe(job), "event": job.payload.get("type"), "lead_id": job.payload.get("lead", {}).get("id")}
                               for job in jobs])


@blueprint.get("/discount-codes")
@shop_required
def list_code_pools():
    return jsonify(pools=[pool.as_dict() for pool in discount_codes.pools(db.session(), current_shop().id)])


@blueprint.post("/discount-codes")
@shop_required
def upload_codes():
    """{"pool": "welcome10", "codes": ["A1B2C3", ...]} (or the codes as text, one per line)."""
    session = db.session()
    data = discount_codes.validate_upload(json_object('{"pool": ..., "codes": [...]}'))
    added, skipped = discount_codes.upload(session, current_shop().id, data)
    session.commit()
    pool = discount_codes.pool(session, current_shop().id, data["pool"])
    return jsonify(added=added, skipped=skipped, pool=pool.as_dict()), 201


@blueprint.delete("/discount-codes/<pool>")
@shop_required
def delete_unused_codes(pool: str):
    session = db.session()
    removed = discount_codes.delete_unused(session, current_shop().id, pool)
    session.commit()
    return jsonify(removed=removed)
