"""The one clock: aware UTC now. Everything that stores or compares times asks it, so tests and code agree."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
