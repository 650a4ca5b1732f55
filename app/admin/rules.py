"""/admin/api/rules — the shop's widgets: content blocks, pop-ups and sliders with their targeting."""
from __future__ import annotations

from flask import current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.admin import blueprint
from app.admin.auth import current_shop, shop_required
from app.errors import ApiError
from app.decisions.preview import PREVIEW_MAX_AGE, preview_token
from app.models import Rule
from app.schemas.rules import RuleSchema

_schema = RuleSchema()
_FIELDS = ("kind", "name", "enabled", "priority", "slot", "selector", "mode", "content", "targeting", "frequency")


@blueprint.get("/rules")
@shop_required
def list_rules():
    rules = db.session().scalars(
        select(Rule).where(Rule.shop_id == current_shop().id).order_by(Rule.kind, Rule.priority.desc(), Rule.id)
    ).all()
    return jsonify(rules=_schema.dump(rules, many=True))


@blueprint.post("/rules")
@shop_required
def create_rule():
    data = _load(request.get_json(silent=True))
    rule = Rule(shop_id=current_shop().id, **{field: data[field] for field in _FIELDS})
    session = db.session()
    session.add(rule)
    session.commit()
    return jsonify(_schema.dump(rule)), 201


@blueprint.get("/rules/<int:rule_id>")
@shop_required
def get_rule(rule_id: int):
    return jsonify(_schema.dump(_own_rule(rule_id)))


@blueprint.put("/rules/<int:rule_id>")
@shop_required
def replace_rule(rule_id: int):
    rule = _own_rule(rule_id)
    data = _load(request.get_json(silent=True))
    for field in _FIELDS:
        setattr(rule, field, data[field])
    db.session().commit()
    return jsonify(_schema.dump(rule))


@blueprint.patch("/rules/<int:rule_id>")
@shop_required
def update_rule(rule_id: int):
    """Change some fields (say, ``{"enabled": false}``); the result is validated whole."""
    rule = _own_rule(rule_id)
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        raise ApiError(400, "Body must be a JSON object of the fields to change.")
    merged = {**_schema.dump(rule), **changes}
    data = _load({key: value for key, value in merged.items() if key in _FIELDS})
    for field in _FIELDS:
        setattr(rule, field, data[field])
    db.session().commit()
    return jsonify(_schema.dump(rule))


@blueprint.get("/rules/<int:rule_id>/preview")
@shop_required
def preview_link(rule_id: int):
    """A link that shows this rule on a store page (``?url=``, default the shop's home) for an hour."""
    rule = _own_rule(rule_id)
    page = request.args.get("url") or (f"https://{current_shop().domain}/" if current_shop().domain else None)
    if not page or not page.startswith(("http://", "https://")):
        raise ApiError(400, "Invalid query.", {"url": ["Give the store page to preview on, as an http(s) URL."]})
    token = preview_token(current_app.secret_key, current_shop().id, rule.id)
    separator = "&" if "?" in page.split("#")[0] else "?"
    base, _, fragment = page.partition("#")
    link = f"{base}{separator}p13n_preview={token}" + (f"#{fragment}" if fragment else "")
    return jsonify(url=link, token=token, expires_in=PREVIEW_MAX_AGE)


@blueprint.delete("/rules/<int:rule_id>")
@shop_required
def delete_rule(rule_id: int):
    session = db.session()
    session.delete(_own_rule(rule_id))
    session.commit()
    return "", 204


def _load(payload) -> dict:
    if not isinstance(payload, dict):
        raise ApiError(400, "Body must be a JSON object describing the rule.")
    try:
        return _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid rule; nothing was changed.", error.normalized_messages()) from None


def _own_rule(rule_id: int) -> Rule:
    # Another shop's rule answers exactly like a missing one.
    rule = db.session().scalar(select(Rule).where(Rule.id == rule_id, Rule.shop_id == current_shop().id))
    if rule is None:
        raise ApiError(404, "No such rule.")
    return rule
