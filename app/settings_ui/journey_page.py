"""The journey page: shoppers per stage now, and the journey map of a period (flows, stalls, conversion)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import g, render_template, request
from marshmallow import ValidationError, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.clock import utcnow
from app.journey.map import STEPS, journey_map
from app.journey.moves import stage_counts
from app.journey.stages import STAGES, StageThresholds
from app.models import Event, Order
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.journey_view import WORDS, JourneyView, stage_now_link
from app.settings_ui.period import DEFAULT_DAYS, PeriodSchema, day_bounds, resolve_period

DEFAULT_STALL_DAYS = 30


class JourneyQuerySchema(PeriodSchema):
    stall_days = fields.Integer(data_key="stall", load_default=DEFAULT_STALL_DAYS, validate=validate.Range(min=1, max=365),
                                error_messages={"invalid": "Enter a whole number of days."})


@blueprint.get("/journey")
@login_required
def journey():
    session, shop = db.session(), g.shop
    thresholds = StageThresholds.from_settings(shop.settings)
    now = utcnow()
    try:
        query = JourneyQuerySchema().load(request.args.to_dict())
        if query["start"] and query["start"] > now.date():
            raise ValidationError("Must not be in the future.", "from")
    except ValidationError as error:
        return render_template("settings/journey.html", errors=error.normalized_messages(), form=request.args.to_dict(),
                               **_stage_cards(session, shop.id, now, thresholds)), 400
    first_day, last_day = resolve_period(query["start"], query["end"], _default_end(session, shop.id, now.date(), query))
    start, end = day_bounds(first_day, last_day)
    view = JourneyView(journey_map(session, shop.id, start, end, now, query["stall_days"], thresholds))
    wide, narrow = view.diagrams()
    moves = view.map.moves
    return render_template(
        "settings/journey.html", errors={}, view=view, wide=wide, narrow=narrow, moves=moves, then_counts=moves.then_counts(),
        end_counts=moves.now_counts(), rows=[*STAGES, None], steps=STEPS, stall_rows=view.stall_rows(),
        by_traffic=view.conversion_rows("traffic_class"), by_device=view.conversion_rows("device"),
        form={"from": first_day.isoformat(), "to": last_day.isoformat(), "stall": query["stall_days"]},
        shifted=last_day < now.date() and not (query["start"] or query["end"]),
        **_stage_cards(session, shop.id, now, thresholds),
    )


def _stage_cards(session: Session, shop_id: int, now, thresholds: StageThresholds) -> dict:
    now_counts = stage_counts(session, shop_id, now, thresholds)
    return {"stages": STAGES, "labels": WORDS, "now_counts": now_counts, "total": sum(now_counts.values()), "thresholds": thresholds,
            "stage_now_link": stage_now_link}


def _default_end(session: Session, shop_id: int, today: date, query: dict) -> date:
    """Today; but a shop with nothing in the last 30 days (an imported history, say) gets the 30 days up to its latest activity."""
    if query["start"] or query["end"]:
        return today
    latest = max(
        (moment for moment in (
            session.scalar(select(func.max(Event.occurred_at)).where(Event.shop_id == shop_id)),
            session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id)),
        ) if moment is not None),
        default=None,
    )
    if latest is None or latest.date() > today - timedelta(days=DEFAULT_DAYS):
        return today
    return latest.date()
