"""A shop's discount code pools: single-use codes the merchant uploads, each given to one lead.

For shops not on Shopify (where codes are created per lead), a pop-up with unique codes draws
from a named pool; ``app.leads.codes`` does the drawing.
"""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import insert_ignoring_conflicts
from app.models import DiscountCode
from app.resources.errors import Invalid, NotFound
from app.schemas.leads import CodeUploadSchema

_upload_schema = CodeUploadSchema()


@dataclass(frozen=True)
class Pool:
    name: str
    total: int
    given: int

    @property
    def left(self) -> int:
        return self.total - self.given

    def as_dict(self) -> dict:
        return {"pool": self.name, "total": self.total, "given": self.given, "left": self.left}


def pools(session: Session, shop_id: int) -> list[Pool]:
    given = func.sum(case((DiscountCode.assigned_at.is_not(None), 1), else_=0))
    rows = session.execute(
        select(DiscountCode.pool, func.count(), given).where(DiscountCode.shop_id == shop_id)
        .group_by(DiscountCode.pool).order_by(DiscountCode.pool)
    )
    return [Pool(name, total, int(given or 0)) for name, total, given in rows]


def pool(session: Session, shop_id: int, name: str) -> Pool | None:
    return next((found for found in pools(session, shop_id) if found.name == name), None)


def validate_upload(payload: dict) -> dict:
    try:
        return _upload_schema.load(payload)
    except ValidationError as error:
        raise Invalid("Invalid codes; nothing was added.", error.normalized_messages()) from None


def upload(session: Session, shop_id: int, data: dict) -> tuple[int, int]:
    """Add the codes to the pool; (added, skipped). A code the shop already has (in any pool) is skipped."""
    codes = list(dict.fromkeys(data["codes"]))  # the order of the upload, each once
    now = utcnow()
    added = 0
    for start in range(0, len(codes), 1000):
        rows = [{"shop_id": shop_id, "pool": data["pool"], "code": code, "created_at": now} for code in codes[start:start + 1000]]
        result = session.execute(
            insert_ignoring_conflicts(session, DiscountCode, ["shop_id", "code"]).returning(DiscountCode.__table__.c.id),
            rows,
        )
        added += len(result.all())
    session.flush()
    return added, len(data["codes"]) - added


def delete_unused(session: Session, shop_id: int, name: str) -> int:
    """Remove the pool's codes not given to anyone yet (given ones stay: leads show them); how many."""
    if pool(session, shop_id, name) is None:
        raise NotFound("No such code pool.")
    return session.execute(delete(DiscountCode).where(
        DiscountCode.shop_id == shop_id, DiscountCode.pool == name, DiscountCode.assigned_at.is_(None)
    )).rowcount
