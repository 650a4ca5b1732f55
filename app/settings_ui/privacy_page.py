"""Privacy: consent mode, how long events are kept, and one customer's data exported or deleted."""
from __future__ import annotations

import json
import re

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app import db
from app.jobs import enqueue
from app.jobs.kinds import PURGE_EXPIRED, SHOPIFY_WEBHOOK
from app.models import Job
from app.privacy import delete_customer, export_customer
from app.schemas.privacy import CustomerRequestSchema, PrivacySettingsSchema
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.rule_form import flat_errors

_settings_schema = PrivacySettingsSchema()
_request_schema = CustomerRequestSchema()


@blueprint.get("/privacy")
@login_required
def privacy():
    return _render()


@blueprint.post("/privacy/settings")
@login_required
def privacy_settings():
    try:
        data = _settings_schema.load(request.form.to_dict())
    except ValidationError as error:
        return _render(settings_errors=flat_errors(error.messages), values=request.form.to_dict()), 400
    shop = g.shop
    shop.settings = {**(shop.settings or {}), "consent_required": data["consent_mode"] == "required",
                     "retention_days": data["retention_days"]}
    flag_modified(shop, "settings")
    if data["retention_days"]:
        enqueue(db.session(), PURGE_EXPIRED, shop_id=shop.id)
    db.session().commit()
    flash("Privacy settings saved." + (" Events older than the retention period are being deleted." if data["retention_days"] else ""), "info")
    return redirect(url_for("settings_ui.privacy"))


@blueprint.post("/privacy/export")
@login_required
def privacy_export():
    try:
        who = _request_schema.load(request.form.to_dict())
    except ValidationError as error:
        return _render(request_errors=flat_errors(error.messages), values=request.form.to_dict()), 400
    data = export_customer(db.session(), g.shop.id, customer_id=who["customer_id"], email=who["email"])
    return Response(
        json.dumps(data, indent=2, default=str), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="customer-{file_name_part(who["customer_id"] or who["email"])}.json"'},
    )


def file_name_part(text: str) -> str:
    """``text`` as a safe part of a download's file name: ASCII letters, digits, ``-`` and ``_``.

    A customer id is anyone's text: CR/LF would split the header, U+2028 or
    any non-Latin-1 character cannot be sent in one at all (the server drops
    the connection), and quotes, dots and slashes would change the name.
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:80] or "data"


@blueprint.post("/privacy/delete")
@login_required
def privacy_delete():
    try:
        who = _request_schema.load(request.form.to_dict())
    except ValidationError as error:
        return _render(request_errors=flat_errors(error.messages), values=request.form.to_dict()), 400
    counts = delete_customer(db.session(), g.shop.id, customer_id=who["customer_id"], email=who["email"])
    db.session().commit()
    summary = ", ".join(f"{count} {what}" for what, count in counts.items() if count) or "nothing was held"
    flash(f"Deleted the data of {who['customer_id'] or who['email']}: {summary}.", "info")
    return redirect(url_for("settings_ui.privacy"))


@blueprint.get("/privacy/data-requests/<id:job_id>.json")
@login_required
def privacy_data_request(job_id: int):
    job = next((job for job in _data_requests() if job.id == job_id), None)
    if job is None:
        abort(404)
    return Response(
        json.dumps(job.progress.get("export"), indent=2, default=str), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="shopify-data-request-{job.id}.json"'},
    )


def _data_requests(limit: int = 500) -> list[Job]:
    """Shopify's customers/data_request webhooks for this shop, newest first, with the export each produced."""
    found = db.session().scalars(
        select(Job).where(Job.shop_id == g.shop.id, Job.kind == SHOPIFY_WEBHOOK, Job.status == "done")
        .order_by(Job.id.desc()).limit(limit)
    ).all()
    return [job for job in found if (job.progress or {}).get("topic") == "customers/data_request" and job.progress.get("export")]


def _render(settings_errors=None, request_errors=None, values=None):
    settings = g.shop.settings or {}
    current = {
        "consent_mode": "required" if settings.get("consent_required") else "opt_out",
        "retention_days": settings.get("retention_days") or "",
    }
    return render_template(
        "settings/privacy.html", values={**current, **(values or {})},
        settings_errors=settings_errors or {}, request_errors=request_errors or {}, data_requests=_data_requests(),
    )
