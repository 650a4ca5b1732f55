"""A visitor's recommendations are reused between their page views exactly while their history is unchanged."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Profile, VisitorId
from app.models.profile import HISTORY_EVENT_TYPES
from app.recommender.serving import visitor_memo
from app.recommender.serving.visitor import TASTE_EVENTS
from tests.helpers import recommender_shop
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event
from tests.helpers.statements import statements

PROFILE_READ = "SELECT PROFILES.ID, PROFILES.CUSTOMER_ID,"


@pytest.fixture
def shop(db_session, make_shop, tmp_path):
    return recommender_shop.trained_shop(db_session, make_shop, tmp_path)[0]


def personalized(client, shop, visitor_id: str, full: bool = False) -> list:
    response = client.get("/v1/recommendations", query_string={
        "key": shop.public_key, "strategy": "personalized", "visitor_id": visitor_id, "limit": 6,
    })
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["strategy"] == "personalized"
    return body["items"] if full else [item["id"] for item in body["items"]]


def send(db_session, shop, *events, identified: bool = False) -> None:
    ingest_batch(db_session, shop.id, list(events), sent_at=None, received_at=utcnow(),
                 identities=signatures(shop) if identified else None)
    db_session.commit()


def view(visitor_id: str, product_id: str, seconds_ago: int = 1) -> dict:
    return event("product_view", visitor_id, product_id=product_id, ts=(utcnow() - timedelta(seconds=seconds_ago)).isoformat())


def history_version(db_session, visitor_id: str) -> int:
    db_session.expire_all()
    return db_session.scalar(select(Profile.history_version).join(VisitorId, VisitorId.profile_id == Profile.id)
                             .where(VisitorId.visitor_id == visitor_id))


def test_a_repeat_page_view_reads_only_the_profile_and_answers_the_same(shop, app, client, db_session):
    send(db_session, shop, view("v-memo", "LAMP-2", 5), view("v-memo", "LAMP-5"))
    first = personalized(client, shop, "v-memo")
    with statements(app) as seen:
        again = personalized(client, shop, "v-memo")
    assert again == first
    assert seen == [PROFILE_READ], "no history read, no ranking: the answer computed from this very history"


def test_a_new_view_makes_the_next_answer_fresh(shop, client, db_session):
    send(db_session, shop, view("v-memo", "LAMP-2"))
    top = personalized(client, shop, "v-memo")[0]
    send(db_session, shop, view("v-memo", top))
    # personalized never shows what the visitor has just viewed (that is recently_viewed's)
    assert top not in personalized(client, shop, "v-memo")


def test_an_order_makes_the_next_answer_fresh(shop, client, db_session):
    send(db_session, shop, view("v-buyer", "MUG-1"))
    top = personalized(client, shop, "v-buyer", full=True)[0]
    assert not top["reason"].startswith("Time to restock")
    profile_id = db_session.scalar(select(VisitorId.profile_id).where(VisitorId.visitor_id == "v-buyer"))
    store_new_orders(db_session, shop.id, [OrderData(
        external_id="O-memo", placed_at=utcnow(), customer_id=None, profile_id=profile_id, currency="EUR",
        lines=[OrderLineData(top["id"], 1, Decimal("10.00"))],
    )], source="shopify")
    db_session.commit()
    # Now a purchase of theirs: wherever it is shown, it is shown as a restock.
    after = {item["id"]: item["reason"] for item in personalized(client, shop, "v-buyer", full=True)}
    assert top["id"] not in after or after[top["id"]].startswith("Time to restock"), after


def test_a_merge_makes_the_customers_next_answer_fresh(shop, client, db_session):
    send(db_session, shop, signed_event(shop, "identify", "v-laptop", "C1"), identified=True)
    top = personalized(client, shop, "v-laptop")[0]
    # The same customer on a phone: views the laptop's top product, then signs in; the phone's history
    # moves into the customer's profile, which the laptop reads.
    send(db_session, shop, view("v-phone", top, 5))
    send(db_session, shop, signed_event(shop, "identify", "v-phone", "C1"), identified=True)
    assert top not in personalized(client, shop, "v-laptop")


def test_only_events_a_ranking_reads_change_the_history_version(shop, db_session):
    send(db_session, shop, view("v-count", "MUG-1"))
    before = history_version(db_session, "v-count")
    send(db_session, shop, event("page_view", "v-count"),
         event("widget_impression", "v-count", props={"rule_id": 1, "decision_id": "dc_1", "widget": "slider"}))
    assert history_version(db_session, "v-count") == before, "what nearly every page view sends changes nothing remembered"
    for changing in (view("v-count", "MUG-2"), event("add_to_cart", "v-count", product_id="MUG-2"),
                     event("widget_click", "v-count", product_id="MUG-3", props={"rule_id": 1, "decision_id": "dc_1", "widget": "slider"}),
                     event("popup_submit", "v-count", props={"rule_id": 1})):
        send(db_session, shop, changing)
        assert history_version(db_session, "v-count") == before + 1, changing["type"]
        before += 1


def test_answers_are_recomputed_in_the_next_time_bucket(shop, app, client, db_session, monkeypatch):
    send(db_session, shop, view("v-later", "LAMP-2"))
    personalized(client, shop, "v-later")
    later = visitor_memo.time.time() + visitor_memo.BUCKET_SECONDS
    monkeypatch.setattr(visitor_memo, "time", SimpleNamespace(time=lambda: later, monotonic=visitor_memo.time.monotonic))
    with statements(app) as seen:
        personalized(client, shop, "v-later")
    assert seen[0] == PROFILE_READ and len(seen) == 2, "the profile, then the history again"


def test_the_least_recently_seen_visitor_is_forgotten_first_and_zero_remembers_nothing(shop, app, client, db_session):
    send(db_session, shop, view("v-a", "LAMP-2"), view("v-b", "MUG-2"))
    try:
        visitor_memo.configure(1)
        personalized(client, shop, "v-a")
        personalized(client, shop, "v-b")
        with statements(app) as seen:
            personalized(client, shop, "v-a")
        assert len(seen) == 2, "v-a was forgotten for v-b"
        visitor_memo.configure(0)
        personalized(client, shop, "v-a")
        with statements(app) as seen:
            personalized(client, shop, "v-a")
        assert len(seen) == 2, "nothing remembered"
    finally:
        visitor_memo.configure(visitor_memo.DEFAULT_VISITORS)


def test_every_event_the_ranking_reads_changes_the_history_version():
    assert set(TASTE_EVENTS) <= HISTORY_EVENT_TYPES


@pytest.fixture
def shared_memo(redis_url):
    """Results shared through the test Redis, as with REDIS_URL; ours forgotten before and after."""
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{visitor_memo.SharedResults.PREFIX}*"):
        client.delete(key)
    visitor_memo.configure(visitor_memo.DEFAULT_VISITORS, redis_url)
    yield client
    visitor_memo.configure(visitor_memo.DEFAULT_VISITORS)


def test_another_worker_reuses_the_results_through_redis(shop, app, client, db_session, shared_memo):
    send(db_session, shop, view("v-shared", "LAMP-2"))
    first = personalized(client, shop, "v-shared")
    visitor_memo.clear()  # another worker: nothing in its own memory
    with statements(app) as seen:
        assert personalized(client, shop, "v-shared") == first
    assert seen == [PROFILE_READ]
    send(db_session, shop, view("v-shared", first[0]))
    visitor_memo.clear()
    assert first[0] not in personalized(client, shop, "v-shared"), "a changed history is computed afresh"


def test_an_unreachable_redis_costs_nothing_but_the_sharing(shop, app, client, db_session):
    send(db_session, shop, view("v-alone", "LAMP-2"))
    try:
        visitor_memo.configure(visitor_memo.DEFAULT_VISITORS, "redis://127.0.0.1:1/0")
        first = personalized(client, shop, "v-alone")
        with statements(app) as seen:
            assert personalized(client, shop, "v-alone") == first
        assert seen == [PROFILE_READ], "remembered in this process"
    finally:
        visitor_memo.configure(visitor_memo.DEFAULT_VISITORS)
