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
from app.texts import texts_for

SALT = "p13n.lead-confirmation"
MAX_AGE_SECONDS = 14 * 24 * 3600
CONFIRM_PATH = "/v1/leads/confirm"


class LinkInvalid(Exception):
    """A link that is not ours, was altered, expired, or names a lead no longer stored; its message is a catalog key (app/texts)."""


@dataclass(frozen=True)
class Confirmed:
    lead: Lead
    newly: bool  # False: it was confirmed already (a second click, a mail scanner)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, lead: Lead) -> str:
    return _serializer(secret_key).dumps({"lead": lead.id, "email": lead.email})


def confirmation_url(base_url: str, token: str, lang: str | None = None) -> str:
    """The link; ``lang`` (the sign-up page's language) makes the confirmation page speak it too."""
    return f"{base_url.rstrip('/')}{CONFIRM_PATH}?{urlencode({'token': token, **({'lang': lang} if lang else {})})}"


def lead_for_token(session: Session, secret_key: str, token: str) -> Lead:
    try:
        claims = _serializer(secret_key).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise LinkInvalid("confirm.expired") from None
    except BadSignature:
        raise LinkInvalid("confirm.invalid") from None
    lead = session.get(Lead, claims.get("lead")) if isinstance(claims, dict) else None
    if lead is None or lead.email != claims.get("email"):
        raise LinkInvalid("confirm.invalid")
    return lead


def confirm(session: Session, lead: Lead) -> Confirmed:
    """Count the pending "yes"; the caller commits. A lead that said "no" since is not signed up by an old link."""
    if lead.consent_pending_at is None:
        if lead.consent:
            return Confirmed(lead, newly=False)
        raise LinkInvalid("confirm.unsubscribed")
    confirm_consent(session, lead)
    return Confirmed(lead, newly=True)


def email_text(shop: Shop, url: str, lang: str | None = None) -> tuple[str, str]:
    """(subject, body) of the confirmation email, in the language of the page the shopper signed up on (else the shop's)."""
    texts = texts_for(shop, lang)
    return texts("confirm.email_subject", shop=shop.name), texts("confirm.email_body", shop=shop.name, url=url)
