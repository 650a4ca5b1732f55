"""Recommendation requests (public) and the merchant's recommendation rules (admin)."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from app.recommender.serving.strategies import STRATEGY_NAMES
from app.schemas.base import EdgeSchema
from app.schemas.fields import ExternalId

MAX_LIMIT = 50


class RecommendationQuerySchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    strategy = fields.String(load_default="personalized", validate=validate.OneOf(STRATEGY_NAMES))
    visitor_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    product_id = ExternalId(load_default=None)
    category = fields.String(load_default=None, validate=validate.Length(min=1, max=255))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_LIMIT))
    lang = fields.String(load_default=None, validate=validate.Length(max=35))  # the reasons' language (app/texts)


_Boosts = lambda: fields.Dict(  # noqa: E731
    keys=fields.String(validate=validate.Length(min=1, max=255)),
    values=fields.Float(validate=validate.Range(min=0.01, max=100)),
    load_default=dict,
)
_Names = lambda: fields.List(fields.String(validate=validate.Length(min=1, max=255)), load_default=list)  # noqa: E731


class _ExcludeSchema(EdgeSchema):
    products = _Names()
    tags = _Names()
    categories = _Names()


class _BoostSchema(EdgeSchema):
    products = _Boosts()
    tags = _Boosts()
    categories = _Boosts()


class MerchantRulesSchema(EdgeSchema):
    pins = fields.List(ExternalId(), load_default=list, validate=validate.Length(max=MAX_LIMIT))
    exclude = fields.Nested(_ExcludeSchema, load_default=dict)
    boost = fields.Nested(_BoostSchema, load_default=dict)
