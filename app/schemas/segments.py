"""Segments as merchants define them."""
from __future__ import annotations

import math
from datetime import UTC, datetime

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from app.journey.segments import FIELDS, HISTORICAL_FIELDS, OPERATORS
from app.schemas.base import EdgeSchema
from app.schemas.fields import EARLIEST, LATEST

MAX_DAYS_AGO = 3650
MAX_TEXT = 200
MAX_LIST_VALUES = 100
MAX_NUMBER = 10**12  # beyond any spend, count or percentile
MAX_DAYS = 36_500


class ConditionSchema(EdgeSchema):
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
            raise ValidationError("Must be an ISO 8601 date or time between 1970 and 2200, like 2026-11-01 or 2026-11-01T00:00:00+00:00.", "as_of")

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
        problem = _value_problem(kind, op, value)
        if problem:
            raise ValidationError(problem, "value")


def _moment(text: str) -> datetime | None:
    """``text`` as an aware UTC moment to the second, or None when it is not a date between 1970 and 2200."""
    try:
        moment = datetime.fromisoformat(text.strip())
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment.replace(microsecond=0) if EARLIEST <= moment < LATEST else None


def _value_problem(kind: str, op: str, value) -> str | None:
    """What is wrong with a condition's value (None: nothing), so that evaluating it can never fail."""
    if op in ("in", "not_in", "any_of"):
        if not isinstance(value, list) or not value or len(value) > MAX_LIST_VALUES:
            return f"Must be a list of 1 to {MAX_LIST_VALUES} values."
        if not all(_short_text(item) for item in value):
            return f"Each value must be a text of 1 to {MAX_TEXT} characters."
    elif op in ("within_days", "not_within_days"):
        if not _number(value) or not 0 <= value <= MAX_DAYS:
            return f"Must be a number of days from 0 to {MAX_DAYS}."
    elif kind == "number":
        if not _number(value) or abs(value) > MAX_NUMBER:
            return "Must be a number."
    elif op in ("before", "after"):
        if not isinstance(value, str) or not _calendar_time(value):
            return "Must be an ISO 8601 date or time between 1970 and 2200."
    elif not _short_text(value):
        return f"Must be a text of 1 to {MAX_TEXT} characters."
    return None


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _short_text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT


def _calendar_time(text: str) -> bool:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return False
    try:
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return False
    return EARLIEST <= moment < LATEST


class SegmentSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    match = fields.String(load_default="all", validate=validate.OneOf(("all", "any")))
    conditions = fields.List(fields.Nested(ConditionSchema), required=True, validate=validate.Length(min=1, max=50))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
