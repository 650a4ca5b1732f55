"""A survey answer as the storefront script posts it (public: everything here is the shopper's word)."""
from __future__ import annotations

from marshmallow import EXCLUDE, ValidationError, fields, validate

from app.schemas.base import EdgeSchema
from app.surveys.vocabulary import MAX_COMMENT_CHARS


class WholeNumber(fields.Integer):
    """A JSON integer: no strings, fractions or booleans (true is not a score of 1)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Must be a whole number.")
        return super()._deserialize(value, attr, data, **kwargs)


class SurveyAnswerSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    rule_id = WholeNumber(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    score = WholeNumber(required=True, validate=validate.Range(min=0, max=10))  # the survey's own scale is checked on storing
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT_CHARS))
    visitor_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    decision_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    variant = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
