"""One lead per shop and email: each answer is recorded, the latest one sets the consent that counts."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import insert_ignoring_conflicts
from app.models import Lead, LeadConsent


@dataclass(frozen=True)
class Answer:
    """What a shopper sent from a pop-up."""

    email: str
    consent: bool
    visitor_id: str | None = None
    profile_id: int | None = None
    rule_id: int | None = None
    decision_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    lead: Lead
    created: bool
    # Double opt-in: a "yes" that counts only after the shopper clicks the link we must now send.
    needs_confirmation: bool


def normalize_email(email: str) -> str:
    return email.strip().lower()


def record_answer(session: Session, shop_id: int, answer: Answer, double_opt_in: bool) -> Recorded:
    """Create or update the shop's lead for this address and log the answer; the caller commits.

    Safe against two submissions of one address at once: the row is inserted if missing (a
    concurrent insert is ignored), then locked while this answer is applied.
    """
    now = utcnow()
    email = normalize_email(answer.email)
    inserted = session.execute(
        insert_ignoring_conflicts(session, Lead, ["shop_id", "email"])
        .values(shop_id=shop_id, email=email, consent=False, consent_at=now, created_at=now, updated_at=now)
        .returning(Lead.__table__.c.id)
    ).scalar()
    lead = session.scalars(
        select(Lead).where(Lead.shop_id == shop_id, Lead.email == email).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    session.add(LeadConsent(lead_id=lead.id, consent=answer.consent, source="popup", visitor_id=answer.visitor_id,
                            rule_id=answer.rule_id, decision_id=answer.decision_id, created_at=now))
    for field in ("visitor_id", "profile_id", "rule_id", "decision_id"):
        if getattr(answer, field) is not None:
            setattr(lead, field, getattr(answer, field))
    needs_confirmation = False
    if not answer.consent:
        lead.consent, lead.consent_at, lead.consent_pending_at = False, now, None
    elif lead.consent or not double_opt_in:
        # Without double opt-in a "yes" counts at once; a confirmed "yes" stays, renewed now.
        lead.consent, lead.consent_at, lead.consent_pending_at = True, now, None
    else:
        lead.consent_pending_at = now
        needs_confirmation = True
    lead.updated_at = now
    session.flush()
    return Recorded(lead=lead, created=inserted is not None, needs_confirmation=needs_confirmation)


def confirm_consent(session: Session, lead: Lead) -> None:
    """The shopper clicked the confirmation link: their pending "yes" counts from now."""
    now = utcnow()
    lead.consent, lead.consent_at, lead.consent_pending_at, lead.confirmed_at, lead.updated_at = True, now, None, now, now
    session.add(LeadConsent(lead_id=lead.id, consent=True, source="confirmation", created_at=now))
    session.flush()


def describe(lead: Lead) -> dict:
    """A lead as the merchant's tools receive it (the outgoing webhook, the admin API)."""
    return {
        "id": lead.id,
        "email": lead.email,
        "consent": lead.consent,
        "consent_at": _iso(lead.consent_at),
        "consent_pending": lead.consent_pending_at is not None,
        "confirmed_at": _iso(lead.confirmed_at),
        "created_at": _iso(lead.created_at),
        "rule_id": lead.rule_id,
        "discount_code": lead.discount_code,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
