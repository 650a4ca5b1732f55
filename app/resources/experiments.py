"""Experiments: variants of one rule with weights, and a holdout that sees the rule's default."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Experiment, Rule
from app.resources import ownership, rules
from app.resources.errors import Invalid
from app.schemas.experiments import ExperimentSchema
from app.schemas.rules import CONTENT_SCHEMAS, sanitize_html

FIELDS = ("rule_id", "name", "status", "variants", "holdout")
INVALID = "Invalid experiment; nothing was changed."
_schema = ExperimentSchema()


def listed(session: Session, shop_id: int) -> list[Experiment]:
    return list(session.scalars(select(Experiment).where(Experiment.shop_id == shop_id).order_by(Experiment.id)))


def own(session: Session, shop_id: int, experiment_id: int) -> Experiment:
    return ownership.own(session, Experiment, shop_id, experiment_id, "No such experiment.")


def of_rule(session: Session, rule: Rule) -> Experiment | None:
    """The experiment the rule editor shows and edits (the oldest, should the API have made several)."""
    return session.scalar(
        select(Experiment).where(Experiment.rule_id == rule.id, Experiment.shop_id == rule.shop_id).order_by(Experiment.id).limit(1)
    )


def validate(session: Session, shop_id: int, payload: dict) -> dict:
    """The experiment the payload describes, or Invalid: its rule must be this shop's, its variants fit that rule."""
    data = _load(payload)
    rule = rules.find(session, shop_id, data["rule_id"])
    if rule is None:
        raise Invalid(INVALID, {"rule_id": ["No such rule."]})
    _check_variants(rule.kind, rule.content, data)
    return data


def validate_for_rule(payload: dict, kind: str | None, content: dict | None) -> dict:
    """An experiment for a rule being saved with it (perhaps not created yet); ``rule_id`` is set on save.

    With ``kind`` None (the rule itself is invalid) only the experiment's own fields are checked.
    """
    data = _load({key: value for key, value in payload.items() if key != "rule_id"}, partial=("rule_id",))
    if kind is not None:
        _check_variants(kind, content, data)
    return data


def save(session: Session, shop_id: int, experiment: Experiment | None, data: dict) -> Experiment:
    """Create (``experiment`` None) or replace the shop's experiment with validated ``data``; the caller commits."""
    if experiment is None:
        experiment = Experiment(shop_id=shop_id)
        session.add(experiment)
    for field in FIELDS:
        setattr(experiment, field, data[field])
    session.flush()
    return experiment


def replace_for_rule(session: Session, rule: Rule, data: dict | None) -> Experiment | None:
    """Make ``data`` the rule's experiment, or end the rule's experiment when ``data`` is None."""
    existing = of_rule(session, rule)
    if data is None:
        if existing is not None:
            session.delete(existing)
            session.flush()
        return None
    return save(session, rule.shop_id, existing, {**data, "rule_id": rule.id})


def delete(session: Session, experiment: Experiment) -> None:
    session.delete(experiment)
    session.flush()


def variant_content_errors(kind: str, content: dict | None, variants: list[dict]) -> dict:
    """Field errors by variant index, each variant's overrides checked on top of the rule's content.

    Block HTML in overrides is sanitized in place, as on the rule itself.
    """
    content_schema = CONTENT_SCHEMAS[kind]()
    errors = {}
    for index, variant in enumerate(variants):
        try:
            content_schema.load({**(content or {}), **variant["content"]})
        except ValidationError as error:
            errors[str(index)] = {"content": error.messages}
    if not errors and kind == "block":
        for variant in variants:
            if "html" in variant["content"]:
                variant["content"]["html"] = sanitize_html(variant["content"]["html"])
    return errors


def _load(payload: dict, partial: tuple[str, ...] = ()) -> dict:
    try:
        return _schema.load(payload, partial=partial)
    except ValidationError as error:
        raise Invalid(INVALID, error.normalized_messages()) from None


def _check_variants(kind: str, content: dict | None, data: dict) -> None:
    errors = variant_content_errors(kind, content, data["variants"])
    if errors:
        raise Invalid(INVALID, {"variants": errors})
