"""Writing a batch's checked events to the events table; which were new is what counts.

On PostgreSQL the rows go in by COPY (app/ingest/bulk_copy.py) as tuples built once, straight
from the loaded events; when any of them is already stored, by INSERT ... ON CONFLICT DO NOTHING,
which reports the new ones. Other databases (SQLite) take the portable INSERT.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.db import insert_ignoring_conflicts
from app.ingest import bulk, bulk_copy
from app.models import Event
from app.models.types import UTCDateTime

_COLUMNS = (
    "shop_id", "client_event_id", "type", "profile_id", "visitor_id", "customer_id", "product_id", "order_id",
    "value", "currency", "url", "referrer", "client_ts", "occurred_at", "received_at", "props",
)
# How psycopg writes each column in COPY's binary format: text for the strings and for the JSON (the
# same bytes), numeric for money, timestamp for the naive UTC times UTCDateTime stores.
_COPY_TYPES = (
    "int4", "text", "text", "int4", "text", "text", "text", "text",
    "numeric", "text", "text", "text", "timestamp", "timestamp", "timestamp", "text",
)
_UNIQUE = ["shop_id", "client_event_id"]
_as_stored = UTCDateTime().process_bind_param


def insert_events(session: Session, shop_id: int, events: list[dict], received_at: datetime) -> set[str]:
    """Store ``events`` (loaded, with ``profile`` and ``occurred_at``); the client event ids that were new.

    An id already stored (a replay, or a retry racing its original in another request) is skipped,
    not an error: it counts as a duplicate.
    """
    if bulk.supported(session):
        if bulk_copy.copy_unless_conflicting(session, Event.__table__, _COLUMNS, _COPY_TYPES, _copy_rows(shop_id, events, received_at)):
            return {event["id"] for event in events}
        return set(bulk.insert_ignoring_conflicts_returning(
            session, Event.__table__, _rows(shop_id, events, received_at), _UNIQUE, "client_event_id"
        ))
    statement = insert_ignoring_conflicts(session, Event, _UNIQUE).returning(Event.client_event_id)
    return set(session.scalars(statement, _rows(shop_id, events, received_at)))


def _copy_rows(shop_id: int, events: list[dict], received_at: datetime):
    received = _naive_utc(received_at)
    for event in events:
        client_ts = event["ts"]
        yield (
            shop_id, event["id"], event["type"], event["profile"].id, event["visitor_id"], event["customer_id"],
            event["product_id"], event["order_id"], event["value"], event["currency"], event["url"], event["referrer"],
            None if client_ts is None else _naive_utc(client_ts), _naive_utc(event["occurred_at"]), received,
            bulk.encode_json(event["props"] or {}),  # as the JSON column stores it
        )


def _naive_utc(moment: datetime) -> datetime:
    """What a UTCDateTime column stores; UTC times (all of ours) just drop the zone."""
    return moment.replace(tzinfo=None) if moment.tzinfo is UTC else _as_stored(moment, None)


def _rows(shop_id: int, events: list[dict], received_at: datetime) -> list[dict]:
    return [
        {
            "shop_id": shop_id,
            "client_event_id": event["id"],
            "type": event["type"],
            "profile_id": event["profile"].id,
            "visitor_id": event["visitor_id"],
            "customer_id": event.get("customer_id"),
            "product_id": event.get("product_id"),
            "order_id": event.get("order_id"),
            "value": event.get("value"),
            "currency": event.get("currency"),
            "url": event.get("url"),
            "referrer": event.get("referrer"),
            "client_ts": event.get("ts"),
            "occurred_at": event["occurred_at"],
            "received_at": received_at,
            "props": event.get("props") or {},
        }
        for event in events
    ]
