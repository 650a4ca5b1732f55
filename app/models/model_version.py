from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import UTCDateTime

MODEL_STATUSES = ("training", "ready", "active", "retired", "failed")


class ModelVersion(ShopOwned, TimestampMixin, Base):
    """One training run of a shop's recommender and the artifact it wrote.

    The artifact is written completely under ``artifact_path`` before the row
    becomes ``active``; at most one version per shop is active (a partial
    unique index), so readers always find one whole model or none.
    """

    __tablename__ = "model_versions"
    __table_args__ = (
        Index("ix_model_versions_shop_created", "shop_id", "created_at"),
        Index(
            "uq_model_versions_one_active_per_shop",
            "shop_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="training")
    artifact_path: Mapped[str | None] = mapped_column(Text)
    trained_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    training_seconds: Mapped[float | None] = mapped_column(Float)
    n_users: Mapped[int | None] = mapped_column(Integer)
    n_items: Mapped[int | None] = mapped_column(Integer)
    n_interactions: Mapped[int | None] = mapped_column(Integer)
    hyperparameters: Mapped[dict] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
