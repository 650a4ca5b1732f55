from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import ShopOwned
from app.models.types import UTCDateTime

CLV_FIT_STATUSES = ("fitted", "partial", "not_enough_data", "failed")


class ClvFit(ShopOwned, Base):
    """One refit of a shop's lifetime-value models: the parameters, or why there are none.

    ``fitted``: both models; ``partial``: BG/NBD only (spend per order falls
    back to each customer's average order value); ``not_enough_data`` and
    ``failed``: no prediction, ``reason`` says why.
    """

    __tablename__ = "clv_fits"
    __table_args__ = (Index("ix_clv_fits_shop_fitted", "shop_id", "fitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    repeat_customers: Mapped[int] = mapped_column(Integer, default=0)
    # {"r", "alpha", "a", "b", "log_likelihood", "unit"} and {"p", "q", "gamma", ...}; times in days.
    bgnbd: Mapped[dict | None] = mapped_column(JSON)
    gamma_gamma: Mapped[dict | None] = mapped_column(JSON)
    horizon_months: Mapped[int] = mapped_column(Integer)
    monthly_discount_rate: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
