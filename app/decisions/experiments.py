"""Experiments in a decision: which arm a visitor is in, recorded once."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.decisions.assignment_writer import writer_for
from app.experiments.bucketing import assign
from app.models import Experiment, Profile, Rule


def unit_of(profile: Profile | None, visitor_id: str | None) -> str | None:
    """Who is bucketed: the customer once identified (sticky across devices), else the browser."""
    if profile is not None and profile.customer_id:
        return f"c:{profile.customer_id}"
    if visitor_id:
        return f"v:{visitor_id}"
    return None


def experiment_key(experiment: Experiment) -> str:
    return f"experiment:{experiment.id}"


def record_assignment(session: Session, shop_id: int, key: str, unit: str, profile: Profile | None, arm: str) -> None:
    """Recorded once per (shop, experiment, unit); later decisions change nothing (the hash gives the same arm anyway).

    Written by this process's assignment writer, off the request's own session and transaction.
    """
    writer_for(session).record(
        {"shop_id": shop_id, "experiment_key": key, "unit_id": unit[:140], "profile_id": profile.id if profile else None,
         "arm": arm, "assigned_at": utcnow()}
    )


@dataclass
class ExperimentArms:
    by_rule: dict[int, Experiment]

    @classmethod
    def load(cls, session: Session, shop_id: int) -> ExperimentArms:
        running = session.scalars(
            select(Experiment).where(Experiment.shop_id == shop_id, Experiment.status == "running")
        ).all()
        return cls({experiment.rule_id: experiment for experiment in running})

    def resolve(self, session: Session, rule: Rule, unit: str | None, profile: Profile | None) -> tuple[dict, str | None] | None:
        """``(content, variant)`` for this visitor, or None when they are in the experiment's holdout."""
        experiment = self.by_rule.get(rule.id)
        if experiment is None or unit is None:
            return dict(rule.content or {}), None
        variants = experiment.variants or []
        arm = assign(unit, experiment_key(experiment), [(v["name"], float(v.get("weight", 1))) for v in variants], experiment.holdout or 0.0)
        if arm is None:
            return dict(rule.content or {}), None
        record_assignment(session, rule.shop_id, experiment_key(experiment), unit, profile, arm)
        if arm == "holdout":
            return None
        overrides = next((v.get("content") or {} for v in variants if v["name"] == arm), {})
        return {**(rule.content or {}), **overrides}, arm
