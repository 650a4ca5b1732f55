"""The signature on what we send out: HMAC-SHA256 over "<unix time>.<body>", keyed with the receiver's secret.

Sent as ``X-P13n-Signature: t=<unix time>,v1=<hex digest>``. The receiver recomputes the digest
over the raw body, compares in constant time, and refuses a timestamp older than a few minutes
(a replayed delivery). docs/leads.md shows the check in Python and JavaScript.
"""
from __future__ import annotations

import hashlib
import hmac

HEADER = "X-P13n-Signature"
TOLERANCE_SECONDS = 300


def digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is recent; what a receiver does."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(digest(secret, timestamp, body), parts.get("v1", ""))
