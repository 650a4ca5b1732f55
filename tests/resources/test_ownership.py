"""Every resource finds only the shop's own records: another shop's id is exactly a missing one."""
from __future__ import annotations

import pytest

from app.models import Experiment, Segment
from app.resources import experiments, rules, segments
from app.resources.errors import NotFound
from tests.helpers.rules import make_rule


@pytest.fixture
def records(db_session, make_shop):
    """{resource: (own, id of the other shop's record of that kind)}, each shop holding one of each."""
    ours, _ = make_shop("Ours")
    theirs, _ = make_shop("Theirs")
    made = {}
    for shop in (ours, theirs):
        rule = make_rule(db_session, shop, "popup")
        segment = Segment(shop_id=shop.id, name="Buyers", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
        experiment = Experiment(shop_id=shop.id, rule_id=rule.id, name="Test", variants=[{"name": "A", "weight": 1, "content": {}}])
        db_session.add_all([segment, experiment])
        db_session.flush()
        made[shop.id] = {rules: rule.id, segments: segment.id, experiments: experiment.id}
    db_session.commit()
    return ours, made[ours.id], made[theirs.id]


@pytest.mark.parametrize("resource", [rules, segments, experiments], ids=lambda module: module.__name__.rsplit(".", 1)[-1])
def test_another_shops_id_is_refused_like_a_missing_one(db_session, records, resource):
    ours, own_ids, their_ids = records
    assert resource.own(db_session, ours.id, own_ids[resource]).id == own_ids[resource]
    with pytest.raises(NotFound) as theirs:
        resource.own(db_session, ours.id, their_ids[resource])
    with pytest.raises(NotFound) as missing:
        resource.own(db_session, ours.id, max(their_ids[resource], own_ids[resource]) + 1000)
    assert (theirs.value.message, theirs.value.errors) == (missing.value.message, missing.value.errors)
    assert [record.id for record in resource.listed(db_session, ours.id)] == [own_ids[resource]]
