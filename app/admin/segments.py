"""/admin/api/segments — groups of shoppers by stage and traits, with live counts."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.admin import blueprint
from app.admin.auth import current_shop, shop_required
from app.errors import ApiError
from app.journey.segments import count_matching
from app.models import Segment
from app.clock import utcnow
from app.schemas.segments import SegmentSchema

_schema = SegmentSchema()


@blueprint.get("/segments")
@shop_required
def list_segments():
    segments = db.session().scalars(select(Segment).where(Segment.shop_id == current_shop().id).order_by(Segment.id)).all()
    return jsonify(segments=_schema.dump(segments, many=True))


@blueprint.post("/segments")
@shop_required
def create_segment():
    data = _load(request.get_json(silent=True))
    segment = Segment(shop_id=current_shop().id, **data)
    session = db.session()
    session.add(segment)
    session.commit()
    return jsonify(_schema.dump(segment)), 201


@blueprint.post("/segments/count")
@shop_required
def count_unsaved_segment():
    """The live count for a definition being edited (nothing is saved)."""
    data = _load(request.get_json(silent=True))
    return jsonify(count=count_matching(db.session(), current_shop(), data["match"], data["conditions"], utcnow()))


@blueprint.get("/segments/<int:segment_id>")
@shop_required
def get_segment(segment_id: int):
    segment = _own(segment_id)
    count = count_matching(db.session(), current_shop(), segment.match, segment.conditions, utcnow())
    return jsonify({**_schema.dump(segment), "count": count})


@blueprint.put("/segments/<int:segment_id>")
@shop_required
def replace_segment(segment_id: int):
    segment = _own(segment_id)
    for field, value in _load(request.get_json(silent=True)).items():
        setattr(segment, field, value)
    db.session().commit()
    return jsonify(_schema.dump(segment))


@blueprint.delete("/segments/<int:segment_id>")
@shop_required
def delete_segment(segment_id: int):
    session = db.session()
    session.delete(_own(segment_id))
    session.commit()
    return "", 204


def _load(payload) -> dict:
    if not isinstance(payload, dict):
        raise ApiError(400, "Body must be a JSON object describing the segment.")
    try:
        return _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid segment; nothing was changed.", error.normalized_messages()) from None


def _own(segment_id: int) -> Segment:
    segment = db.session().scalar(select(Segment).where(Segment.id == segment_id, Segment.shop_id == current_shop().id))
    if segment is None:
        raise ApiError(404, "No such segment.")
    return segment
