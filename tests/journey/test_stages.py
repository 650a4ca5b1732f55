"""The stage machine on plain facts: every transition of a shopper's life."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.journey.stages import JourneyFacts, StageThresholds, stage_for
from app.journey.traffic_class import traffic_class

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def facts(sessions=1, orders=0, spend="0", last_order_days=None, cart=0, previous_order_days=None):
    last = NOW - timedelta(days=last_order_days) if last_order_days is not None else None
    previous = NOW - timedelta(days=previous_order_days) if previous_order_days is not None else None
    return JourneyFacts(sessions, orders, Decimal(spend), last, cart, previous)


def test_a_shoppers_life_from_new_to_won_back():
    journey = [
        facts(sessions=1),
        facts(sessions=2),
        facts(sessions=2, cart=2),
        facts(sessions=3, orders=1, spend="40", last_order_days=1),
        facts(sessions=6, orders=3, spend="120", last_order_days=2),
        facts(sessions=6, orders=3, spend="120", last_order_days=200, previous_order_days=210),
        facts(sessions=7, orders=4, spend="150", last_order_days=0, previous_order_days=200),
        facts(sessions=7, orders=4, spend="150", last_order_days=100, previous_order_days=300),
        facts(sessions=8, orders=5, spend="190", last_order_days=0, previous_order_days=100),
    ]
    assert [stage_for(f, NOW) for f in journey] == [
        "new_visitor", "returning_browser", "cart_builder", "first_time_buyer", "loyal", "lapsed", "won_back", "won_back", "loyal",
    ]


def test_won_back_follows_the_shops_lapse():
    thresholds = StageThresholds(lapsed_days=30)
    assert stage_for(facts(orders=2, spend="50", last_order_days=1, previous_order_days=40), NOW, thresholds) == "won_back"
    assert stage_for(facts(orders=2, spend="50", last_order_days=1, previous_order_days=20), NOW, thresholds) == "first_time_buyer"
    assert stage_for(facts(orders=2, spend="50", last_order_days=31, previous_order_days=90), NOW, thresholds) == "lapsed"


def test_thresholds_are_per_shop():
    thresholds = StageThresholds.from_settings({"journey": {"loyal_orders": 10, "loyal_spend": 100, "lapsed_days": 30}})
    assert stage_for(facts(orders=2, spend="150", last_order_days=5), NOW, thresholds) == "loyal"
    assert stage_for(facts(orders=2, spend="50", last_order_days=5), NOW, thresholds) == "first_time_buyer"
    assert stage_for(facts(orders=2, spend="50", last_order_days=31), NOW, thresholds) == "lapsed"


def test_traffic_classes():
    assert traffic_class("ig", "social") == "social"
    assert traffic_class("google", "cpc") == "paid"
    assert traffic_class("google.com", "referral") == "search"
    assert traffic_class("newsletter", "email") == "email"
    assert traffic_class("direct", "none") == "direct"
    assert traffic_class("blog.example", "referral") == "referral"
