from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import UTCDateTime

RULE_KINDS = ("block", "popup", "slider")


class Rule(ShopOwned, TimestampMixin, Base):
    """One widget the merchant configured: what it shows, where, to whom, how often.

    ``content`` depends on the kind (block: sanitized ``html``; popup:
    headline, body, coupon...; slider: title, strategy, limit); ``targeting``
    and ``frequency`` are documented in app/schemas/rules.py, which validates
    all three on the way in.
    """

    __tablename__ = "rules"
    __table_args__ = (Index("ix_rules_shop_kind", "shop_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    slot: Mapped[str | None] = mapped_column(String(100))
    selector: Mapped[str | None] = mapped_column(String(500))
    # How the widget goes at its slot or selector (app/decisions/vocabulary.py); only "replace" removes anything.
    mode: Mapped[str] = mapped_column(String(16), default="append")
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    targeting: Mapped[dict] = mapped_column(JSON, default=dict)
    frequency: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RuleDraft(ShopOwned, TimestampMixin, Base):
    """A rule as the merchant is editing it, kept an hour so a preview link can show unsaved changes.

    Stored rather than carried in the link: a draft (say, 20 KB of block HTML)
    would not fit in the URL the storefront script sends to /v1/decide.
    """

    __tablename__ = "rule_drafts"
    shop_id_indexed = True

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    draft: Mapped[dict] = mapped_column(JSON)
