"""A period of calendar days (UTC) chosen in a page's form: the dashboard's and the journey map's."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

DEFAULT_DAYS = 30
MAX_DAYS = 366


class PeriodSchema(Schema):
    """``from`` and ``to`` as calendar days (UTC), both included."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(data_key="from", load_default=None, error_messages={"invalid": "Enter a date as YYYY-MM-DD."})
    end = fields.Date(data_key="to", load_default=None, error_messages={"invalid": "Enter a date as YYYY-MM-DD."})

    @validates_schema
    def _sane_period(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("Must not be after the end date.", "from")
        if start and end and (end - start).days + 1 > MAX_DAYS:
            raise ValidationError(f"The period can be at most {MAX_DAYS} days.", "to")


def resolve_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Fill in what was left out: by default the last 30 days up to today."""
    end = end or (start + timedelta(days=DEFAULT_DAYS - 1) if start else today)
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    return start, end


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in UTC."""
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)
