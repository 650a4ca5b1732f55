"""A rule and its experiment, validated together and saved in one transaction.

The rule editor always does this (its form holds the rule and its variants);
the admin API does it when a rule's body carries ``"experiment"``. Either both
are saved or, when anything is invalid, neither.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Rule
from app.resources import experiments, rules
from app.resources.errors import Invalid

# As the experiment: leave the rule's experiment as it is (an object no JSON body can spell).
KEEP = object()


@dataclass(frozen=True)
class RuleChange:
    rule: dict  # validated rule fields
    experiment: dict | None | object  # validated experiment, None to end it, or KEEP


def validate(session: Session, shop_id: int, rule_payload: dict, experiment_payload=KEEP) -> RuleChange:
    """Both checked, and every problem reported at once: the rule's fields, and the experiment's under ``experiment``."""
    errors: dict = {}
    data = None
    try:
        data = rules.validate(session, shop_id, rule_payload)
    except Invalid as error:
        errors.update(error.errors)
    experiment = experiment_payload
    if isinstance(experiment_payload, dict):
        try:
            experiment = experiments.validate_for_rule(
                experiment_payload, data["kind"] if data else None, data["content"] if data else None
            )
        except Invalid as error:
            errors["experiment"] = error.errors
    elif experiment_payload is not None and experiment_payload is not KEEP:
        errors["experiment"] = ["Must be an object describing the test's variants, or null to end the test."]
    if errors:
        raise Invalid(rules.INVALID, errors)
    return RuleChange(data, experiment)


def save(session: Session, shop_id: int, rule: Rule | None, change: RuleChange) -> Rule:
    """Create or replace the rule, then its experiment, in the caller's transaction (the caller commits once)."""
    rule = rules.save(session, shop_id, rule, change.rule)
    if change.experiment is not KEEP:
        experiments.replace_for_rule(session, rule, change.experiment)
    return rule
