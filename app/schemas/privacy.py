"""The shop's privacy settings and one-customer requests, as the settings UI takes them."""
from __future__ import annotations

from marshmallow import EXCLUDE, ValidationError, fields, pre_load, validate, validates_schema

from app.schemas.base import EdgeSchema


class PrivacySettingsSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    consent_mode = fields.String(required=True, validate=validate.OneOf(("required", "opt_out")))
    # Empty: keep events until the shop deletes them.
    retention_days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=7, max=3650))

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        data = dict(data)
        if str(data.get("retention_days", "")).strip() == "":
            data["retention_days"] = None
        return data


class CustomerRequestSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    customer_id = fields.String(load_default=None, validate=validate.Length(min=1, max=128))
    email = fields.Email(load_default=None)

    @pre_load
    def _blanks(self, data, **kwargs):
        return {key: value.strip() for key, value in dict(data).items() if isinstance(value, str) and value.strip()}

    @validates_schema
    def _one_of(self, data, **kwargs):
        if not data.get("customer_id") and not data.get("email"):
            raise ValidationError("Give the customer's id or their email address.", "customer_id")
