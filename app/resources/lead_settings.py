"""A shop's lead settings: double opt-in, and the webhook that sends each lead to the merchant's email tool.

Kept in ``shop.settings["leads"]``. The webhook secret signs every delivery (HMAC-SHA256); it is
write-only here: the API and the UI show whether one is set and its last four characters.
"""
from __future__ import annotations

import secrets

from marshmallow import ValidationError
from sqlalchemy.orm.attributes import flag_modified

from app.models import Shop
from app.resources.errors import Invalid
from app.schemas.leads import LeadSettingsSchema

KEY = "leads"
_schema = LeadSettingsSchema()


def stored(shop: Shop) -> dict:
    return dict((shop.settings or {}).get(KEY) or {})


def double_opt_in(shop: Shop) -> bool:
    return bool(stored(shop).get("double_opt_in"))


def webhook(shop: Shop) -> tuple[str, str] | None:
    """(url, secret) when the shop set a webhook, else None."""
    current = stored(shop)
    if current.get("webhook_url") and current.get("webhook_secret"):
        return current["webhook_url"], current["webhook_secret"]
    return None


def shown(shop: Shop) -> dict:
    """The settings as the API and the UI show them: the secret only as a hint."""
    current = stored(shop)
    secret = current.get("webhook_secret") or ""
    return {
        "double_opt_in": bool(current.get("double_opt_in")),
        "webhook_url": current.get("webhook_url") or "",
        "webhook_secret_set": bool(secret),
        "webhook_secret_hint": ("…" + secret[-4:]) if secret else "",
    }


NO_MAIL = ("Double opt-in sends a confirmation email, and no email sender is configured: set SMTP_HOST "
           "(or MAIL_WEBHOOK_URL) on the server first (docs/leads.md).")


def validate(payload: dict, can_send_mail: bool) -> dict:
    """The changes the payload asks for, or Invalid. Double opt-in needs an email sender (app/leads/mail.py)."""
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid lead settings; nothing was changed.", error.normalized_messages()) from None
    if data.get("double_opt_in") and not can_send_mail:
        raise Invalid("Invalid lead settings; nothing was changed.", {"double_opt_in": [NO_MAIL]})
    return data


def save(shop: Shop, data: dict) -> str | None:
    """Apply validated changes; the caller commits. Returns a newly generated secret (shown once), if any.

    A webhook URL without a secret gets a generated one, so no delivery ever goes out unsigned.
    """
    current = stored(shop)
    generated = None
    for field in ("double_opt_in", "webhook_url", "webhook_secret"):
        if field in data:
            current[field] = data[field]
    if current.get("webhook_url") and not current.get("webhook_secret"):
        generated = current["webhook_secret"] = "whsec_" + secrets.token_urlsafe(32)
    shop.settings = {**(shop.settings or {}), KEY: current}
    flag_modified(shop, "settings")
    return generated


def new_secret(shop: Shop) -> str:
    """Replace the webhook secret with a generated one (shown once); the caller commits."""
    current = stored(shop)
    current["webhook_secret"] = "whsec_" + secrets.token_urlsafe(32)
    shop.settings = {**(shop.settings or {}), KEY: current}
    flag_modified(shop, "settings")
    return current["webhook_secret"]
