"""The segments editor, with a live count of matching profiles while the merchant types."""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for

from app import db
from app.clock import utcnow
from app.journey.segments import FIELDS, OPERATORS, count_matching
from app.models import Segment
from app.resources import segments
from app.resources.errors import Conflict, Invalid
from app.schemas.segments import SegmentSchema
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.segment_form import MAX_CONDITIONS, OPERATOR_LABELS, condition_errors, segment_payload, segment_values

_schema = SegmentSchema()


@blueprint.get("/segments", endpoint="segments")
@login_required
def segments_list():
    session = db.session()
    found = segments.listed(session, g.shop.id, by_name=True)
    now = utcnow()
    counts = {segment.id: count_matching(session, g.shop, segment.match, segment.conditions, now) for segment in found}
    return render_template("settings/segments.html", segments=found, counts=counts)


@blueprint.route("/segments/new", methods=["GET", "POST"])
@login_required
def segment_new():
    """A blank editor; or, from a link carrying conditions (the journey map's counts), the segment they describe."""
    if request.method == "POST":
        return _save(None)
    if any(name.startswith("conditions.") for name in request.args):
        return _from_link()
    return _render(None, {"match": "all", "conditions.0.field": "stage", "conditions.0.op": "eq", "conditions.0.value": "new_visitor"})


def _from_link():
    """Open the shop's segment with these conditions, or show them unsaved with their live count."""
    try:
        data = segments.validate(segment_payload(request.args) | {"name": request.args.get("name") or "From a link"})
    except Invalid as error:
        return _render(None, dict(request.args.items()), condition_errors(error.errors)), 400
    same = segments.find_same(db.session(), g.shop.id, data)
    if same is not None:
        return redirect(url_for("settings_ui.segment_edit", segment_id=same.id))
    count = count_matching(db.session(), g.shop, data["match"], data["conditions"], utcnow())
    return _render(None, segment_values(data), count=count, unsaved=True)


@blueprint.route("/segments/<id:segment_id>", methods=["GET", "POST"])
@login_required
def segment_edit(segment_id: int):
    segment = segments.own(db.session(), g.shop.id, segment_id)
    if request.method == "POST":
        return _save(segment)
    return _render(segment, segment_values(_schema.dump(segment)))


@blueprint.post("/segments/count")
@login_required
def segment_count():
    """The live count for the form as it stands (nothing is saved)."""
    try:
        data = segments.validate(segment_payload(request.form) | {"name": "count"})
    except Invalid as error:
        return jsonify(count=None, errors=condition_errors(error.errors)), 400
    return jsonify(count=count_matching(db.session(), g.shop, data["match"], data["conditions"], utcnow()), errors={})


@blueprint.post("/segments/<id:segment_id>/delete")
@login_required
def segment_delete(segment_id: int):
    session = db.session()
    segment = segments.own(session, g.shop.id, segment_id)
    try:
        segments.delete(session, segment)
    except Conflict as refused:
        flash(refused.message, "error")
        return redirect(url_for("settings_ui.segment_edit", segment_id=segment.id))
    session.commit()
    flash(f"Deleted “{segment.name}”.", "info")
    return redirect(url_for("settings_ui.segments"))


def _save(segment: Segment | None):
    try:
        data = segments.validate(segment_payload(request.form))
    except Invalid as error:
        return _render(segment, dict(request.form.items()), condition_errors(error.errors)), 400
    session = db.session()
    segment = segments.save(session, g.shop.id, segment, data)
    session.commit()
    flash(f"Saved “{segment.name}”.", "info")
    return redirect(url_for("settings_ui.segment_edit", segment_id=segment.id))


def _render(segment: Segment | None, values: dict, errors: dict | None = None, count: int | None = None, unsaved: bool = False):
    if segment is not None and not errors:
        count = count_matching(db.session(), g.shop, segment.match, segment.conditions, utcnow())
    return render_template(
        "settings/segment_edit.html", segment=segment, values=values, errors=errors or {}, count=count,
        fields=sorted(FIELDS), operators=sorted({op for ops in OPERATORS.values() for op in ops}, key=list(OPERATOR_LABELS).index),
        operator_labels=OPERATOR_LABELS, max_conditions=MAX_CONDITIONS, unsaved=unsaved,
    )
