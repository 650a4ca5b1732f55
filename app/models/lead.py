from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin


class Lead(ShopOwned, TimestampMixin, Base):
    """An email a shopper left in a pop-up, with whether they agreed to marketing."""

    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_shop_created", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    consent: Mapped[bool] = mapped_column(Boolean)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"))
    visitor_id: Mapped[str | None] = mapped_column(String(64))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    decision_id: Mapped[str | None] = mapped_column(String(64))
