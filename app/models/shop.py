from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import TimestampMixin
from app.models.types import UTCDateTime

# Every secret key starts with this, which tells it from a Shopify session token (a JWT) in a bearer header.
SECRET_KEY_PREFIX = "sk_"


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
    # Signs the customer ids the merchant's server vouches for (app/identity_secrets.py). Read
    # back to verify, so encrypted (app/secret_box.py) rather than hashed like the secret key;
    # the previous one stays valid for a while after a rotation.
    identity_secret_encrypted: Mapped[str | None] = mapped_column(Text)  # NULL: none yet, or lost with its key
    previous_identity_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    identity_secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Settings-UI sessions opened without an account (through Shopify's OAuth) carry this
    # number; signing out of one bumps it, which ends every such session of the shop.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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
        return SECRET_KEY_PREFIX + secrets.token_urlsafe(32)

    def set_secret_key(self, secret_key: str) -> None:
        self.secret_key_hash = hash_secret_key(secret_key)

    def __repr__(self) -> str:
        return f"<Shop {self.id} {self.name!r}>"
