from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import ShopOwned
from app.models.types import BigIntPK, UTCDateTime

EVENT_TYPES = (
    "page_view",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "purchase",
    "identify",
    "widget_impression",
    "widget_click",
    "popup_submit",
)


class Event(ShopOwned, Base):
    """What a shopper did, as the storefront script (or an import) reported it.

    Append-only: rows are never edited, except that a profile merge re-points
    ``profile_id`` at the surviving profile.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("shop_id", "client_event_id"),
        Index("ix_events_shop_profile_time", "shop_id", "profile_id", "occurred_at"),
        Index("ix_events_shop_product_time", "shop_id", "product_id", "occurred_at"),
        Index("ix_events_shop_type_time", "shop_id", "type", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_event_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(128))
    # External ids, as the page knows them: events may arrive before the
    # catalog sync has seen the product, so these are not foreign keys.
    product_id: Mapped[str | None] = mapped_column(String(128))
    order_id: Mapped[str | None] = mapped_column(String(128))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(Text)
    referrer: Mapped[str | None] = mapped_column(Text)
    # client_ts is the browser's clock as sent; occurred_at is that time
    # corrected for the browser's clock skew; received_at is ours.
    client_ts: Mapped[datetime | None] = mapped_column(UTCDateTime)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    props: Mapped[dict] = mapped_column(JSON, default=dict)


class RejectedEvent(ShopOwned, Base):
    """Dead letters: events we refused, kept with the reason so nothing sent is lost silently."""

    __tablename__ = "rejected_events"
    shop_id_indexed = True

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_index: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict | list | str | None] = mapped_column(JSON)
    errors: Mapped[dict] = mapped_column(JSON)
