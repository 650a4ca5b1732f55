"""The shop's recommendation rules: exclusions, what is never recommended anywhere.

Stored in the shop's settings under ``recommendations``, where
app/recommender/serving/merchant_rules.py reads them when it serves. Pins
and boosts belong to each slider (its rule's content: app/resources/rules.py).
"""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app.models import Shop
from app.resources.errors import Invalid
from app.schemas.recommendations import MerchantRulesSchema

_schema = MerchantRulesSchema()


def current(shop: Shop) -> dict:
    """The stored rules with every default filled in."""
    return _schema.load((shop.settings or {}).get("recommendations") or {})


def validate(payload: dict) -> dict:
    try:
        return _schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid rules; nothing was changed.", error.normalized_messages()) from None


def replace(session: Session, shop: Shop, rules: dict) -> None:
    """Make validated ``rules`` the shop's; the caller commits."""
    # A new dict, so SQLAlchemy sees the JSON column change.
    shop.settings = {**(shop.settings or {}), "recommendations": rules}
    session.flush()
