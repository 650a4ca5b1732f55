"""A rule and its experiment: checked together, saved in the caller's one transaction, or not at all."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Experiment, Rule, Segment
from app.resources import rule_with_experiment, segments
from app.resources.errors import Conflict, Invalid
from app.resources.rule_with_experiment import KEEP

POPUP = {"kind": "popup", "name": "Exit coupon", "content": {"headline": "Wait!", "coupon": "TEN"}}
TEST = {"name": "Coupon test", "variants": [{"name": "ten"}, {"name": "fifteen", "content": {"coupon": "FIFTEEN"}}]}


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_every_problem_is_reported_at_once_and_nothing_is_added(db_session, make_shop):
    shop, _ = make_shop()
    other, _ = make_shop("Other")
    theirs = Segment(shop_id=other.id, name="Theirs", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    db_session.add(theirs)
    db_session.commit()
    with pytest.raises(Invalid) as foreign:
        rule_with_experiment.validate(db_session, shop.id, {**POPUP, "targeting": {"segments": [theirs.id]}}, TEST)
    assert foreign.value.errors == {"targeting": {"segments": [f"No such segment: {theirs.id}."]}}
    bad_variant = {**TEST, "variants": [{"name": "A", "content": {"headline": ""}}]}
    with pytest.raises(Invalid) as both:
        rule_with_experiment.validate(db_session, shop.id, {**POPUP, "priority": 5000}, {**bad_variant, "holdout": 2})
    assert set(both.value.errors) == {"priority", "experiment"} and "holdout" in both.value.errors["experiment"]
    with pytest.raises(Invalid) as content:
        rule_with_experiment.validate(db_session, shop.id, POPUP, bad_variant)
    assert "headline" in content.value.errors["experiment"]["variants"]["0"]["content"]
    assert (_count(db_session, Rule), _count(db_session, Experiment)) == (0, 0)


def test_saved_together_kept_or_ended(db_session, make_shop):
    shop, _ = make_shop()
    change = rule_with_experiment.validate(db_session, shop.id, POPUP, TEST)
    rule = rule_with_experiment.save(db_session, shop.id, None, change)
    db_session.rollback()  # the caller had not committed: neither was stored
    assert (_count(db_session, Rule), _count(db_session, Experiment)) == (0, 0)
    rule = rule_with_experiment.save(db_session, shop.id, None, change)
    db_session.commit()
    experiment = db_session.scalar(select(Experiment))
    assert experiment.rule_id == rule.id and experiment.shop_id == shop.id
    renamed = rule_with_experiment.validate(db_session, shop.id, {**POPUP, "name": "Renamed"}, KEEP)
    rule_with_experiment.save(db_session, shop.id, rule, renamed)
    db_session.commit()
    assert rule.name == "Renamed" and _count(db_session, Experiment) == 1
    rule_with_experiment.save(db_session, shop.id, rule, rule_with_experiment.validate(db_session, shop.id, POPUP, None))
    db_session.commit()
    assert _count(db_session, Experiment) == 0


def test_a_segment_a_rule_targets_is_not_deleted(db_session, make_shop):
    shop, _ = make_shop()
    segment = segments.save(db_session, shop.id, None, segments.validate(
        {"name": "Buyers", "conditions": [{"field": "order_count", "op": "gte", "value": 1}]}))
    change = rule_with_experiment.validate(db_session, shop.id, {**POPUP, "targeting": {"segments": [segment.id]}})
    rule_with_experiment.save(db_session, shop.id, None, change)
    db_session.commit()
    with pytest.raises(Conflict, match="still targeted by: Exit coupon"):
        segments.delete(db_session, segment)
    assert db_session.get(Segment, segment.id) is not None
