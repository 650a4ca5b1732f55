"""The decision request (public) and leads from pop-ups."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, pre_load, validate

from app.ingest.traffic import DEVICES
from app.schemas.base import EdgeSchema
from app.schemas.fields import ExternalId, PageUrl, RecordId

MAX_CART_ITEMS = 100


class DecideQuerySchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    visitor_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    url = PageUrl(load_default=None)
    product_id = ExternalId(load_default=None)
    cart = fields.List(ExternalId(), load_default=list, validate=validate.Length(max=MAX_CART_ITEMS))
    device = fields.String(load_default=None, validate=validate.OneOf(DEVICES))
    preview = fields.String(load_default=None, validate=validate.Length(max=500))
    lang = fields.String(load_default=None, validate=validate.Length(max=35))  # the page's <html lang> (app/texts)

    @pre_load
    def _split_cart(self, data, **kwargs):
        data = dict(data)
        cart = data.get("cart")
        if isinstance(cart, str):
            data["cart"] = [item for item in cart.split(",") if item]
        return data


class LeadSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    consent = fields.Boolean(required=True)
    visitor_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    rule_id = RecordId(load_default=None, allow_none=True)
    decision_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    lang = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=35))  # the page's <html lang> (app/texts)


