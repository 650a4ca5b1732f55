"""Field types shared by several schemas."""
from __future__ import annotations

import json
from datetime import UTC

from marshmallow import ValidationError, fields, validate

CurrencyCode = lambda **kw: fields.String(  # noqa: E731 - a field factory reads best inline
    validate=validate.Regexp(r"^[A-Z]{3}$", error="Must be a three-letter ISO 4217 code."), **kw
)


def utc_datetime(**kw) -> fields.AwareDateTime:
    """ISO 8601; a time without an offset is read as UTC."""
    return fields.AwareDateTime(default_timezone=UTC, **kw)


class BoundedDict(fields.Dict):
    """A JSON object whose serialised size is capped, so one event cannot bloat the store."""

    def __init__(self, max_bytes: int, **kw):
        super().__init__(keys=fields.String(), **kw)
        self.max_bytes = max_bytes

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            size = len(json.dumps(result, separators=(",", ":"), default=str))
        except (TypeError, ValueError) as exc:
            raise ValidationError("Must be a JSON object.") from exc
        if size > self.max_bytes:
            raise ValidationError(f"Must be at most {self.max_bytes} bytes as JSON.")
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
