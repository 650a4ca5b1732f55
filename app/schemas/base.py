"""The base of every schema at an edge: text no database can store and runaway nesting are field errors."""
from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, ValidationError, pre_load

from app.schemas.json_values import unstorable_text


class EdgeSchema(Schema):
    """A schema for input from outside (HTTP bodies and queries, form posts, imported files).

    Before any field reads its value, each value is checked for U+0000 or lone
    surrogates (PostgreSQL refuses the first, UTF-8 cannot encode the second)
    and for nesting past MAX_DEPTH, so both end as a 400 naming the field
    rather than a 500 at the database or a RecursionError further on.
    """

    # Fields whose items another schema checks one by one (a batch's events), so
    # that one bad item is refused alone instead of failing the whole envelope.
    checked_item_by_item: tuple[str, ...] = ()

    @pre_load
    def _refuse_unstorable_values(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data
        errors: dict = {}
        for key, value in data.items():
            if key in self.checked_item_by_item:
                continue
            if unstorable_text(key):
                errors["_schema"] = ["A field name contains the character U+0000 or an unpaired surrogate."]
                continue
            problem = unstorable_text(value)
            if problem:
                errors[key] = [problem]
        if errors:
            raise ValidationError(errors)
        return data
