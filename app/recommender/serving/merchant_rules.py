"""The merchant's say over recommendations: exclusions for the whole shop, pins and boosts per slider."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from marshmallow import ValidationError

from app.schemas.recommendations import BoostSchema, MerchantRulesSchema

_schema = MerchantRulesSchema()
_boost_schema = BoostSchema()


@dataclass
class MerchantRules:
    pins: list[str] = field(default_factory=list)
    exclude_products: set[str] = field(default_factory=set)
    exclude_tags: set[str] = field(default_factory=set)
    exclude_categories: set[str] = field(default_factory=set)
    boost_products: dict[str, float] = field(default_factory=dict)
    boost_tags: dict[str, float] = field(default_factory=dict)
    boost_categories: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: dict | None) -> MerchantRules:
        """The shop's exclusions as stored in its settings (validated on save; anything unreadable means none)."""
        stored = (settings or {}).get("recommendations") or {}
        try:
            exclude = _schema.load({"exclude": stored.get("exclude") or {}})["exclude"]
        except (ValidationError, AttributeError):
            return cls()
        return cls(
            exclude_products=set(exclude.get("products", [])),
            exclude_tags=set(exclude.get("tags", [])),
            exclude_categories=set(exclude.get("categories", [])),
        )

    def for_slider(self, pins: list[str] | None, boost: dict | None) -> MerchantRules:
        """These rules with one slider's pins and boosts (as its rule's content holds them)."""
        if not pins and (not boost or (isinstance(boost, dict) and not any(boost.values()))):
            return self  # most sliders: nothing to add, and no validation to run on every page view
        try:
            boosts = _boost_schema.load(boost or {})
        except ValidationError:
            boosts = {}
        return replace(
            self, pins=[str(pin) for pin in (pins or [])],
            boost_products=dict(boosts.get("products", {})), boost_tags=dict(boosts.get("tags", {})),
            boost_categories=dict(boosts.get("categories", {})),
        )

    def has_boosts(self) -> bool:
        return bool(self.boost_products or self.boost_tags or self.boost_categories)

    def excludes(self, product) -> bool:
        return (
            product.external_id in self.exclude_products
            or (product.category is not None and product.category in self.exclude_categories)
            or bool(self.exclude_tags.intersection(product.tags or ()))
        )

    def boost(self, product) -> float:
        """Multiplier for the product's rank weight (1: no boost); several boosts multiply."""
        factor = self.boost_products.get(product.external_id, 1.0)
        if product.category is not None:
            factor *= self.boost_categories.get(product.category, 1.0)
        for tag in product.tags or ():
            factor *= self.boost_tags.get(tag, 1.0)
        return factor if math.isfinite(factor) and factor > 0 else 1.0
