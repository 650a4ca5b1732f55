from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Float, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import ShopOwned
from app.models.types import UTCDateTime

# Events whose arrival changes a profile's history_version: what the serving ranking reads of a visitor
# (views, carts, clicks on recommendations; purchases, which become orders) and conversions (a pop-up
# converted on stays hidden). Page views and impressions do not: nearly every page view sends them, and
# a result that every page view invalidated would never be reused (impressions are read afresh).
HISTORY_EVENT_TYPES = frozenset({"product_view", "add_to_cart", "widget_click", "popup_submit", "purchase"})


class Profile(ShopOwned, Base):
    """One person in one shop: all their visitor ids and, once known, their customer id."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("shop_id", "customer_id"),)
    shop_id_indexed = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(128))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    session_count: Mapped[int] = mapped_column(Integer, default=0)
    # First touch: where the person came from the first time we saw them.
    traffic_source: Mapped[str | None] = mapped_column(String(255))
    traffic_medium: Mapped[str | None] = mapped_column(String(64))
    traffic_campaign: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    device: Mapped[str | None] = mapped_column(String(16))
    # Journey traits, kept current as events and orders arrive (app/journey/traits.py),
    # so a decision reads one row instead of scanning the history.
    order_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_spend: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0, server_default="0")
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The order before the last: a gap longer than the lapse between them makes a "won back" customer.
    previous_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cart_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cart_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0, server_default="0")
    viewed_categories: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # One more with every write that changes what a page view's ranking reads of this person's history
    # (HISTORY_EVENT_TYPES, orders, merges), in the write's own transaction: results computed from the
    # history are reused exactly while it is unchanged (app/recommender/serving/visitor_memo.py).
    history_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the merchant's server told us about the customer (identify's traits, such as
    # first_name): stored only from a verified identify, never from a mere claim.
    traits: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Predicted lifetime value (app/clv/refresh.py), refitted with the shop's
    # models; typed columns so segments can filter on them. NULL: not predicted
    # (no order yet, or the shop has too few repeat customers to fit).
    predicted_clv: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    p_alive: Mapped[float | None] = mapped_column(Float)
    expected_orders_90d: Mapped[float | None] = mapped_column(Float)
    clv_percentile: Mapped[float | None] = mapped_column(Float)
    clv_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A profile merged into another (the same customer seen on two devices)
    # stays as a tombstone pointing at the survivor, so late references resolve.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="SET NULL"), index=True
    )


class VisitorId(ShopOwned, Base):
    """An anonymous first-party visitor id (one per browser) and the profile it belongs to."""

    __tablename__ = "visitor_ids"
    __table_args__ = (UniqueConstraint("shop_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[str] = mapped_column(String(64))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
