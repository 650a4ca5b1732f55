from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import UTCDateTime


class Lead(ShopOwned, TimestampMixin, Base):
    """One email per shop that a shopper left in a pop-up, with their latest marketing consent.

    ``consent`` is the consent that counts: with double opt-in on, a "yes" counts only once the
    shopper clicked the confirmation link (until then ``consent_pending_at`` says one is awaited).
    ``consent_at`` is when the consent that counts was given or withdrawn. Every answer is also
    kept in ``lead_consents``, the record of who agreed to what and when.
    """

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_shop_created", "shop_id", "created_at"),
        UniqueConstraint("shop_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # stripped and lower-cased
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consent_pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"))
    visitor_id: Mapped[str | None] = mapped_column(String(64))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    decision_id: Mapped[str | None] = mapped_column(String(64))
    # The unique discount code this lead was given (from Shopify or the shop's code pool).
    discount_code: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LeadConsent(TimestampMixin, Base):
    """One consent answer of a lead, as given: a pop-up submission or a confirmation click."""

    __tablename__ = "lead_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    consent: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))  # "popup", "confirmation", "merged"
    visitor_id: Mapped[str | None] = mapped_column(String(64))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    decision_id: Mapped[str | None] = mapped_column(String(64))


class DiscountCode(ShopOwned, TimestampMixin, Base):
    """A single-use code the merchant uploaded into a named pool; given to one lead at most."""

    __tablename__ = "discount_codes"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        # Drawing the next free code of a pool (a code stays given after its lead is deleted).
        Index("ix_discount_codes_shop_pool_assigned", "shop_id", "pool", "assigned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
