from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.types import UTCDateTime


class ShopifyInstall(Base):
    """Our app installed on one Shopify store, and the Admin API token it granted.

    The token is kept encrypted (app/shopify/token_crypto.py): we must be able
    to use it, so it cannot be hashed, but a database dump alone must not leak it.
    """

    __tablename__ = "shopify_installs"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), unique=True)
    shop_domain: Mapped[str] = mapped_column(String(255), unique=True)
    access_token_encrypted: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str | None] = mapped_column(String(1000))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the last Admin API sync got to, per resource, so a failed one resumes.
    sync_state: Mapped[dict] = mapped_column(JSON, default=dict)


class WebhookDelivery(Base):
    """One webhook Shopify sent us, kept so a retried delivery is processed once."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # X-Shopify-Event-Id (or X-Shopify-Webhook-Id where the event id is absent).
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    shop_domain: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
