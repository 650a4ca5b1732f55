"""A shop's lead settings: double opt-in, and the webhook that sends each lead to the merchant's email tool.

Kept in ``shop.settings["leads"]``. The webhook secret signs every delivery (HMAC-SHA256), so it
must be readable again: it is stored sealed (app/leads/sealing.py) under the server's secret key,
and write-only here: the API and the UI show whether one is set and its last four characters.
"""
from __future__ import annotations

import secrets

from marshmallow import ValidationError
from sqlalchemy.orm.attributes import flag_modified

from app.leads.sealing import seal, unseal
from app.models import Shop
from app.resources.errors import Invalid
from app.schemas.leads import LeadSettingsSchema

KEY = "leads"
NO_MAIL = ("Double opt-in sends a confirmation email, and no email sender is configured: set SMTP_HOST "
           "(or MAIL_WEBHOOK_URL) on the server first (docs/leads.md).")
_schema = LeadSettingsSchema()


def stored(shop: Shop) -> dict:
    return dict((shop.settings or {}).get(KEY) or {})


def double_opt_in(shop: Shop) -> bool:
    return bool(stored(shop).get("double_opt_in"))


def has_webhook(shop: Shop) -> bool:
    current = stored(shop)
    return bool(current.get("webhook_url") and current.get("webhook_secret_sealed"))


def webhook(shop: Shop, secret_key: str) -> tuple[str, str] | None:
    """(url, secret) when the shop set a webhook, else None; raises sealing.Unreadable after a key change."""
    if not has_webhook(shop):
        return None
    current = stored(shop)
    return current["webhook_url"], unseal(secret_key, current["webhook_secret_sealed"])


def shown(shop: Shop) -> dict:
    """The settings as the API and the UI show them: the secret only as a hint."""
    current = stored(shop)
    return {
        "double_opt_in": bool(current.get("double_opt_in")),
        "webhook_url": current.get("webhook_url") or "",
        "webhook_secret_set": bool(current.get("webhook_secret_sealed")),
        "webhook_secret_hint": current.get("webhook_secret_hint") or "",
    }


def validate(payload: dict, can_send_mail: bool) -> dict:
    """The changes the payload asks for, or Invalid. Double opt-in needs an email sender (app/leads/mail.py)."""
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid lead settings; nothing was changed.", error.normalized_messages()) from None
    if data.get("double_opt_in") and not can_send_mail:
        raise Invalid("Invalid lead settings; nothing was changed.", {"double_opt_in": [NO_MAIL]})
    return data


def save(shop: Shop, data: dict, secret_key: str) -> str | None:
    """Apply validated changes; the caller commits. Returns a newly generated secret (shown once), if any.

    A webhook URL without a secret gets a generated one, so no delivery ever goes out unsigned.
    """
    current = stored(shop)
    generated = None
    for field in ("double_opt_in", "webhook_url"):
        if field in data:
            current[field] = data[field]
    if data.get("webhook_secret"):
        _set_secret(current, data["webhook_secret"], secret_key)
    if current.get("webhook_url") and not current.get("webhook_secret_sealed"):
        generated = _set_secret(current, _new_secret(), secret_key)
    _store(shop, current)
    return generated


def new_secret(shop: Shop, secret_key: str) -> str:
    """Replace the webhook secret with a generated one (shown once); the caller commits."""
    current = stored(shop)
    secret = _set_secret(current, _new_secret(), secret_key)
    _store(shop, current)
    return secret


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _set_secret(current: dict, secret: str, secret_key: str) -> str:
    current["webhook_secret_sealed"] = seal(secret_key, secret)
    current["webhook_secret_hint"] = "…" + secret[-4:]
    current.pop("webhook_secret", None)
    return secret


def _store(shop: Shop, current: dict) -> None:
    shop.settings = {**(shop.settings or {}), KEY: current}
    flag_modified(shop, "settings")
