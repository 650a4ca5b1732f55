"""Double opt-in: a signed, expiring link in an email; the shopper's "yes" counts once they use it.

The token carries the lead's id and address, signed with the app's secret key (itsdangerous,
which Flask already uses for its sessions), so nothing is stored per email sent and a link
cannot be forged or moved to another address.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.leads.records import confirm_consent
from app.models import Lead, Shop

SALT = "p13n.lead-confirmation"
MAX_AGE_SECONDS = 14 * 24 * 3600
CONFIRM_PATH = "/v1/leads/confirm"


class LinkInvalid(Exception):
    """A link that is not ours, was altered, expired, or names a lead no longer stored."""


@dataclass(frozen=True)
class Confirmed:
    lead: Lead
    newly: bool  # False: it was confirmed already (a second click, a mail scanner)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, lead: Lead) -> str:
    return _serializer(secret_key).dumps({"lead": lead.id, "email": lead.email})


def confirmation_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{CONFIRM_PATH}?{urlencode({'token': token})}"


def lead_for_token(session: Session, secret_key: str, token: str) -> Lead:
    try:
        claims = _serializer(secret_key).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise LinkInvalid("This link has expired. Sign up again in the shop to get a new one.") from None
    except BadSignature:
        raise LinkInvalid("This link is not valid.") from None
    lead = session.get(Lead, claims.get("lead")) if isinstance(claims, dict) else None
    if lead is None or lead.email != claims.get("email"):
        raise LinkInvalid("This link is not valid.")
    return lead


def confirm(session: Session, lead: Lead) -> Confirmed:
    """Count the pending "yes"; the caller commits. A lead that said "no" since is not signed up by an old link."""
    if lead.consent_pending_at is None:
        if lead.consent:
            return Confirmed(lead, newly=False)
        raise LinkInvalid("You unsubscribed after this link was sent, so it no longer signs you up.")
    confirm_consent(session, lead)
    return Confirmed(lead, newly=True)


def email_text(shop: Shop, url: str) -> tuple[str, str]:
    """(subject, body) of the confirmation email."""
    subject = f"Please confirm your subscription to {shop.name}"
    body = (
        f"Hello,\n\nyou (or someone with your address) asked to receive emails from {shop.name}.\n"
        f"To confirm, open this link:\n\n{url}\n\n"
        "If that was not you, ignore this email: without the confirmation you will receive nothing.\n"
    )
    return subject, body
