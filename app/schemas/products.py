"""Products as merchants send them (admin API, imports)."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, pre_load, validate

from app.schemas.base import EdgeSchema
from app.schemas.fields import CurrencyCode, ExternalId, WebLink

MAX_PRODUCTS_PER_REQUEST = 1000


class ProductSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    external_id = ExternalId(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    url = WebLink(allow_none=True)
    image_url = WebLink(allow_none=True)
    price = fields.Decimal(
        places=2, allow_nan=False, allow_none=True,
        validate=validate.Range(min=0, max=10**9, error="Must be between {min} and {max}."),
    )
    currency = CurrencyCode(allow_none=True)
    vendor = fields.String(validate=validate.Length(max=255), allow_none=True)
    category = fields.String(validate=validate.Length(max=255), allow_none=True)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=250))
    in_stock = fields.Boolean()

    @pre_load
    def _strip_strings(self, data, **kwargs):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return data


class ProductOutSchema(ProductSchema):
    price = fields.Decimal(places=2, as_string=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ProductBatchSchema(EdgeSchema):
    products = fields.List(
        fields.Nested(ProductSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_PRODUCTS_PER_REQUEST),
    )
