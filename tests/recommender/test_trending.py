"""Trending counts distinct visitors with a minimum support and ignores bots; offline trending scores the same way."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Product
from app.recommender.offline.baselines import trending_vector
from app.recommender.serving import trending
from app.recommender.serving.bots import MAX_PRODUCT_VIEWS_PER_DAY
from app.recommender.training.features import Interactions
from tests.helpers.events import event


def views(db_session, shop, visitor: str, product: str, times: int = 1, hours_ago: float = 1.0) -> None:
    now = utcnow()
    batch = [event("product_view", visitor, product_id=product, ts=(now - timedelta(hours=hours_ago, seconds=n)).isoformat())
             for n in range(times)]
    ingest_batch(db_session, shop.id, batch, sent_at=None, received_at=now)
    db_session.commit()


@pytest.fixture
def shop(db_session, make_shop):
    shop, _ = make_shop()
    for product in ("SPAM", "LIKED", "BOTTED", "QUIET"):
        db_session.add(Product(shop_id=shop.id, external_id=product, title=product.title(), tags=[], in_stock=True))
    db_session.commit()
    return shop


def ranked(db_session, shop) -> list[str]:
    trending.clear_cache()
    return [product for product, _ in trending.trending(db_session, shop.id)]


def test_one_browser_reloading_a_product_moves_nothing_three_people_do(db_session, shop, client):
    views(db_session, shop, "spammer", "SPAM", times=12)
    for visitor in ("a", "b", "c"):
        views(db_session, shop, visitor, "LIKED")
    assert ranked(db_session, shop) == ["LIKED"]
    # A new visitor's "Picked for you" (no model yet: trending) is not the spammer's product either.
    body = client.get("/v1/recommendations", query_string={"key": shop.public_key, "strategy": "personalized",
                                                          "visitor_id": "newcomer", "limit": 4}).get_json()
    assert [item["id"] for item in body["items"]] == ["LIKED"]


def test_a_visitor_viewing_faster_than_a_person_can_is_a_bot_and_does_not_count(db_session, shop):
    views(db_session, shop, "crawler", "BOTTED", times=MAX_PRODUCT_VIEWS_PER_DAY + 1, hours_ago=2)
    for visitor in ("a", "b"):
        views(db_session, shop, visitor, "BOTTED")
    assert "BOTTED" not in ranked(db_session, shop)  # two people and a crawler: below the support of three
    views(db_session, shop, "c", "BOTTED")
    assert ranked(db_session, shop) == ["BOTTED"]


def test_trending_scores_decay_by_window_and_weigh_kinds():
    counts = [("X", 0, "product_view", 3), ("X", 4, "purchase", 3), ("Y", 0, "add_to_cart", 3), ("Z", 0, "product_view", 2)]
    scores = trending.trending_scores(counts, {"X": 3, "Y": 3, "Z": 2})
    assert set(scores) == {"X", "Y"}  # Z: two visitors, below the minimum support
    view_weight = 0.5 ** (0.5 / trending.HALF_LIFE_DAYS)
    assert scores["X"] == pytest.approx(3 * view_weight + 3 * 5 * 0.5 ** (22 / trending.HALF_LIFE_DAYS))
    assert scores["Y"] == pytest.approx(3 * 3 * view_weight)


def test_offline_trending_counts_like_serving():
    day = 86400.0
    now = 1_700_000_000.0
    rows = [(f"u{n}", "A", 1.0, now - 0.5 * day) for n in range(4)] + [("u0", "A", 1.0, now - 0.2 * day)] * 5
    rows += [(f"u{n}", "B", 1.0, now - 10 * day) for n in range(3)] + [("u9", "C", 1.0, now - day / 3)] * 9
    interactions = Interactions.from_tuples(rows)
    kinds = np.array(["product_view"] * len(rows), dtype=object)
    vector = trending_vector(interactions, {"A": 0, "B": 1, "C": 2}, now, kinds)
    expected = trending.trending_scores([("A", 0, "product_view", 4), ("B", 3, "product_view", 3)], {"A": 4, "B": 3, "C": 1})
    assert vector.tolist() == pytest.approx([expected["A"], expected["B"], 0.0])


def test_a_full_cache_keeps_this_minutes_entries_and_drops_the_oldest_first(db_session, make_shop, monkeypatch):
    monkeypatch.setattr(trending, "_CACHE_SIZE", 3)
    trending.clear_cache()
    computed = []
    real = trending._compute
    monkeypatch.setattr(trending, "_compute", lambda session, shop_id, *rest: computed.append(shop_id) or real(session, shop_id, *rest))
    shops = [make_shop()[0].id for _ in range(4)]
    monkeypatch.setattr(trending.time, "time", lambda: 1_000_000.0)
    trending._cache[(shops[0], None, 200, 0)] = []  # an entry from a past minute goes first
    for shop_id in shops:
        trending.trending(db_session, shop_id)
    assert computed == shops
    computed.clear()
    for shop_id in shops[1:]:  # the three newest of this minute are all still there
        trending.trending(db_session, shop_id)
    assert computed == []
    trending.clear_cache()
