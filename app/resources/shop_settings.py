"""The shop's settings a merchant edits: the shop-wide holdout, the free-shipping threshold and the shopper texts.

Kept in ``Shop.settings`` beside what other pages own there (consent,
retention, the journey's thresholds...), which this module never touches.
"""
from __future__ import annotations

from decimal import Decimal

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app.experiments.holdout import holdout_percent
from app.models import Shop
from app.resources.errors import Invalid
from app.schemas.shop_settings import ShopSettingsSchema
from app.schemas.texts import merged
from app.texts import SETTINGS_KEY, overrides_of

FIELDS = ("holdout_percent", "free_shipping_threshold")
TEXTS = "texts"  # the merchant's wording per language (app/texts), merged key by key
_schema = ShopSettingsSchema()


def current(shop: Shop) -> dict:
    settings = shop.settings or {}
    threshold = settings.get("free_shipping_threshold")
    return {
        "holdout_percent": holdout_percent(settings),
        "free_shipping_threshold": float(threshold) if threshold is not None else None,
        TEXTS: overrides_of(settings),
    }


def free_shipping_threshold(shop: Shop) -> Decimal | None:
    threshold = (shop.settings or {}).get("free_shipping_threshold")
    return Decimal(str(threshold)) if threshold is not None else None


def validate(payload: dict) -> dict:
    """The fields the payload sets (those left out are not changed), or Invalid with field messages."""
    try:
        return _schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid settings; nothing was changed.", error.normalized_messages()) from None


def update(session: Session, shop: Shop, changes: dict) -> None:
    """Apply validated ``changes``; the caller commits."""
    settings = dict(shop.settings or {})
    for field in FIELDS:
        if field not in changes:
            continue
        value = changes[field]
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        settings[field] = value
    if TEXTS in changes:
        settings[SETTINGS_KEY] = merged(overrides_of(settings), changes[TEXTS])
    shop.settings = settings  # a new dict, so SQLAlchemy sees the JSON column change
    session.flush()
