from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import UTCDateTime


class ShopUser(ShopOwned, TimestampMixin, Base):
    """A merchant who signs in to the settings UI. One email belongs to one shop."""

    __tablename__ = "shop_users"
    shop_id_indexed = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # werkzeug's scrypt hash (salted, slow): a leaked table does not give passwords away.
    password_hash: Mapped[str] = mapped_column(String(255))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every session of this account carries the number it was opened under; signing out
    # or setting a new password bumps it, and older sessions (copied cookies) stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginThrottle(Base):
    """Sign-in attempts for one email or one client address in the current window (shared by all web workers).

    One row per key, counted by one atomic upsert per attempt before the
    password is checked, so concurrent guesses cannot slip past the limit.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (Index("ix_login_throttles_window_started_at", "window_started_at"),)

    key: Mapped[str] = mapped_column(String(400), primary_key=True)  # "email:…" or "ip:…"
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
