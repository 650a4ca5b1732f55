from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import UTCDateTime

GLOBAL_HOLDOUT = "global-holdout"


class Experiment(ShopOwned, TimestampMixin, Base):
    """Variants of one rule with weights, and a holdout that sees the slot's default (or nothing)."""

    __tablename__ = "experiments"
    shop_id_indexed = True

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | stopped
    # [{"name": "A", "weight": 1, "content": {...overrides of the rule's content...}}]
    variants: Mapped[list] = mapped_column(JSON, default=list)
    holdout: Mapped[float] = mapped_column(Float, default=0.0)


class Assignment(ShopOwned, Base):
    """Which arm a unit (customer or visitor) got, recorded the first time it was decided."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("shop_id", "experiment_key", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "experiment:<id>" or GLOBAL_HOLDOUT ("in" / "out" as the arm)
    experiment_key: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(140))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"), index=True)
    arm: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
