"""/admin/api/settings — the shop's holdout and free-shipping threshold, with how long the holdout test needs."""
from __future__ import annotations

from flask import jsonify

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.clock import utcnow
from app.experiments.sample_size import plan
from app.resources import shop_settings
from app.stats.traffic import recent_traffic

PLANNED_UPLIFT = 0.10


@blueprint.get("/settings")
@shop_required
def get_settings():
    return jsonify(_answer())


@blueprint.patch("/settings")
@shop_required
def patch_settings():
    changes = shop_settings.validate(json_object('JSON like {"holdout_percent": 10}'))
    session = db.session()
    shop_settings.update(session, current_shop(), changes)
    session.commit()
    return jsonify(_answer())


def _answer() -> dict:
    settings = shop_settings.current(current_shop())
    traffic = recent_traffic(db.session(), current_shop().id, utcnow())
    needed = plan(settings["holdout_percent"], PLANNED_UPLIFT, traffic.conversion_rate, traffic.visitors_per_day)
    return {**settings, "holdout_estimate": {
        "traffic_days": traffic.days, "visitors_per_day": round(traffic.visitors_per_day, 1), "conversion_rate": traffic.conversion_rate,
        "relative_uplift": PLANNED_UPLIFT, "visitors_needed": needed.visitors_needed, "days_needed": needed.days_needed,
    }}
