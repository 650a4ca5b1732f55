"""Segments as merchants define them."""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from app.journey.segments import FIELDS, HISTORICAL_FIELDS, OPERATORS

MAX_DAYS_AGO = 3650


class ConditionSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(sorted(FIELDS)))
    op = fields.String(required=True)
    value = fields.Raw(load_default=None, allow_none=True)
    # Optional, for HISTORICAL_FIELDS: the value at a moment (ISO 8601; no zone means UTC) or N days ago.
    as_of = fields.String(validate=validate.Length(max=40))
    days_ago = fields.Integer(validate=validate.Range(min=0, max=MAX_DAYS_AGO), strict=True)

    @validates_schema
    def _looks_back_where_it_can(self, data, **kwargs):
        if "as_of" not in data and "days_ago" not in data:
            return
        if data["field"] not in HISTORICAL_FIELDS:
            raise ValidationError(f"Only {', '.join(HISTORICAL_FIELDS)} can be asked as of a past moment.", "as_of")
        if "as_of" in data and "days_ago" in data:
            raise ValidationError("Give as_of or days_ago, not both.", "as_of")
        if "as_of" in data and _moment(data["as_of"]) is None:
            raise ValidationError("Must be an ISO 8601 date or time, like 2026-11-01 or 2026-11-01T00:00:00+00:00.", "as_of")

    @post_load
    def _as_of_in_utc(self, data, **kwargs):
        """One spelling per moment (aware UTC, seconds), so equal conditions compare equal."""
        if "as_of" in data:
            data["as_of"] = _moment(data["as_of"]).isoformat()
        return data

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


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0)


class SegmentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    match = fields.String(load_default="all", validate=validate.OneOf(("all", "any")))
    conditions = fields.List(fields.Nested(ConditionSchema), required=True, validate=validate.Length(min=1, max=50))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
