"""The shop's own settings a merchant edits (admin API and settings UI): the holdout, the free-shipping threshold."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.experiments.holdout import MAX_HOLDOUT_PERCENT
from app.schemas.texts import TextOverrides


class ShopSettingsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # The share of shoppers who see no personalization, to measure the total uplift against.
    holdout_percent = fields.Float(
        allow_nan=False, validate=validate.Range(min=0, max=MAX_HOLDOUT_PERCENT, error=f"Must be from 0 to {MAX_HOLDOUT_PERCENT:g}."),
    )
    # The cart total from which shipping is free (in the shop's currency); empty when the shop has none.
    free_shipping_threshold = fields.Decimal(
        allow_none=True, places=2, allow_nan=False, as_string=False,
        validate=validate.Range(min=0, min_inclusive=False, max=10**9, error="Must be a positive amount."),
    )

    # The merchant's wording for what shoppers read, {language: {key: text}}; null or "" restores the standard text.
    texts = TextOverrides()

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        """A form's empty threshold means "none"; a form's empty holdout means "leave it"."""
        data = dict(data)
        if isinstance(data.get("free_shipping_threshold"), str) and not data["free_shipping_threshold"].strip():
            data["free_shipping_threshold"] = None
        if isinstance(data.get("holdout_percent"), str) and not data["holdout_percent"].strip():
            data.pop("holdout_percent")
        return data
