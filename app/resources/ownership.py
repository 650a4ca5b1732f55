"""Finding a shop's own record by id: the one lookup every resource uses."""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.resources.errors import NotFound

Record = TypeVar("Record")


def find_owned(session: Session, model: type[Record], shop_id: int, record_id: int) -> Record | None:
    """The record with this id if it belongs to the shop; another shop's id finds nothing, like a missing one."""
    return session.scalar(select(model).where(model.id == record_id, model.shop_id == shop_id))


def own(session: Session, model: type[Record], shop_id: int, record_id: int, missing: str) -> Record:
    """As ``find_owned``, raising NotFound(``missing``) instead of answering None."""
    record = find_owned(session, model, shop_id, record_id)
    if record is None:
        raise NotFound(missing)
    return record
