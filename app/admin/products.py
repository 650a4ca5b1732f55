"""/admin/api/products — the catalog, upserted by external id."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError
from sqlalchemy import func, select

from app import db
from app.admin import blueprint
from app.admin.auth import current_shop, shop_required
from app.catalog.upsert import upsert_products
from app.errors import ApiError
from app.models import Product
from app.schemas.products import ProductBatchSchema, ProductOutSchema

_batch_schema = ProductBatchSchema()
_out_schema = ProductOutSchema()


@blueprint.post("/products")
@shop_required
def upsert():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, 'Body must be JSON like {"products": [...]}.')
    try:
        batch = _batch_schema.load(payload)
    except ValidationError as error:
        # All or nothing: a request with any invalid product changes nothing.
        raise ApiError(400, "Invalid products; nothing was stored.", error.normalized_messages()) from None
    session = db.session()
    counts = upsert_products(session, current_shop().id, batch["products"])
    session.commit()
    return jsonify(created=counts.created, updated=counts.updated)


@blueprint.get("/products")
@shop_required
def list_products():
    limit = min(max(_int_arg("limit", 100), 1), 500)
    offset = max(_int_arg("offset", 0), 0)
    session = db.session()
    shop_id = current_shop().id
    total = session.scalar(select(func.count()).select_from(Product).where(Product.shop_id == shop_id))
    products = session.scalars(
        select(Product).where(Product.shop_id == shop_id).order_by(Product.id).limit(limit).offset(offset)
    ).all()
    return jsonify(products=_out_schema.dump(products, many=True), total=total, limit=limit, offset=offset)


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        raise ApiError(400, "Invalid query.", {name: ["Not a valid integer."]}) from None
