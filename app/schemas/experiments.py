"""Experiments and stats queries as the admin API takes them."""
from __future__ import annotations

from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from app.schemas.base import EdgeSchema
from app.schemas.fields import RecordId, utc_datetime


class VariantSchema(EdgeSchema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$", error="Letters, digits, - and _ only."))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=1000))
    content = fields.Dict(load_default=dict)  # overrides of the rule's content


class ExperimentSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(dump_only=True)
    rule_id = RecordId(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="running", validate=validate.OneOf(("running", "stopped")))
    variants = fields.List(fields.Nested(VariantSchema), required=True, validate=validate.Length(min=1, max=10))
    holdout = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=0.9))
    created_at = fields.DateTime(dump_only=True)

    @validates_schema(skip_on_field_errors=False)  # report variant problems together with field errors
    def _variants(self, data, **kwargs):
        variants = [variant for variant in data.get("variants", []) if isinstance(variant, dict)]
        if len(variants) != len(data.get("variants", [])) or any("name" not in v or "weight" not in v for v in variants):
            return  # a variant already failed its own field checks; those messages say what is wrong
        names = [variant["name"] for variant in variants]
        if len(names) != len(set(names)) or "holdout" in names:
            raise ValidationError("Variant names must be unique and not 'holdout'.", "variants")
        if names and not any(variant["weight"] > 0 for variant in data["variants"]):
            raise ValidationError("At least one variant needs a weight above 0.", "variants")


class StatsQuerySchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    start = utc_datetime(data_key="from", load_default=None)
    end = utc_datetime(data_key="to", load_default=None)
    rule = RecordId(load_default=None)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("Must be after from.", "to")
