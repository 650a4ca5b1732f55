"""Segments as merchants define them."""
from __future__ import annotations

from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from app.journey.segments import FIELDS, OPERATORS


class ConditionSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(sorted(FIELDS)))
    op = fields.String(required=True)
    value = fields.Raw(load_default=None, allow_none=True)

    @validates_schema
    def _op_fits_field(self, data, **kwargs):
        kind = FIELDS[data["field"]]
        op, value = data["op"], data.get("value")
        if op not in OPERATORS[kind]:
            raise ValidationError(f"For a {kind} field use one of: {', '.join(sorted(OPERATORS[kind]))}.", "op")
        if op in ("is_set", "is_not_set"):
            return
        if op in ("in", "not_in", "any_of"):
            if not isinstance(value, list) or not value:
                raise ValidationError("Must be a non-empty list.", "value")
        elif kind == "number" or op in ("within_days", "not_within_days"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValidationError("Must be a number.", "value")
        elif op in ("before", "after"):
            try:
                datetime.fromisoformat(str(value))
            except ValueError:
                raise ValidationError("Must be an ISO 8601 date or time.", "value") from None
        elif not isinstance(value, str) or not value:
            raise ValidationError("Must be a non-empty string.", "value")


class SegmentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    match = fields.String(load_default="all", validate=validate.OneOf(("all", "any")))
    conditions = fields.List(fields.Nested(ConditionSchema), required=True, validate=validate.Length(min=1, max=50))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
