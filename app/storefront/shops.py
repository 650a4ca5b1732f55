from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.errors import ApiError
from app.models import Shop
from app.shop_state import NOT_RECENTLY_CHECKED, ShopSnapshot, recent_snapshot, shop_snapshot


def shop_by_public_key(session: Session, public_key: str) -> Shop | None:
    if not public_key or len(public_key) > 64:
        return None
    return session.scalar(select(Shop).where(Shop.public_key == public_key))


def snapshot_by_public_key(session: Session | Callable[[], Session], public_key: str) -> ShopSnapshot | None:
    """The shop as the hot path reads it: from memory, checked against its versions (app/shop_state.py).

    ``session`` may be a function that opens one: then none is opened while memory answers.
    """
    if not public_key or len(public_key) > 64:
        return None
    recent = recent_snapshot(public_key)
    if recent is not NOT_RECENTLY_CHECKED:
        return recent
    return shop_snapshot(session() if callable(session) else session, public_key)


def keyed_query(schema: Schema, args: dict) -> tuple[Shop, dict]:
    """A public GET's query validated by ``schema`` and the shop its ``key`` names (400 / 403 otherwise).

    The shop is the in-memory snapshot's detached row: read it, never change it.
    """
    query = valid_query(schema, args)
    return shop_for_key(query.pop("key")), query


def valid_query(schema: Schema, args: dict) -> dict:
    """A public GET's query validated by ``schema`` (400 otherwise), read without the database."""
    try:
        return schema.load(args)
    except ValidationError as error:
        raise ApiError(400, "Invalid query.", error.normalized_messages()) from None


def shop_for_key(public_key: str) -> Shop:
    """The shop ``public_key`` names, from the in-memory snapshot (403 when there is none)."""
    state = snapshot_by_public_key(db.session, public_key)
    if state is None:
        raise ApiError(403, "Unknown key.")
    return state.shop
