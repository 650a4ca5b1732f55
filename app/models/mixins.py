"""Columns many models share."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.clock import utcnow
from app.models.types import UTCDateTime


class TimestampMixin:
    """When the row was created (aware UTC)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShopOwned:
    """A row that belongs to one shop and is deleted with it.

    Every merchant-facing query filters on ``shop_id``; set ``shop_id_indexed``
    where that filter is not already the leading column of another index.
    """

    shop_id_indexed: ClassVar[bool] = False

    @declared_attr
    def shop_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=cls.shop_id_indexed)
