from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import TimestampMixin
from app.models.types import UTCDateTime


def hash_secret_key(secret_key: str) -> str:
    """SHA-256 of a secret key.

    Secret keys are 256 random bits, so a fast hash is enough (there is
    nothing to brute-force) and it lets us find the shop by the hash alone.
    """
    return hashlib.sha256(secret_key.encode()).hexdigest()


class Shop(TimestampMixin, Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(255), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    locale: Mapped[str] = mapped_column(String(35), default="en")
    public_key: Mapped[str] = mapped_column(String(40), unique=True)
    secret_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Keys of the web workers' in-process caches (app/shop_state): bumped on every change to the
    # shop's settings, rules, segments, experiments or active model, and to its products.
    config_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    catalog_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @staticmethod
    def new_public_key() -> str:
        return "pk_" + secrets.token_urlsafe(16)

    @staticmethod
    def new_secret_key() -> str:
        return "sk_" + secrets.token_urlsafe(32)

    def set_secret_key(self, secret_key: str) -> None:
        self.secret_key_hash = hash_secret_key(secret_key)

    def __repr__(self) -> str:
        return f"<Shop {self.id} {self.name!r}>"
