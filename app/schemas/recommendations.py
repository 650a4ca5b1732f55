"""Recommendation requests (public) and the merchant's recommendation rules (admin)."""
from __future__ import annotations

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from app.recommender.serving.strategies import STRATEGY_NAMES
from app.schemas.base import EdgeSchema
from app.schemas.fields import ExternalId, RecordId

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
    # A slider rule of the shop whose pins and boosts apply (for sliders a merchant renders themselves).
    rule_id = RecordId(load_default=None)


_Boosts = lambda: fields.Dict(  # noqa: E731
    keys=fields.String(validate=validate.Length(min=1, max=255)),
    values=fields.Float(validate=validate.Range(min=0.01, max=100)),
    load_default=dict,
)
_Names = lambda: fields.List(fields.String(validate=validate.Length(min=1, max=255)), load_default=list)  # noqa: E731
MAX_PINS = 20
PER_SLIDER = "Pins and boosts are set per slider now: give them in the slider rule's content (PUT /admin/api/rules/<id>)."


class _ExcludeSchema(EdgeSchema):
    products = _Names()
    tags = _Names()
    categories = _Names()


class BoostSchema(EdgeSchema):
    """Multipliers of an item's rank weight, by product id, tag or category (several multiply)."""

    products = _Boosts()
    tags = _Boosts()
    categories = _Boosts()


class MerchantRulesSchema(EdgeSchema):
    """The shop-wide rules: what is never recommended. Pins and boosts belong to each slider."""

    exclude = fields.Nested(_ExcludeSchema, load_default=dict)
    # Accepted when empty, so a client that sends the whole former document still works.
    pins = fields.Raw(load_default=None, load_only=True)
    boost = fields.Raw(load_default=None, load_only=True)

    @validates_schema
    def _per_slider(self, data, **kwargs):
        errors = {name: [PER_SLIDER] for name in ("pins", "boost") if _non_empty(data.get(name))}
        if errors:
            raise ValidationError(errors)

    @post_load
    def _exclusions_only(self, data, **kwargs):
        return {"exclude": data["exclude"]}


def _non_empty(value) -> bool:
    if isinstance(value, dict):
        return any(_non_empty(inner) for inner in value.values())
    return bool(value)
