"""/admin/api/rules — the shop's widgets: content blocks, pop-ups and sliders with their targeting.

A rule's body may carry ``"experiment"``: an A/B test of the rule (as
/admin/api/experiments takes it, without ``rule_id``) saved together with the
rule in one transaction, or ``null`` to end the rule's test. Left out, the
rule's test is left as it is.
"""
from __future__ import annotations

from flask import current_app, jsonify, request

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.decisions.preview import PREVIEW_MAX_AGE, preview_token
from app.errors import ApiError
from app.resources import rule_with_experiment, rules
from app.resources.rule_with_experiment import KEEP
from app.schemas.rules import RuleSchema

_schema = RuleSchema()
_DESCRIBING_A_RULE = "a JSON object describing the rule"


@blueprint.get("/rules")
@shop_required
def list_rules():
    return jsonify(rules=_schema.dump(rules.listed(db.session(), current_shop().id), many=True))


@blueprint.post("/rules")
@shop_required
def create_rule():
    payload = json_object(_DESCRIBING_A_RULE)
    rule = _save(None, payload, payload.get("experiment", KEEP))
    return jsonify(_schema.dump(rule)), 201


@blueprint.get("/rules/<id:rule_id>")
@shop_required
def get_rule(rule_id: int):
    return jsonify(_schema.dump(rules.own(db.session(), current_shop().id, rule_id)))


@blueprint.put("/rules/<id:rule_id>")
@shop_required
def replace_rule(rule_id: int):
    rule = rules.own(db.session(), current_shop().id, rule_id)
    payload = json_object(_DESCRIBING_A_RULE)
    return jsonify(_schema.dump(_save(rule, payload, payload.get("experiment", KEEP))))


@blueprint.patch("/rules/<id:rule_id>")
@shop_required
def update_rule(rule_id: int):
    """Change some fields (say, ``{"enabled": false}``); the result is validated whole."""
    rule = rules.own(db.session(), current_shop().id, rule_id)
    changes = json_object("a JSON object of the fields to change")
    return jsonify(_schema.dump(_save(rule, rules.with_changes(rule, changes), changes.get("experiment", KEEP))))


@blueprint.get("/rules/<id:rule_id>/preview")
@shop_required
def preview_link(rule_id: int):
    """A link that shows this rule on a store page (``?url=``, default the shop's home) for an hour."""
    rule = rules.own(db.session(), current_shop().id, rule_id)
    page = request.args.get("url") or (f"https://{current_shop().domain}/" if current_shop().domain else None)
    if not page or not page.startswith(("http://", "https://")):
        raise ApiError(400, "Invalid query.", {"url": ["Give the store page to preview on, as an http(s) URL."]})
    token = preview_token(current_app.secret_key, current_shop().id, rule.id)
    separator = "&" if "?" in page.split("#")[0] else "?"
    base, _, fragment = page.partition("#")
    link = f"{base}{separator}p13n_preview={token}" + (f"#{fragment}" if fragment else "")
    return jsonify(url=link, token=token, expires_in=PREVIEW_MAX_AGE)


@blueprint.delete("/rules/<id:rule_id>")
@shop_required
def delete_rule(rule_id: int):
    session = db.session()
    rules.delete(session, rules.own(session, current_shop().id, rule_id))
    session.commit()
    return "", 204


def _save(rule, payload: dict, experiment):
    session = db.session()
    change = rule_with_experiment.validate(session, current_shop().id, payload, experiment)
    rule = rule_with_experiment.save(session, current_shop().id, rule, change)
    session.commit()
    return rule
