"""Clicks in blocks and pop-ups count as click-throughs; a pop-up closed by the shopper does not, but is counted."""
from __future__ import annotations

from datetime import timedelta

from app.stats.report import stats_report
from app.stats.timeseries import daily_series
from tests.helpers.events import event
from tests.helpers.rules import make_rule
from tests.helpers.stats_history import order, track


def test_a_dismissal_is_no_click_and_earns_no_purchase(db_session, make_shop, day0):
    shop, _ = make_shop()
    block = make_rule(db_session, shop, "block", name="Hero")
    popup = make_rule(db_session, shop, "popup", name="Exit")
    on_block = {"rule_id": block.id, "decision_id": "dc_1", "widget": "block"}
    on_popup = {"rule_id": popup.id, "decision_id": "dc_1", "widget": "popup"}
    at = day0 + timedelta(hours=9)
    track(db_session, shop, at, event("widget_impression", "v1", props=on_block), event("widget_click", "v1", props={**on_block, "action": "link"}),
          event("widget_impression", "v2", props=on_popup), event("widget_click", "v2", props={**on_popup, "action": "dismiss"}),
          event("widget_impression", "v3", props=on_popup), event("widget_click", "v3", props={**on_popup, "action": "coupon_copy"}))
    order(db_session, shop, "v2", at + timedelta(minutes=5), "40.00")  # after closing the pop-up: a view-through at most

    report = stats_report(db_session, shop.id, day0, day0 + timedelta(days=1))
    arms = {entry["rule_id"]: entry["variants"][0] for entry in report["rules"]}
    assert (arms[block.id]["clicks"], arms[block.id]["click_through_rate"]) == (1, 1.0)
    assert (arms[popup.id]["impressions"], arms[popup.id]["clicks"], arms[popup.id]["dismissals"]) == (2, 1, 1)
    assert arms[popup.id]["click_through_rate"] == 0.5
    series = daily_series(db_session, shop.id, day0, day0 + timedelta(days=1))
    assert series.rules[popup.id][0].clicks == 1
