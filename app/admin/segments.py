"""/admin/api/segments — groups of shoppers by stage and traits, with live counts."""
from __future__ import annotations

from flask import jsonify

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.clock import utcnow
from app.journey.segments import count_matching
from app.resources import segments
from app.schemas.segments import SegmentSchema

_schema = SegmentSchema()
_DESCRIBING_A_SEGMENT = "a JSON object describing the segment"


@blueprint.get("/segments")
@shop_required
def list_segments():
    return jsonify(segments=_schema.dump(segments.listed(db.session(), current_shop().id), many=True))


@blueprint.post("/segments")
@shop_required
def create_segment():
    session = db.session()
    segment = segments.save(session, current_shop().id, None, segments.validate(json_object(_DESCRIBING_A_SEGMENT)))
    session.commit()
    return jsonify(_schema.dump(segment)), 201


@blueprint.post("/segments/count")
@shop_required
def count_unsaved_segment():
    """The live count for a definition being edited (nothing is saved)."""
    data = segments.validate(json_object(_DESCRIBING_A_SEGMENT))
    return jsonify(count=count_matching(db.session(), current_shop(), data["match"], data["conditions"], utcnow()))


@blueprint.get("/segments/<id:segment_id>")
@shop_required
def get_segment(segment_id: int):
    segment = segments.own(db.session(), current_shop().id, segment_id)
    count = count_matching(db.session(), current_shop(), segment.match, segment.conditions, utcnow())
    return jsonify({**_schema.dump(segment), "count": count})


@blueprint.put("/segments/<id:segment_id>")
@shop_required
def replace_segment(segment_id: int):
    session = db.session()
    segment = segments.own(session, current_shop().id, segment_id)
    segments.save(session, current_shop().id, segment, segments.validate(json_object(_DESCRIBING_A_SEGMENT)))
    session.commit()
    return jsonify(_schema.dump(segment))


@blueprint.delete("/segments/<id:segment_id>")
@shop_required
def delete_segment(segment_id: int):
    """Refused (409) while a rule targets the segment."""
    session = db.session()
    segments.delete(session, segments.own(session, current_shop().id, segment_id))
    session.commit()
    return "", 204
