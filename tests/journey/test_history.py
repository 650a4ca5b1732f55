"""Stages at past moments, rebuilt in SQL (app/journey/history.py), held to the Python rules they restate."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from app.clock import utcnow
from app.ingest.events import SESSION_GAP, ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.journey import traits
from app.journey.history import current_stage, dialect_of, stage_case, stages_at
from app.journey.stages import JourneyFacts, StageThresholds, stage_for
from app.journey.traffic_class import _SEARCH, _SOCIAL, traffic_class, traffic_class_sql
from app.models import Event, Order, Profile
from tests.helpers.events import event
from tests.helpers.stats_history import profile_of

NOW = utcnow().replace(microsecond=0)
THRESHOLDS = st.builds(
    StageThresholds, loyal_orders=st.integers(1, 5),
    loyal_spend=st.one_of(st.none(), st.decimals(1, 500, places=2)), lapsed_days=st.integers(1, 400),
)
FACTS = st.builds(
    JourneyFacts, session_count=st.integers(0, 4), order_count=st.integers(0, 6), total_spend=st.decimals(0, 900, places=2),
    last_order_at=st.one_of(st.none(), st.integers(0, 500).map(lambda days: NOW - timedelta(days=days, hours=3))),
    cart_count=st.integers(0, 3),
    # The order before the last: up to 500 days and a few seconds earlier, across every lapse threshold (won back).
    previous_order_at=st.one_of(st.none(), st.integers(0, 500 * 86400).map(lambda seconds: NOW - timedelta(days=500, seconds=seconds))),
)
SLOW_DB = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW_DB
@given(facts=FACTS, thresholds=THRESHOLDS)
def test_the_sql_stage_is_stage_for(db_session, facts, thresholds):
    if facts.previous_order_at is not None and (facts.last_order_at is None or facts.previous_order_at > facts.last_order_at):
        facts = replace(facts, previous_order_at=None)  # the order before the last cannot come after it
    sql = stage_case(orders=literal(facts.order_count), spend=literal(facts.total_spend), last_order_at=literal(facts.last_order_at, Order.placed_at.type),
                     cart_items=literal(facts.cart_count), sessions=literal(facts.session_count), moment=NOW, thresholds=thresholds,
                     previous_order_at=literal(facts.previous_order_at, Order.placed_at.type), dialect=dialect_of(db_session))
    assert db_session.scalar(select(sql)) == stage_for(facts, NOW, thresholds)


SOURCES = st.one_of(st.none(), st.sampled_from(["", "Direct", "newsletter", "Klaviyo", "m.facebook.com", "news.google.de", "t.co", "shop_blog", "50%off"]),
                    st.text("abcdeflgotx._-%", max_size=12), st.sampled_from(_SOCIAL + _SEARCH).map(lambda name: f"www.{name.upper()}.com"))
MEDIUMS = st.one_of(st.none(), st.sampled_from(["", "cpc", "Email", "social", "organic", "paid_search", "referral", "E-Mail", "unknown"]),
                    st.text("acdeiloprs_-", max_size=10))


@SLOW_DB
@given(source=SOURCES, medium=MEDIUMS)
def test_the_sql_traffic_class_is_traffic_class(db_session, source, medium):
    assert db_session.scalar(select(traffic_class_sql(literal(source), literal(medium)))) == traffic_class(source, medium)


def reference_stages(db_session, shop_id, moment, now, thresholds) -> dict[int, str]:
    """The stage at ``moment`` of each profile, replayed in Python one event at a time (what the SQL must equal)."""
    profiles = db_session.execute(select(Profile.id, Profile.session_count).where(
        Profile.shop_id == shop_id, Profile.merged_into_id.is_(None), Profile.first_seen_at < moment)).all()
    orders = defaultdict(list)
    for profile_id, at, total in db_session.execute(select(Order.profile_id, Order.placed_at, Order.total).where(
            Order.shop_id == shop_id, Order.placed_at < moment)):
        orders[profile_id].append((at, total))
    events = defaultdict(list)
    for row in db_session.execute(select(Event.profile_id, Event.occurred_at, Event.id, Event.type, Event.props).where(
            Event.shop_id == shop_id).order_by(Event.occurred_at, Event.id)):
        events[row.profile_id].append(row)
    stages = {}
    for profile_id, session_count in profiles:
        starts, previous, cart = 0, None, {}
        for row in events[profile_id]:
            if moment - SESSION_GAP <= row.occurred_at < now:
                if row.occurred_at >= moment and (previous is None or row.occurred_at - previous > SESSION_GAP):
                    starts += 1
                previous = row.occurred_at
            if row.occurred_at < moment and row.type in ("add_to_cart", "remove_from_cart"):
                traits.apply_event(cart, row.type, None, ingest_quantity(row.props), None)
        placed = orders[profile_id]
        latest = sorted((at for at, _ in placed), reverse=True)
        facts = JourneyFacts(max(session_count - starts, 0), len(placed), sum((total for _, total in placed), Decimal(0)),
                             latest[0] if latest else None, cart.get("cart_count") or 0, latest[1] if len(latest) > 1 else None)
        stages[profile_id] = stage_for(facts, moment, thresholds)
    return stages


def ingest_quantity(props) -> int:
    try:
        return max(int(props.get("quantity", 1)), 1)
    except (TypeError, ValueError):
        return 1


QUANTITIES = [1, 2, 3, 2.7, "2", "x", None, -4, 0, "12"]


def random_history(db_session, shop, rng: random.Random, visitors: int = 12) -> None:
    """Visits with gaps around the session rule, carts filled and emptied, some orders: the cases the SQL must get right."""
    for number in range(visitors):
        visitor = f"r{number}"
        at = NOW - timedelta(days=rng.randint(5, 40), minutes=rng.randint(0, 600))
        batch = []
        for _ in range(rng.randint(1, 9)):
            kind = rng.choice(["page_view", "add_to_cart", "add_to_cart", "remove_from_cart", "product_view"])
            props = {} if kind == "page_view" else {"quantity": rng.choice(QUANTITIES)}
            batch.append(event(kind, visitor, ts=at.isoformat(), product_id="P1", props={k: v for k, v in props.items() if v is not None}))
            # Gaps of exactly the session gap, just past it, or much shorter or longer.
            at += rng.choice([timedelta(minutes=5), SESSION_GAP, SESSION_GAP + timedelta(seconds=1), timedelta(days=2), timedelta(days=6)])
        ingest_batch(db_session, shop.id, batch, sent_at=None, received_at=NOW)
        db_session.commit()
        if rng.random() < 0.4:
            profile_id = profile_of(db_session, shop, visitor)
            for n in range(rng.randint(1, 4)):
                placed = NOW - timedelta(days=rng.randint(0, 300))
                store_new_orders(db_session, shop.id, [OrderData(f"O-{visitor}-{n}", placed, None, profile_id, total=Decimal(rng.randint(5, 90)))], "import")
            db_session.commit()


@pytest.mark.parametrize("seed", range(6))
def test_stages_at_past_moments_equal_a_replay_in_python(db_session, make_shop, seed):
    shop, _ = make_shop(f"Replay {seed}")
    rng = random.Random(seed)
    random_history(db_session, shop, rng)
    thresholds = StageThresholds(loyal_orders=rng.randint(2, 3), lapsed_days=rng.choice([30, 120]))
    for days_ago in (45, 20, 12, 6, 1):
        moment = NOW - timedelta(days=days_ago, minutes=rng.randint(0, 1440))
        rebuilt = dict(db_session.execute(stages_at(dialect_of(db_session), shop.id, moment, NOW, thresholds)).all())
        assert rebuilt == reference_stages(db_session, shop.id, moment, NOW, thresholds), (seed, days_ago)
        one = next(iter(rebuilt), None)
        if one is not None:  # the same query for one profile, as decisions and survey answers ask it
            assert db_session.execute(stages_at(dialect_of(db_session), shop.id, moment, NOW, thresholds, one)).all() == [(one, rebuilt[one])]


def test_the_current_stage_in_sql_is_the_one_decisions_use(db_session, make_shop):
    shop, _ = make_shop()
    random_history(db_session, shop, random.Random(42), visitors=20)
    thresholds = StageThresholds()
    from_sql = dict(db_session.execute(select(Profile.id, current_stage(NOW, thresholds)).where(Profile.shop_id == shop.id)).all())
    profiles = db_session.scalars(select(Profile).where(Profile.shop_id == shop.id)).all()
    assert from_sql == {
        profile.id: stage_for(JourneyFacts(profile.session_count, profile.order_count, profile.total_spend, profile.last_order_at, profile.cart_count,
                                           profile.previous_order_at),
                              NOW, thresholds) for profile in profiles}
    assert len(set(from_sql.values())) >= 3, "the history covers several stages"
