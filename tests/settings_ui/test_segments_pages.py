"""The segment editor and its live count, on real profiles."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.models import Profile, Segment
from tests.helpers.rules import make_rule


def _profiles(db_session, shop, orders: list[int]):
    for index, count in enumerate(orders):
        db_session.add(Profile(shop_id=shop.id, customer_id=f"c{index}", order_count=count, total_spend=Decimal(20 * count), session_count=1))
    db_session.commit()


BUYERS = {"name": "Repeat buyers", "match": "all", "conditions.0.field": "order_count", "conditions.0.op": "gte",
          "conditions.0.value": "2"}


def test_the_live_count_follows_the_form_without_saving(signed_in, db_session, make_shop):
    _profiles(db_session, signed_in.shop, [0, 1, 2, 3, 5])
    other, _ = make_shop("Other")
    _profiles(db_session, other, [4, 4, 4])
    response = signed_in.post("/settings/segments/count", BUYERS)
    assert response.get_json() == {"count": 3, "errors": {}}
    narrower = {**BUYERS, "conditions.1.field": "total_spend", "conditions.1.op": "gt", "conditions.1.value": "50"}
    assert signed_in.post("/settings/segments/count", narrower).get_json()["count"] == 2
    either = {**narrower, "match": "any"}
    assert signed_in.post("/settings/segments/count", either).get_json()["count"] == 3
    assert db_session.scalar(select(Segment)) is None


def test_a_bad_condition_is_named_in_the_live_count_and_on_save(signed_in, db_session):
    bad = {**BUYERS, "conditions.0.op": "contains", "conditions.0.value": "x"}
    counted = signed_in.post("/settings/segments/count", bad)
    assert counted.status_code == 400 and "conditions.0.op" in counted.get_json()["errors"]
    saved = signed_in.post("/settings/segments/new", bad)
    assert saved.status_code == 400 and "For a number field use one of" in saved.get_data(as_text=True)
    assert db_session.scalar(select(Segment)) is None


def test_a_segment_is_saved_edited_and_shown_with_its_count(signed_in, db_session):
    _profiles(db_session, signed_in.shop, [0, 2, 3])
    assert signed_in.post("/settings/segments/new", BUYERS).status_code == 302
    segment = db_session.scalar(select(Segment))
    assert segment.conditions == [{"field": "order_count", "op": "gte", "value": 2}]
    listing = signed_in.get("/settings/segments").get_data(as_text=True)
    assert "Repeat buyers" in listing and '<td class="num">2</td>' in listing
    edit = signed_in.get(f"/settings/segments/{segment.id}").get_data(as_text=True)
    assert 'id="segment-count-value">2<' in edit
    stages = {"name": "Browsers", "match": "any", "conditions.0.field": "stage", "conditions.0.op": "in",
              "conditions.0.value": "new_visitor, returning_browser"}
    assert signed_in.post(f"/settings/segments/{segment.id}", stages).status_code == 302
    db_session.expire_all()
    assert db_session.get(Segment, segment.id).conditions == [{"field": "stage", "op": "in", "value": ["new_visitor", "returning_browser"]}]


def test_a_segment_a_widget_targets_cannot_be_deleted(signed_in, db_session):
    assert signed_in.post("/settings/segments/new", BUYERS).status_code == 302
    segment = db_session.scalar(select(Segment))
    make_rule(db_session, signed_in.shop, kind="popup", name="For buyers", targeting={"segments": [segment.id]})
    signed_in.post(f"/settings/segments/{segment.id}/delete")
    assert db_session.get(Segment, segment.id) is not None
    assert "still targeted by: For buyers" in signed_in.get(f"/settings/segments/{segment.id}").get_data(as_text=True)


def test_another_shops_segment_is_not_found(signed_in, db_session, make_shop):
    other, _ = make_shop("Other")
    theirs = Segment(shop_id=other.id, name="Theirs", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    db_session.add(theirs)
    db_session.commit()
    assert signed_in.get(f"/settings/segments/{theirs.id}").status_code == 404
    assert signed_in.post(f"/settings/segments/{theirs.id}", BUYERS).status_code == 404
    assert signed_in.post(f"/settings/segments/{theirs.id}/delete").status_code == 404
    assert "Theirs" not in signed_in.get("/settings/segments").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Segment, theirs.id).name == "Theirs"
