"""Field types shared by several schemas, each bounded to what the rest of the system can hold."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from marshmallow import ValidationError, fields, validate

from app.catalog.links import is_web_link
from app.models.types import MAX_RECORD_ID
from app.schemas.json_values import MAX_DEPTH, nesting_exceeds

CurrencyCode = lambda **kw: fields.String(  # noqa: E731 - a field factory reads best inline
    validate=validate.Regexp(r"^[A-Z]{3}$", error="Must be a three-letter ISO 4217 code."), **kw
)

# Times any clock we hear from can tell, even one years off; far enough inside
# datetime's own range that correcting a skew or adding a window never overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 between 1970 and 2200, read as UTC when it has no offset and kept in UTC.

    Dumps a stored ISO string as well as a datetime: JSON columns (a rule's
    schedule) hold the string.
    """

    default_error_messages = {"range": "Must be a time between 1970 and 2200."}

    def __init__(self, **kw):
        super().__init__(default_timezone=UTC, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        in_utc = utc_in_range(super()._deserialize(value, attr, data, **kwargs))
        if in_utc is None:
            raise self.make_error("range")
        return in_utc

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
            value = value.astimezone(UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def utc_in_range(moment: datetime) -> datetime | None:
    """``moment`` in UTC (read as UTC when it has no offset) if between EARLIEST and LATEST, else None."""
    try:
        in_utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the calendar starts
        return None
    return in_utc if EARLIEST <= in_utc < LATEST else None


def utc_datetime(**kw) -> UtcDateTime:
    """ISO 8601; a time without an offset is read as UTC."""
    return UtcDateTime(**kw)


class RecordId(fields.Integer):
    """The id of one of our records: a whole number an id column can hold (never a number the database refuses)."""

    def __init__(self, **kw):
        kw.setdefault("validate", validate.Range(min=1, max=MAX_RECORD_ID, error="Not a valid id."))
        super().__init__(strict=False, **kw)


class BoundedDict(fields.Dict):
    """A JSON object whose nesting and serialised size are capped, so one event cannot bloat the store."""

    def __init__(self, max_bytes: int, max_depth: int = MAX_DEPTH, **kw):
        super().__init__(keys=fields.String(), **kw)
        self.max_bytes, self.max_depth = max_bytes, max_depth

    def _deserialize(self, value, attr, data, **kwargs):
        if nesting_exceeds(value, self.max_depth):
            raise ValidationError(f"Must not be nested deeper than {self.max_depth} levels.")
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            size = len(json.dumps(result, separators=(",", ":"), default=str))
        except (TypeError, ValueError) as exc:
            raise ValidationError("Must be a JSON object.") from exc
        if size > self.max_bytes:
            raise ValidationError(f"Must be at most {self.max_bytes} bytes as JSON.")
        return result


class CustomerTraits(fields.Dict):
    """Up to 20 flat traits (``{"first_name": "Ann"}``): short names, and text, number, true/false or null values."""

    MAX_TRAITS = 20

    def __init__(self, **kw):
        super().__init__(keys=fields.String(validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", error=(
            "Trait names are letters, digits and _ (at most 64)."))), **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if len(result) > self.MAX_TRAITS:
            raise ValidationError(f"At most {self.MAX_TRAITS} traits.")
        for name, trait in result.items():
            if isinstance(trait, str) and len(trait) > 255:
                raise ValidationError(f"{name}: at most 255 characters.")
            if isinstance(trait, (list, dict)) or (isinstance(trait, float) and trait != trait):  # nested, or NaN
                raise ValidationError(f"{name}: must be text, a number, true/false or null.")
            if isinstance(trait, (int, float)) and not isinstance(trait, bool) and abs(trait) > 1e15:
                raise ValidationError(f"{name}: out of range.")
        return result


class ExternalId(fields.String):
    """An id from the merchant's world: a string, though numbers are accepted and kept as text."""

    def __init__(self, **kw):
        kw.setdefault("validate", validate.Length(min=1, max=128))
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class PageUrl(fields.String):
    """A URL a page reported (its own, its referrer): at most 2 KB, and one we can parse."""

    default_error_messages = {"unparseable": "Not a valid URL."}

    def __init__(self, **kw):
        kw.setdefault("validate", validate.Length(max=2048))
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            urlsplit(text).hostname  # noqa: B018 - parsing is the check (an unclosed "[" raises)
        except ValueError:
            raise self.make_error("unparseable") from None
        return text


class WebLink(fields.String):
    """A product link or image: http(s) or relative, never another scheme (see app/catalog/links.py)."""

    default_error_messages = {"scheme": "Must be an http(s) URL or a relative one."}

    def __init__(self, **kw):
        kw.setdefault("validate", validate.Length(max=2048))
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not is_web_link(text):
            raise self.make_error("scheme")
        return text
