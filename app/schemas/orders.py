"""Orders as imported from files: one order with its lines."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from app.schemas.base import EdgeSchema
from app.schemas.fields import CurrencyCode, ExternalId, utc_datetime


class OrderLineSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    product_id = ExternalId(required=True)
    quantity = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=10**6))
    price = fields.Decimal(
        required=True, places=2, allow_nan=False, validate=validate.Range(min=0, max=10**9)
    )


class OrderSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    order_id = ExternalId(required=True)
    customer_id = ExternalId(load_default=None, allow_none=True)
    placed_at = utc_datetime(required=True)
    currency = CurrencyCode(load_default=None, allow_none=True)
    total = fields.Decimal(
        places=2, allow_nan=False, load_default=None, allow_none=True,
        validate=validate.Range(min=-(10**11), max=10**11, error="Out of range."),
    )
    country = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Must be a two-letter ISO 3166 country code."),
    )
    lines = fields.List(fields.Nested(OrderLineSchema), required=True, validate=validate.Length(min=1))
