"""Identify events for known customers from fresh browsers, as the storefront script sends them."""
from __future__ import annotations

import uuid

from app.clock import utcnow


def identify_events(app, public_key: str, customer_ids: list[str]) -> tuple[list[dict], list[str]]:
    """One identify event per customer from a new visitor id; (events, visitor ids)."""
    now = utcnow().isoformat()
    visitors = [f"known-{uuid.uuid4().hex[:12]}" for _ in customer_ids]
    events = [
        {"id": str(uuid.uuid4()), "type": "identify", "visitor_id": visitor, "customer_id": customer, "ts": now}
        for visitor, customer in zip(visitors, customer_ids)
    ]
    return events, visitors
