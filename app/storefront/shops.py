from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Shop


def shop_by_public_key(session: Session, public_key: str) -> Shop | None:
    if not public_key or len(public_key) > 64:
        return None
    return session.scalar(select(Shop).where(Shop.public_key == public_key))
