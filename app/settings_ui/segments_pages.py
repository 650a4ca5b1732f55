"""The segments editor, with a live count of matching profiles while the merchant types."""
from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.journey.segments import FIELDS, OPERATORS, count_matching
from app.models import Rule, Segment
from app.clock import utcnow
from app.schemas.segments import SegmentSchema
from app.settings_ui import blueprint
from app.settings_ui.auth import login_required
from app.settings_ui.segment_form import MAX_CONDITIONS, OPERATOR_LABELS, condition_errors, segment_payload, segment_values

_schema = SegmentSchema()


@blueprint.get("/segments")
@login_required
def segments():
    session = db.session()
    found = session.scalars(select(Segment).where(Segment.shop_id == g.shop.id).order_by(Segment.name)).all()
    now = utcnow()
    counts = {segment.id: count_matching(session, g.shop, segment.match, segment.conditions, now) for segment in found}
    return render_template("settings/segments.html", segments=found, counts=counts)


@blueprint.route("/segments/new", methods=["GET", "POST"])
@login_required
def segment_new():
    if request.method == "POST":
        return _save(None)
    return _render(None, {"match": "all", "conditions.0.field": "stage", "conditions.0.op": "eq", "conditions.0.value": "new_visitor"})


@blueprint.route("/segments/<int:segment_id>", methods=["GET", "POST"])
@login_required
def segment_edit(segment_id: int):
    segment = _own(segment_id)
    if request.method == "POST":
        return _save(segment)
    return _render(segment, segment_values(_schema.dump(segment)))


@blueprint.post("/segments/count")
@login_required
def segment_count():
    """The live count for the form as it stands (nothing is saved)."""
    try:
        data = _schema.load(segment_payload(request.form) | {"name": "count"})
    except ValidationError as error:
        return jsonify(count=None, errors=condition_errors(error.messages)), 400
    return jsonify(count=count_matching(db.session(), g.shop, data["match"], data["conditions"], utcnow()), errors={})


@blueprint.post("/segments/<int:segment_id>/delete")
@login_required
def segment_delete(segment_id: int):
    segment = _own(segment_id)
    session = db.session()
    users = session.scalars(select(Rule).where(Rule.shop_id == g.shop.id)).all()
    using = [rule.name for rule in users if segment.id in (rule.targeting or {}).get("segments", [])]
    if using:
        flash(f"“{segment.name}” is still targeted by: {', '.join(using)}. Remove it there first.", "error")
        return redirect(url_for("settings_ui.segment_edit", segment_id=segment.id))
    session.delete(segment)
    session.commit()
    flash(f"Deleted “{segment.name}”.", "info")
    return redirect(url_for("settings_ui.segments"))


def _save(segment: Segment | None):
    try:
        data = _schema.load(segment_payload(request.form))
    except ValidationError as error:
        return _render(segment, dict(request.form.items()), condition_errors(error.messages)), 400
    session = db.session()
    if segment is None:
        segment = Segment(shop_id=g.shop.id)
        session.add(segment)
    for field, value in data.items():
        setattr(segment, field, value)
    session.commit()
    flash(f"Saved “{segment.name}”.", "info")
    return redirect(url_for("settings_ui.segment_edit", segment_id=segment.id))


def _render(segment: Segment | None, values: dict, errors: dict | None = None):
    count = None
    if segment is not None and not errors:
        count = count_matching(db.session(), g.shop, segment.match, segment.conditions, utcnow())
    return render_template(
        "settings/segment_edit.html", segment=segment, values=values, errors=errors or {}, count=count,
        fields=sorted(FIELDS), operators=sorted({op for ops in OPERATORS.values() for op in ops}, key=list(OPERATOR_LABELS).index),
        operator_labels=OPERATOR_LABELS, max_conditions=MAX_CONDITIONS,
    )


def _own(segment_id: int) -> Segment:
    segment = db.session().scalar(select(Segment).where(Segment.id == segment_id, Segment.shop_id == g.shop.id))
    if segment is None:
        abort(404)
    return segment
