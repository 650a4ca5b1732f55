"""/admin/api/products — the catalog, upserted by external id."""
from __future__ import annotations

from flask import jsonify, request

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.errors import ApiError
from app.resources import products
from app.schemas.products import ProductOutSchema

_out_schema = ProductOutSchema()


@blueprint.post("/products")
@shop_required
def upsert():
    batch = products.validate_batch(json_object('JSON like {"products": [...]}'))
    session = db.session()
    counts = products.upsert(session, current_shop().id, batch)
    session.commit()
    return jsonify(created=counts.created, updated=counts.updated)


@blueprint.get("/products")
@shop_required
def list_products():
    found = products.page(db.session(), current_shop().id, _int_arg("limit", 100), _int_arg("offset", 0), request.args.get("q"))
    return jsonify(products=_out_schema.dump(found.products, many=True), total=found.total, limit=found.limit, offset=found.offset)


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        raise ApiError(400, "Invalid query.", {name: ["Not a valid integer."]}) from None
