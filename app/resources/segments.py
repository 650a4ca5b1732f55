"""Segments: groups of shoppers by stage and traits, which rules target by id."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Rule, Segment
from app.resources import ownership
from app.resources.errors import Conflict, Invalid
from app.schemas.segments import SegmentSchema

FIELDS = ("name", "match", "conditions")
_schema = SegmentSchema()


def listed(session: Session, shop_id: int, *, by_name: bool = False) -> list[Segment]:
    order = Segment.name if by_name else Segment.id
    return list(session.scalars(select(Segment).where(Segment.shop_id == shop_id).order_by(order, Segment.id)))


def own(session: Session, shop_id: int, segment_id: int) -> Segment:
    return ownership.own(session, Segment, shop_id, segment_id, "No such segment.")


def validate(payload: dict) -> dict:
    """The segment the payload describes (every field in FIELDS), or Invalid with field messages."""
    try:
        return _schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid segment; nothing was changed.", error.normalized_messages()) from None


def save(session: Session, shop_id: int, segment: Segment | None, data: dict) -> Segment:
    """Create (``segment`` None) or replace the shop's segment with validated ``data``; the caller commits."""
    if segment is None:
        segment = Segment(shop_id=shop_id)
        session.add(segment)
    for field in FIELDS:
        setattr(segment, field, data[field])
    session.flush()
    return segment


def targeted_by(session: Session, segment: Segment) -> list[str]:
    """Names of the shop's rules that target this segment."""
    rules = session.scalars(select(Rule).where(Rule.shop_id == segment.shop_id).order_by(Rule.id))
    return [rule.name for rule in rules if segment.id in (rule.targeting or {}).get("segments", [])]


def delete(session: Session, segment: Segment) -> None:
    """Delete it, unless a rule still targets it (the rule would silently stop showing to anyone)."""
    using = targeted_by(session, segment)
    if using:
        raise Conflict(f"“{segment.name}” is still targeted by: {', '.join(using)}. Remove it there first.")
    session.delete(segment)
    session.flush()
