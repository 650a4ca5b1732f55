"""Building event payloads as the storefront script sends them."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime


def event(type_: str = "page_view", visitor_id: str = "v-1", **fields) -> dict:
    body = {
        "id": fields.pop("id", str(uuid.uuid4())),
        "type": type_,
        "visitor_id": visitor_id,
        "url": "https://shop.example/",
        "ts": fields.pop("ts", datetime.now(UTC).isoformat()),
    }
    body.update(fields)
    return body
