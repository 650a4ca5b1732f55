"""Signed identify events for known customers from fresh browsers, as a signed-in page makes the script send them."""
from __future__ import annotations

import uuid

from app.clock import utcnow
from app.identity_secrets import sign


def identify_events(identity_secret: str, customer_ids: list[str]) -> tuple[list[dict], list[str]]:
    """One identify event per customer from a new visitor id, signed with the shop's identity secret; (events, visitor ids).

    Unsigned, a customer id is only a claim and the visitor would stay anonymous (README "Signed-in customers").
    """
    now = utcnow().isoformat()
    visitors = [f"known-{uuid.uuid4().hex[:12]}" for _ in customer_ids]
    events = [
        {"id": str(uuid.uuid4()), "type": "identify", "visitor_id": visitor, "customer_id": customer,
         "customer_sig": sign(identity_secret, customer), "ts": now}
        for visitor, customer in zip(visitors, customer_ids)
    ]
    return events, visitors
