"""Shop settings: the shop-wide holdout (with what it trades off and how long its test needs) and free shipping."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from app import db
from app.clock import utcnow
from app.experiments.sample_size import HoldoutPlan, plan
from app.resources import shop_settings
from app.resources.errors import Invalid
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.rule_form import flat_errors
from app.stats.traffic import recent_traffic

PLANNED_SHARES = (2, 5, 10, 20)
PLANNED_UPLIFTS = (0.05, 0.10, 0.20)


@blueprint.get("/shop")
@login_required
def shop_settings_page():
    return _render()


@blueprint.post("/shop")
@login_required
def shop_settings_save():
    fields = {name: request.form[name] for name in shop_settings.FIELDS if name in request.form}
    try:
        changes = shop_settings.validate(fields)
    except Invalid as error:
        return _render(errors=flat_errors(error.errors), values=fields), 400
    shop_settings.update(db.session(), g.shop, changes)
    db.session().commit()
    flash("Saved.", "info")
    return redirect(url_for("settings_ui.shop_settings_page"))


def duration(days: int | None) -> str:
    if days is None:
        return "—"
    if days > 365:
        return "over a year"
    if days > 60:
        return f"about {round(days / 30)} months"
    if days > 14:
        return f"about {round(days / 7)} weeks"
    return f"{days} day{'' if days == 1 else 's'}"


def share(percent: float) -> str:
    return f"{percent:g}%"


def _render(errors: dict | None = None, values: dict | None = None):
    current = shop_settings.current(g.shop)
    traffic = recent_traffic(db.session(), g.shop.id, utcnow())
    shares = sorted({*PLANNED_SHARES, current["holdout_percent"]} - {0})
    plans: dict[float, list[HoldoutPlan]] = {
        percent: [plan(percent, uplift, traffic.conversion_rate, traffic.visitors_per_day) for uplift in PLANNED_UPLIFTS]
        for percent in shares
    }
    mine = plan(current["holdout_percent"], 0.10, traffic.conversion_rate, traffic.visitors_per_day)
    shown = {name: "" if current[name] is None else f"{current[name]:g}" for name in shop_settings.FIELDS}
    return render_template(
        "settings/shop.html", values={**shown, **(values or {})}, errors=errors or {}, current=current, traffic=traffic,
        plans=plans, uplifts=PLANNED_UPLIFTS, mine=mine, duration=duration, share=share, currency=g.shop.currency or "",
    )
